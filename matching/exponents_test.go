package matching_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/dectest"
	"github.com/b2bkit/b2bkit/matching"
	"github.com/b2bkit/b2bkit/pricing"
)

// absurd are numbers written with exponents near ±2³¹: comparing or adding one to an ordinary
// number scales it by that power of ten (minutes, gigabytes), multiplying two overflows. Zeros
// among them are zero, an ordinary value written absurdly.
var absurd = dectest.AbsurdSigned()

// depositTerms is 30% on order, the rest 30 days after delivery.
func depositTerms(deposit, balance decimal.Decimal) b2bkit.PaymentTerms {
	return b2bkit.PaymentTerms{Installments: []b2bkit.Installment{
		{Share: deposit, Due: b2bkit.OnOrder}, {Share: balance, Due: b2bkit.OnDelivery, Days: 30}}}
}

// someMatches are a few ordinary matches of RICE-25KG for the book's questions to read.
func someMatches() []matching.Match {
	var ms []matching.Match
	for i, p := range []string{"118", "120", "121", "119.5", "125"} {
		m := match(id("m", i), 10+i, "buyer-"+b2bkit.CompanyID(rune('a'+i)), "seller-a", "RICE-25KG", "50", p)
		ms = append(ms, m)
	}
	return ms
}

// EXPONENTS: a match whose quantity, unit price, subsidy or payment share carries an absurd
// exponent is refused at once naming the field by Validate, MemoryLog.Append and Book.Record (one
// match or a batch); a zero subsidy written so is zero. The book's questions then answer at once.
func TestMatchesWithAbsurdExponentsAnswerAtOnce(t *testing.T) {
	for _, a := range absurd {
		fields := map[string]func(*matching.Match){
			"quantity":   func(m *matching.Match) { m.Quantity = a.D },
			"unit_price": func(m *matching.Match) { m.UnitPrice = a.D },
			"subsidy":    func(m *matching.Match) { m.Subsidy = a.D },
			"share":      func(m *matching.Match) { m.Terms.Payment = depositTerms(a.D, dec("0.7")) },
			"share2":     func(m *matching.Match) { m.Terms.Payment = depositTerms(dec("0.3"), a.D) },
		}
		for name, set := range fields {
			field := name
			if name == "share2" {
				field = "share"
			}
			t.Run(name+"="+a.Name, func(t *testing.T) {
				m := match("x-1", 3, "buyer-x", "seller-a", "RICE-25KG", "40", "120")
				set(&m)
				ok := a.D.IsZero() && name == "subsidy"
				check := func(err error) {
					t.Helper()
					if ok {
						require.NoError(t, err)
						return
					}
					require.ErrorIs(t, err, b2bkit.ErrInvalid)
					require.Contains(t, err.Error(), field)
				}
				check(m.Validate())
				check(matching.NewMemoryLog().Append(ctx, m))
				b, _ := newBook(t)
				record(t, b, someMatches()...)
				check(b.Record(ctx, m))
				b2, _ := newBook(t)
				check(b2.Record(ctx, append(someMatches(), m)...))
				_, err := b.ReferencePrice(ctx, "RICE-25KG", request("RICE-25KG", "40", b2bkit.Net(30)), 3*month)
				require.NoError(t, err)
				_, err = b.Rank(ctx, matching.RFQ{Request: request("RICE-25KG", "40", b2bkit.Net(30))}, nil)
				require.NoError(t, err)
				_, err = b.Health(ctx, 3*month)
				require.NoError(t, err)
			})
		}
	}
}

