package pricing_test

import (
	"context"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/dectest"
	"github.com/b2bkit/b2bkit/pricing"
)

// absurd are numbers written with exponents near ±2³¹: comparing or adding one to an ordinary
// number scales it by that power of ten (minutes, gigabytes), multiplying two overflows. Zeros
// among them are zero, an ordinary value written absurdly.
var absurd = dectest.AbsurdSigned()

// decimalField is one decimal a value holds, by its Go path, and how to set it.
type decimalField struct {
	path string
	set  func(decimal.Decimal)
}

// decimalFields lists every decimal.Decimal reachable from v (addressable) through exported
// fields, slices, pointers and maps.
func decimalFields(v reflect.Value, path string) []decimalField {
	decType := reflect.TypeFor[decimal.Decimal]()
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return decimalFields(v.Elem(), path)
	case reflect.Slice:
		var out []decimalField
		for i := range v.Len() {
			out = append(out, decimalFields(v.Index(i), path+"["+strconv.Itoa(i)+"]")...)
		}
		return out
	case reflect.Map:
		if v.Type().Elem() != decType {
			return nil
		}
		var out []decimalField
		for _, k := range v.MapKeys() {
			out = append(out, decimalField{path + "[" + k.String() + "]", func(d decimal.Decimal) { v.SetMapIndex(k, reflect.ValueOf(d)) }})
		}
		return out
	case reflect.Struct:
		if v.Type() == decType {
			return []decimalField{{path, func(d decimal.Decimal) { v.Set(reflect.ValueOf(d)) }}}
		}
		var out []decimalField
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				out = append(out, decimalFields(v.Field(i), path+"."+f.Name)...)
			}
		}
		return out
	}
	return nil
}

// snakeField is the JSON name of the last Go field in path: FloorMarginPercent is
// floor_margin_percent, Prices[distributor] is prices.
func snakeField(path string) string {
	name := path[strings.LastIndexByte(path, '.')+1:]
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i]
	}
	var b strings.Builder
	for i, r := range name {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// refusedOrAnswered requires err to be nil or to match ErrInvalid naming field.
func refusedOrAnswered(t *testing.T, err error, field string) {
	t.Helper()
	if err == nil {
		return
	}
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.Contains(t, err.Error(), field)
}

// EXPONENTS: every number of a policy, set to a number with an absurd exponent, makes Validate,
// NewEngine and then the quotes answer at once — a nonzero one refused naming its field, a zero
// read as zero — never scale by a power of ten of a billion digits.
func TestPolicyNumbersWithAbsurdExponentsAnswerAtOnce(t *testing.T) {
	for _, file := range []string{"testdata/restaurant.json", "testdata/catalogue.json"} {
		n := len(decimalFields(reflect.ValueOf(new(loadPolicy(t, file))), "policy"))
		require.Greater(t, n, 10)
		for i := range n {
			for _, a := range absurd {
				p := loadPolicy(t, file)
				f := decimalFields(reflect.ValueOf(&p), "policy")[i]
				t.Run(file+f.path+"="+a.Name, func(t *testing.T) {
					f.set(a.D)
					err := p.Validate()
					if !a.D.IsZero() {
						require.ErrorIs(t, err, b2bkit.ErrInvalid)
						require.Contains(t, err.Error(), snakeField(f.path))
					}
					e, err := pricing.NewEngine(p, catalogueList(t), &pricing.Options{Now: fixedNow})
					if err != nil {
						refusedOrAnswered(t, err, snakeField(f.path))
						return
					}
					require.True(t, a.D.IsZero(), "an absurd %s was taken", a.Name)
					for _, sku := range []string{"RICE-WC", "RICE-TH", "OIL-5L", "SALT-1KG"} {
						r := request(b2bkit.SKU(sku), "120")
						r.Tier, r.Group, r.Terms.Payment = "gold", "wok-chain", b2bkit.Net(30)
						_, err := e.Quote(ctx, r)
						refusedOrAnswered(t, err, "")
					}
					_, err = e.QuoteOrder(ctx, order("RICE-WC", "60", "RICE-TH", "600", "OIL-5L", "8", "SALT-1KG", "3"))
					refusedOrAnswered(t, err, "")
				})
			}
		}
	}
}

// funcSource is a price source answering with what its function gives.
type funcSource func(q pricing.PriceQuery) (pricing.ListPrice, error)

func (f funcSource) ListPrice(_ context.Context, q pricing.PriceQuery) (pricing.ListPrice, error) {
	return f(q)
}

// fullListPrice is a list price with every number set.
func fullListPrice(sku b2bkit.SKU) pricing.ListPrice {
	return pricing.ListPrice{SKU: sku, Price: dec("128"), Currency: "CNY", Cost: dec("100"), TaxPercent: dec("9"), Weight: dec("25"),
		PackSize: dec("2"), MinQuantity: dec("4"), Attributes: map[string]string{"category": "rice", "brand": "wuchang"},
		Prices:   map[string]decimal.Decimal{"distributor": dec("120")},
		Contract: pricing.Contract{ID: "C-1", Price: dec("110")}}
}

// EXPONENTS: a list price with an absurd number is refused by NewPriceList and Set naming the
// field, and a price source that answers one at quote time makes Quote, QuoteMany and QuoteOrder
// answer at once with an error naming it, not hang.
func TestListPricesWithAbsurdExponentsAnswerAtOnce(t *testing.T) {
	policy := loadPolicy(t, "testdata/catalogue.json")
	n := len(decimalFields(reflect.ValueOf(new(fullListPrice("RICE-WC"))), "list_price"))
	require.Greater(t, n, 7)
	for i := range n {
		for _, a := range absurd {
			lp := fullListPrice("RICE-WC")
			f := decimalFields(reflect.ValueOf(&lp), "list_price")[i]
			t.Run(f.path+"="+a.Name, func(t *testing.T) {
				f.set(a.D)
				field := snakeField(f.path)
				if f.path == "list_price.Contract.Price" {
					field = "contract"
				}
				if !a.D.IsZero() && field != "contract" { // a price list keeps contracts apart
					require.ErrorIs(t, lp.Validate(), b2bkit.ErrInvalid)
					lp := lp
					lp.Contract = pricing.Contract{}
					_, err := pricing.NewPriceList(lp)
					require.ErrorIs(t, err, b2bkit.ErrInvalid)
					require.Contains(t, err.Error(), field)
				}
				src := funcSource(func(q pricing.PriceQuery) (pricing.ListPrice, error) {
					if q.SKU == "RICE-WC" {
						return lp, nil
					}
					return fullListPrice(q.SKU), nil
				})
				e, err := pricing.NewEngine(policy, src, &pricing.Options{Now: fixedNow})
				require.NoError(t, err)
				r := request("RICE-WC", "120")
				r.Group, r.Tier = "wok-chain", "gold"
				_, err = e.Quote(ctx, r)
				refusedOrAnswered(t, err, field)
				_, err = e.QuoteMany(ctx, []pricing.Request{r, r})
				refusedOrAnswered(t, err, field)
				_, err = e.QuoteOrder(ctx, order("RICE-WC", "60", "SALT-1KG", "4"))
				refusedOrAnswered(t, err, field)
				_, err = e.Normalize(dec("120"), r, request("RICE-WC", "10"))
				refusedOrAnswered(t, err, field)
			})
		}
	}
}

// EXPONENTS: a contract price with an absurd price is refused by Validate and SetContracts.
func TestContractPricesWithAbsurdExponentsAreRefused(t *testing.T) {
	for _, a := range absurd {
		if a.D.IsZero() {
			continue
		}
		t.Run(a.Name, func(t *testing.T) {
			c := pricing.ContractPrice{ID: "C-1", SKU: "RICE-WC", Buyer: "golden-wok", Price: a.D}
			require.ErrorIs(t, c.Validate(), b2bkit.ErrInvalid)
			l, err := pricing.NewPriceList(pricing.ListPrice{SKU: "RICE-WC", Price: dec("128")})
			require.NoError(t, err)
			err = l.SetContracts(c)
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			require.Contains(t, err.Error(), "price")
		})
	}
}

// EXPONENTS: a request whose quantity, payment shares or an alternative's quantity carry an
// absurd exponent is refused at once naming the field by Quote, QuoteMany, QuoteOrder, Compare
// and Normalize (a price to normalize too).
func TestRequestsWithAbsurdExponentsAnswerAtOnce(t *testing.T) {
	e := catalogueEngine(t)
	deposit := b2bkit.PaymentTerms{Installments: []b2bkit.Installment{
		{Share: dec("0.3"), Due: b2bkit.OnOrder}, {Share: dec("0.7"), Due: b2bkit.OnDelivery, Days: 30}}}
	good := request("RICE-WC", "120")
	good.Terms.Payment = deposit
	for _, a := range absurd {
		bad := map[string]func(*pricing.Request){
			"quantity": func(r *pricing.Request) { r.Quantity = a.D },
			"share": func(r *pricing.Request) {
				r.Terms.Payment = b2bkit.PaymentTerms{Installments: []b2bkit.Installment{{Share: a.D, Due: b2bkit.OnOrder}, {Share: dec("0.7"), Due: b2bkit.OnDelivery, Days: 30}}}
			},
			"share2": func(r *pricing.Request) {
				r.Terms.Payment = b2bkit.PaymentTerms{Installments: []b2bkit.Installment{{Share: dec("0.3"), Due: b2bkit.OnOrder}, {Share: a.D, Due: b2bkit.OnDelivery, Days: 30}}}
			},
		}
		for name, mutate := range bad {
			field := strings.TrimSuffix(name, "2")
			t.Run(name+"="+a.Name, func(t *testing.T) {
				r := good
				mutate(&r)
				_, err := e.Quote(ctx, r)
				require.ErrorIs(t, err, b2bkit.ErrInvalid)
				require.Contains(t, err.Error(), field)
				require.ErrorIs(t, r.Validate(), b2bkit.ErrInvalid)
				_, err = e.QuoteMany(ctx, []pricing.Request{good, r})
				require.ErrorIs(t, err, b2bkit.ErrInvalid)
				_, err = e.Normalize(dec("100"), good, r)
				require.ErrorIs(t, err, b2bkit.ErrInvalid)
				_, err = e.Normalize(dec("100"), r, good)
				require.ErrorIs(t, err, b2bkit.ErrInvalid)
				o := order("RICE-WC", "60", "SALT-1KG", "4")
				o.Terms = r.Terms
				if name == "quantity" {
					o.Terms = good.Terms
					o.Lines[1].Quantity = a.D
				}
				_, err = e.QuoteOrder(ctx, o)
				require.ErrorIs(t, err, b2bkit.ErrInvalid)
				require.Contains(t, err.Error(), field)
				alt := pricing.Alternative{Label: "x"}
				if name == "quantity" {
					alt.Quantity = a.D
				} else {
					alt.Payment = &r.Terms.Payment
				}
				_, err = e.Compare(ctx, good, []pricing.Alternative{alt})
				if a.D.Sign() > 0 || name != "quantity" { // a quantity not > 0 keeps the request's
					require.ErrorIs(t, err, b2bkit.ErrInvalid)
				} else {
					require.NoError(t, err)
				}
			})
		}
		t.Run("price="+a.Name, func(t *testing.T) {
			_, err := e.Normalize(a.D, good, request("RICE-WC", "10"))
			if a.D.IsZero() {
				refusedOrAnswered(t, err, "price")
				return
			}
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			require.Contains(t, err.Error(), "price")
		})
	}
}

// EXPONENTS: an early-payment offer with an absurd discount has no annual rate (zero, as for any
// offer not well formed) and is written short, answering at once.
func TestEarlyPaymentWithAnAbsurdDiscountAnswersAtOnce(t *testing.T) {
	for _, a := range absurd {
		t.Run(a.Name, func(t *testing.T) {
			e := pricing.EarlyPayment{DiscountPercent: a.D, WithinDays: 10, NetDays: 30}
			requireDecEqual(t, decimal.Zero, e.AnnualPercent())
			require.Less(t, len(e.String()), 100)
		})
	}
	requireDecEqual(t, dec("37.2449"), pricing.EarlyPayment{DiscountPercent: dec("2"), WithinDays: 10, NetDays: 30}.AnnualPercent())
	require.Equal(t, "2/10 net 30", pricing.EarlyPayment{DiscountPercent: dec("2"), WithinDays: 10, NetDays: 30}.String())
}

// EXPONENTS: a payment step's reference schedule with a share written with an absurd exponent is
// refused by Validate and NewEngine naming the share, at once.
func TestPolicyReferenceSharesWithAbsurdExponentsAreRefused(t *testing.T) {
	for _, a := range absurd {
		for k := range 2 {
			t.Run(a.Name+"/"+strconv.Itoa(k), func(t *testing.T) {
				p := loadPolicy(t, "testdata/restaurant.json")
				require.Equal(t, pricing.Payment, p.Steps[2].Kind)
				ref := b2bkit.PaymentTerms{Installments: []b2bkit.Installment{
					{Share: dec("0.5"), Due: b2bkit.OnDelivery}, {Share: dec("0.5"), Due: b2bkit.OnDelivery, Days: 30}}}
				ref.Installments[k].Share = a.D
				p.Steps[2].Reference = &ref
				err := p.Validate()
				require.ErrorIs(t, err, b2bkit.ErrInvalid)
				require.Contains(t, err.Error(), "steps[2].reference")
				_, err = pricing.NewEngine(p, catalogueList(t), &pricing.Options{Now: fixedNow})
				require.ErrorIs(t, err, b2bkit.ErrInvalid)
			})
		}
	}
}