// EXPONENTS: reference rules whose K or MaxBuyerShare carries an absurd exponent are refused at
// once naming the field by Validate and ReferencePriceWith; a zero written so is zero (the
// default).
func TestReferenceRulesWithAbsurdExponentsAnswerAtOnce(t *testing.T) {
	b, _ := newBook(t)
	record(t, b, someMatches()...)
	r := request("RICE-25KG", "40", b2bkit.Net(30))
	for _, a := range absurd {
		for _, field := range []string{"k", "max_buyer_share"} {
			t.Run(field+"="+a.Name, func(t *testing.T) {
				for _, out := range []matching.OutlierRule{matching.IQR, matching.MAD} {
					rules := matching.ReferenceRules{Outliers: out}
					if field == "k" {
						rules.K = a.D
					} else {
						rules.MaxBuyerShare = a.D
					}
					err := rules.Validate()
					if a.D.IsZero() {
						require.NoError(t, err)
					} else {
						require.ErrorIs(t, err, b2bkit.ErrInvalid)
						require.Contains(t, err.Error(), field)
					}
					ref, err := b.ReferencePriceWith(ctx, "RICE-25KG", r, 3*month, rules)
					if a.D.IsZero() {
						require.NoError(t, err)
						want, err := b.ReferencePriceWith(ctx, "RICE-25KG", r, 3*month, matching.ReferenceRules{Outliers: out})
						require.NoError(t, err)
						requireDecEqual(t, want.Median, ref.Median)
						continue
					}
					require.ErrorIs(t, err, b2bkit.ErrInvalid)
					require.Contains(t, err.Error(), field)
				}
			})
		}
	}
}

// EXPONENTS: a request whose quantity or payment share carries an absurd exponent makes
// ReferencePrice and Rank answer at once with an error naming the field.
func TestBookQuestionsWithAbsurdRequestsAnswerAtOnce(t *testing.T) {
	b, _ := newBook(t)
	record(t, b, someMatches()...)
	for _, a := range absurd {
		reqs := map[string]pricing.Request{
			"quantity": {SKU: "RICE-25KG", Quantity: a.D, Currency: "CNY", Terms: request("RICE-25KG", "1", b2bkit.Net(30)).Terms},
			"share":    request("RICE-25KG", "40", depositTerms(a.D, dec("0.7"))),
			"share2":   request("RICE-25KG", "40", depositTerms(dec("0.3"), a.D)),
		}
		for name, r := range reqs {
			field := name
			if name == "share2" {
				field = "share"
			}
			t.Run(name+"="+a.Name, func(t *testing.T) {
				_, err := b.ReferencePrice(ctx, "RICE-25KG", r, 3*month)
				require.ErrorIs(t, err, b2bkit.ErrInvalid)
				require.Contains(t, err.Error(), field)
				_, err = b.Rank(ctx, matching.RFQ{Request: r, Window: 90 * 24 * time.Hour}, []matching.Need{matching.Price})
				require.ErrorIs(t, err, b2bkit.ErrInvalid)
				require.Contains(t, err.Error(), field)
			})
		}
	}
}

// EXPONENTS: Match.Equal of a match with an absurd quantity, price or subsidy and an ordinary one
// answers at once, false, and true for the same match; a zero written with an absurd exponent
// equals zero.
func TestMatchEqualWithAbsurdExponentsAnswersAtOnce(t *testing.T) {
	m := match("x-1", 3, "buyer-x", "seller-a", "RICE-25KG", "40", "120")
	for _, a := range absurd {
		for name, set := range map[string]func(*matching.Match){
			"quantity":   func(m *matching.Match) { m.Quantity = a.D },
			"unit_price": func(m *matching.Match) { m.UnitPrice = a.D },
			"subsidy":    func(m *matching.Match) { m.Subsidy = a.D },
		} {
			t.Run(name+"="+a.Name, func(t *testing.T) {
				o := m
				set(&o)
				want := name == "subsidy" && a.D.IsZero()
				require.Equal(t, want, m.Equal(o))
				require.Equal(t, want, o.Equal(m))
				require.True(t, o.Equal(o))
			})
		}
	}
	o := m
	o.UnitPrice = dec("120.000")
	require.True(t, m.Equal(o), "the same value with trailing zeros")
}
