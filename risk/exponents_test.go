package risk_test

import (
	"bytes"
	"context"
	"encoding/json"
	"iter"
	"math"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/dectest"
	"github.com/b2bkit/b2bkit/internal/wire/wiretest"
	"github.com/b2bkit/b2bkit/risk"
)

// absurd are numbers written with exponents near ±2³¹: compared with or added to an ordinary
// number as decimals do, each is first written out to a billion digits or more. The zero among
// them is a valid 0, and must be read as one.
var absurd = dectest.Absurd(
	dectest.Named{Name: "-1e1073741824", D: decimal.New(-1, 1<<30)},
	dectest.Named{Name: "0e1073741824", D: decimal.New(0, 1<<30)},
)

// Tolerance.Allows answers exactly, and at once, whatever the exponents of its figures and of the
// tolerance: it has no error to return, so it must be right. It wrote out a billion digits.
func TestR26_ToleranceAllowsAbsurdExponentsAtOnce(t *testing.T) {
	one, two := decimal.New(1, 0), decimal.New(2, 0)
	big, tiny, zero := decimal.New(1, 1<<30), decimal.New(1, -1<<30), decimal.New(0, 1<<30)
	cent := dectest.Dec("0.01")
	cases := []struct {
		name      string
		tol       risk.Tolerance
		want, got decimal.Decimal
		allows    bool
	}{
		{"got far above", risk.Tolerance{Absolute: cent}, one, big, false},
		{"got far below", risk.Tolerance{}, one, big.Neg(), true},
		{"got a hair above, within a cent", risk.Tolerance{Absolute: cent}, one, decimal.New(1, 0).Add(decimal.New(1, -30)), true},
		{"want far above", risk.Tolerance{}, big, one, true},
		{"want far below", risk.Tolerance{}, big.Neg(), one, false},
		{"want tiny", risk.Tolerance{Absolute: cent}, tiny, cent, true},
		{"want tiny, beyond a cent", risk.Tolerance{Absolute: cent}, tiny, dectest.Dec("0.02"), false},
		{"want tiny, got zero", risk.Tolerance{}, tiny, zero, true},
		{"equal absurd", risk.Tolerance{}, big, big, true},
		{"absolute absurd", risk.Tolerance{Absolute: big}, one, two, true},
		{"absolute tiny", risk.Tolerance{Absolute: tiny}, one, two, false},
		{"absolute zero", risk.Tolerance{Absolute: zero}, one, two, false},
		{"relative absurd", risk.Tolerance{Relative: big}, one, two, true},
		{"relative tiny", risk.Tolerance{Relative: tiny}, one, two, false},
		{"relative of an absurd reference", risk.Tolerance{Relative: dectest.Dec("0.5")}, big, big.Add(decimal.New(4, 1<<30-1)), true},
		{"relative of an absurd reference, beyond", risk.Tolerance{Relative: dectest.Dec("0.5")}, big, big.Add(decimal.New(6, 1<<30-1)), false},
		{"exponents at the int32 limits", risk.Tolerance{Relative: decimal.New(1, math.MaxInt32)}, decimal.New(1, math.MaxInt32), decimal.New(1, math.MinInt32), true},
		{"product of exponents beyond int32", risk.Tolerance{Relative: decimal.New(1, math.MinInt32)}, decimal.New(1, math.MinInt32), one, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.allows, c.tol.Allows(c.want, c.got))
		})
	}
	// The ordinary figures answer as before.
	assert.True(t, risk.Tolerance{Absolute: cent}.Allows(one, dectest.Dec("1.01")))
	assert.False(t, risk.Tolerance{Absolute: cent}.Allows(one, dectest.Dec("1.02")))
	assert.True(t, risk.Tolerance{Relative: dectest.Dec("0.02")}.Allows(dectest.Dec("100"), dectest.Dec("102")))
}

// requireAbsurdRefused requires err to be ErrInvalid naming field, or, for the zero, no error.
func requireAbsurdRefused(t *testing.T, name string, err error, field string) {
	t.Helper()
	if name == "0e1073741824" {
		require.NoError(t, err)
		return
	}
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	require.ErrorContains(t, err, field)
}

// Every decimal a caller hands risk, directly, in a struct, in a feature set or from a Valuer, is
// refused naming its field (or read as the zero it is) at once. Before: a trade's invoice amount
// was summed before it was validated, a received quantity of 0 x 10^1073741824 subtracted as
// written, a haircut compared before its exponent was checked, a Valuer's median, mean and volume
// used unchecked, a feature's days late or overdue amount compared by Warnings unchecked, and a
// card's bin bound printed as written: each wrote out a billion digits.
func TestR26_RiskEntryPointsRefuseAbsurdExponentsAtOnce(t *testing.T) {
	ctx := context.Background()
	for _, a := range absurd {
		t.Run(a.Name, func(t *testing.T) {
			d := a.D
			t.Run("trade invoice amount", func(t *testing.T) {
				tr := verifyCleanTrade()
				tr.Invoices[0].Amount = d
				v := risk.VerifyTrade(tr, risk.Tolerances{})
				require.Equal(t, risk.Invalid, v.Status)
			})
			t.Run("trade received", func(t *testing.T) {
				tr := verifyCleanTrade()
				tr.Shipments[0].Lines[0].Received = d
				v := risk.VerifyTrade(tr, risk.Tolerances{})
				if a.Name == "0e1073741824" {
					require.True(t, v.Has(risk.CodeShippedNotReceived), "%+v", v)
				} else {
					require.Equal(t, risk.Invalid, v.Status)
				}
			})
			t.Run("haircut", func(t *testing.T) {
				s := risk.DefaultHaircutSchedule()
				for i := range s.Steps {
					s.Steps[i].Haircut = d
				}
				_, err := risk.GoodsEligibility(ctx, &eligibilityValuer{ref: eligibilityDeepMarket()}, eligibilityGoods(), s, eligibilityOpts())
				requireAbsurdRefused(t, a.Name, err, "schedule.steps[0].haircut")
				requireAbsurdRefused(t, a.Name, s.Validate(), "steps[0].haircut")
			})
			for _, f := range []string{"median", "mean", "volume", "p25", "high"} {
				t.Run("reference "+f, func(t *testing.T) {
					ref := eligibilityDeepMarket()
					switch f {
					case "median":
						ref.Median = d
					case "mean":
						ref.Mean = d
					case "p25":
						ref.P25 = d
					case "high":
						ref.High = d
					default:
						ref.Volume = d
					}
					g, err := risk.GoodsEligibility(ctx, &eligibilityValuer{ref: ref}, eligibilityGoods(), risk.DefaultHaircutSchedule(), eligibilityOpts())
					if a.Name == "0e1073741824" {
						require.NoError(t, err)
						if f == "median" || f == "volume" {
							require.False(t, g.Eligible)
						}
						raw, err := json.Marshal(g) // the statistics written as values
						require.NoError(t, err)
						require.Less(t, len(raw), 100_000)
						return
					}
					require.ErrorIs(t, err, b2bkit.ErrInvalid)
					require.ErrorContains(t, err, "reference."+f)
				})
			}
			for _, f := range []risk.Feature{risk.DaysLate3, risk.DaysLatePrior9, risk.Overdue90Plus, risk.Penetration,
				risk.PenetrationPrior, risk.Trend, risk.AvgMonthlyValue3, risk.AvgMonthlyValue12, risk.KeyPersonLost} {
				t.Run("warnings "+string(f), func(t *testing.T) {
					fs := scFeatures(scGoodBuyer())
					for _, g := range []risk.Feature{risk.DaysLate3, risk.DaysLatePrior9, risk.Overdue90Plus, risk.Penetration, risk.PenetrationPrior,
						risk.AvgMonthlyValue3, risk.AvgMonthlyValue12} {
						fs.Values.Set(g, risk.Value{Number: dectest.Dec("5")})
					}
					fs.Values.Delete(risk.Trend)
					fs.Values.Set(f, risk.Value{Number: d})
					_, err := risk.Warnings(fs, nil)
					requireAbsurdRefused(t, a.Name, err, "features.values."+string(f))
				})
			}
			for _, f := range []string{"volume_ratio", "slipping_days", "penetration_drop", "past_due_amount"} {
				t.Run("warning policy "+f, func(t *testing.T) {
					p := risk.DefaultWarningPolicy()
					switch f {
					case "volume_ratio":
						p.VolumeRatio = d
					case "slipping_days":
						p.SlippingDays = d
					case "penetration_drop":
						p.PenetrationDrop = d
					default:
						p.PastDueAmount = d
					}
					fs := scFeatures(scGoodBuyer())
					fs.Values.Set(risk.Overdue90Plus, risk.Value{Number: dectest.Dec("5")})
					_, err := risk.Warnings(fs, &p)
					requireAbsurdRefused(t, a.Name, err, "warning_policy."+f)
				})
			}
			for _, f := range []risk.Feature{risk.TenureMonths, risk.AvgMonthlyValue12, risk.OnTimeRate} {
				t.Run("score "+string(f), func(t *testing.T) {
					fs := scFeatures(scGoodBuyer())
					fs.Values.Set(f, risk.Value{Number: d})
					card := risk.DefaultScorecard()
					compiled, err := card.Compile()
					require.NoError(t, err)
					r, err := card.Score(fs)
					cr, cerr := compiled.Score(fs)
					requireAbsurdRefused(t, a.Name, err, "features.values."+string(f))
					requireAbsurdRefused(t, a.Name, cerr, "features.values."+string(f))
					if err == nil {
						fs.Values.Set(f, risk.Value{Number: decimal.Zero})
						want, err := card.Score(fs)
						require.NoError(t, err)
						require.Equal(t, resultText(want), resultText(r))
						require.Equal(t, resultText(want), resultText(cr))
						raw, err := json.Marshal(r) // the zero written out as 0
						require.NoError(t, err)
						require.Less(t, len(raw), 10_000)
						_, err = risk.DefaultLimitPolicy().Limit(fs, r)
						require.NoError(t, err)
					}
				})
			}
			t.Run("card bin bound", func(t *testing.T) {
				for _, k := range []int{0, 1} {
					c := risk.DefaultScorecard()
					if k == 0 {
						c.Attributes[0].Bins[0].Max = &d
					} else {
						c.Attributes[0].Bins[1].Min = &d
					}
					err := c.Validate()
					require.ErrorIs(t, err, b2bkit.ErrInvalid) // 0 leaves a gap, or overlaps
					require.ErrorContains(t, err, "scorecard.attributes[0].bins[")
				}
			})
		})
	}
}

// corruptRegistry is a registry adapter that reads back every receivable with change applied, as
// one whose rows were changed behind its back.
type corruptRegistry struct {
	*risk.MemoryRegistry
	change func(r *risk.Receivable)
}

func (c corruptRegistry) Get(ctx context.Context, fp risk.Fingerprint) (risk.Receivable, error) {
	r, err := c.MemoryRegistry.Get(ctx, fp)
	if err == nil {
		c.change(&r)
	}
	return r, err
}

func (c corruptRegistry) Receivables(ctx context.Context, company b2bkit.CompanyID) iter.Seq2[risk.Receivable, error] {
	return func(yield func(risk.Receivable, error) bool) {
		for r, err := range c.MemoryRegistry.Receivables(ctx, company) {
			if err == nil {
				c.change(&r)
			}
			if !yield(r, err) {
				return
			}
		}
	}
}

// A registry adapter is the host's: a financed amount or an invoice amount it reads back with an
// absurd exponent is an error matching b2bkit.ErrInvalid naming the receivable and the field, from
// FinancedOutstanding and from a Ledger step, at once. Both added or compared it as it was.
func TestR26_AbsurdAmountsReadFromARegistryNameTheReceivable(t *testing.T) {
	ctx := context.Background()
	for _, a := range absurd {
		t.Run(a.Name, func(t *testing.T) {
			l, mem := regLedger()
			inv := regInvoice("INV-2026-001", "1200.00")
			fp := regOfferConfirm(t, l, inv, "BANK")
			_, err := l.Finance(ctx, fp, "BANK", dectest.Dec("1000"), "ops", regAt(1001))
			require.NoError(t, err)
			fp2 := regOfferConfirm(t, l, regInvoice("INV-2026-002", "500.00"), "BANK")

			reg := corruptRegistry{mem, func(r *risk.Receivable) { r.Financed = a.D }}
			got, err := risk.FinancedOutstanding(ctx, reg, inv.Seller)
			if a.Name == "0e1073741824" {
				require.NoError(t, err)
				require.True(t, got.IsZero())
			} else {
				require.ErrorIs(t, err, b2bkit.ErrInvalid)
				require.ErrorContains(t, err, "receivable "+fp.String()+": financed")
			}

			reg = corruptRegistry{mem, func(r *risk.Receivable) { r.Invoice.Amount = a.D }}
			_, err = risk.NewLedger(reg, nil).Finance(ctx, fp2, "BANK", dectest.Dec("100"), "ops", regAt(1002))
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			if a.Name != "0e1073741824" {
				require.ErrorContains(t, err, "receivable "+fp2.String()+": invoice.amount")
			}
		})
	}
}

// A free line (a unit price of 0) written 0 x 10^1073741824 passes validation as the 0 it is, and
// every entry point that values an order answers as for a price written 0: they summed the
// order's lines as written (b2bkit.Order.Total) and wrote out a billion digits.
func TestR26_AFreeLineWrittenWithAnAbsurdExponentIsFree(t *testing.T) {
	ctx := context.Background()
	free := func(zero decimal.Decimal) (featRecords, b2bkit.Order) {
		r := featMain()
		r.orders[1].Lines = append(r.orders[1].Lines, b2bkit.OrderLine{SKU: "GIFT", Quantity: dectest.Dec("1"), UnitPrice: zero})
		o := checkOrder(b2bkit.Net(30), "rice", "10", "100.50")
		o.Lines = append(o.Lines, b2bkit.OrderLine{SKU: "GIFT", Quantity: dectest.Dec("1"), UnitPrice: zero})
		return r, o
	}
	wantR, wantO := free(decimal.Zero)
	gotR, gotO := free(decimal.New(0, 1<<30))

	want, err := risk.Features(featBuyer, wantR.history(), featAsOf)
	require.NoError(t, err)
	got, err := risk.Features(featBuyer, gotR.history(), featAsOf)
	require.NoError(t, err)
	featRequireSame(t, want, got, 0)

	wantExp, err := risk.ExposureAt(featBuyer, wantR.history(), decimal.Zero, featAsOf, nil)
	require.NoError(t, err)
	gotExp, err := risk.ExposureAt(featBuyer, gotR.history(), decimal.Zero, featAsOf, nil)
	require.NoError(t, err)
	dectest.RequireEqual(t, wantExp.Total, gotExp.Total)

	wantAdded, err := risk.CreditAdded(wantO, 2)
	require.NoError(t, err)
	gotAdded, err := risk.CreditAdded(gotO, 2)
	require.NoError(t, err)
	dectest.RequireEqual(t, wantAdded, gotAdded)

	wantD, err := risk.CheckOrder(ctx, checkInput(wantO, "5000", "1200"), nil)
	require.NoError(t, err)
	gotD, err := risk.CheckOrder(ctx, checkInput(gotO, "5000", "1200"), nil)
	require.NoError(t, err)
	require.Equal(t, wantD.Outcome, gotD.Outcome)
	dectest.RequireEqual(t, wantD.Credit, gotD.Credit)
}

// Every risk document read from JSON refuses a decimal written 1e999999999 or 1e-999999999, as a
// string or a bare number, naming the field, before anything compares it.
func TestR26_RiskDocumentsRefuseAbsurdExponents(t *testing.T) {
	tol := risk.Tolerances{Amount: risk.Tolerance{Absolute: dectest.Dec("0.01"), Relative: dectest.Dec("0.02")}}
	l, _ := regLedger()
	fp := regOfferConfirm(t, l, regInvoice("INV-2026-001", "1200.00"), "BANK")
	rec, err := l.Finance(context.Background(), fp, "BANK", dectest.Dec("1000"), "ops", regAt(1001))
	require.NoError(t, err)
	docs := []struct {
		name, good, old, field string
		load                   func([]byte) error
	}{
		{"scorecard", strictJSONOf(t, risk.DefaultScorecard()), `"max":"3"`, "scorecard.attributes[0].bins[0].max", loadScorecard},
		{"limit policy", strictJSONOf(t, risk.DefaultLimitPolicy()), `"cap":"2000000"`, "limit_policy.grades[0].cap", loadLimitPolicy},
		{"warning policy", strictJSONOf(t, risk.DefaultWarningPolicy()), `"volume_ratio":"0.7"`, "warning_policy.volume_ratio", loadWarningPolicy},
		{"tolerances", strictJSONOf(t, tol), `"absolute":"0.01"`, "amount.absolute", func(b []byte) error {
			_, err := risk.LoadTolerances(bytes.NewReader(b))
			return err
		}},
		{"haircut schedule", strictJSONOf(t, risk.DefaultHaircutSchedule()), `"haircut":"0.1"`, "haircut", func(b []byte) error {
			_, err := risk.LoadHaircutSchedule(bytes.NewReader(b))
			return err
		}},
		{"receivable", strictJSONOf(t, rec), `"financed":"1000"`, "financed", func(b []byte) error {
			var r risk.Receivable
			return json.Unmarshal(b, &r)
		}},
	}
	for _, d := range docs {
		require.Contains(t, d.good, d.old, d.name)
		key := d.old[:strings.Index(d.old, ":")+1]
		var cases []wiretest.Case
		for _, v := range []string{`"1e999999999"`, `1e999999999`, `"1e-999999999"`, `-1E+999999999`} {
			cases = append(cases, wiretest.Case{v, d.old, key + v, d.field})
		}
		wiretest.Refuses(t, d.good, d.load, cases)
	}
}

// Receivable.Equal and Transition.Equal answer at once whatever the exponents of the amounts they
// compare: 1e1073741824 against 1000 is unequal, 0 x 10^1073741824 against 0 equal. They compared
// the amounts as decimals do, writing out a billion digits.
func TestR26_EqualOfAbsurdAmountsAnswersAtOnce(t *testing.T) {
	l, _ := regLedger()
	fp := regOfferConfirm(t, l, regInvoice("INV-2026-001", "1200.00"), "BANK")
	r, err := l.Finance(context.Background(), fp, "BANK", dectest.Dec("1000"), "ops", regAt(1001))
	require.NoError(t, err)
	for _, a := range absurd {
		o := r.Clone()
		o.Financed = a.D
		require.False(t, r.Equal(o), a.Name)
		require.False(t, o.Equal(r), a.Name)
		require.True(t, o.Equal(o.Clone()), a.Name)
		o = r.Clone()
		last := len(o.History) - 1
		o.History[last].Amount = a.D
		require.False(t, r.History[last].Equal(o.History[last]), a.Name)
		require.True(t, o.History[last].Equal(o.History[last]), a.Name)
	}
	o := r.Clone()
	o.History[0].Amount = decimal.New(0, 1<<30) // the offer carries no amount: 0, written otherwise
	require.True(t, r.Equal(o))
}

// A Value, and Values, written to JSON refuse a number with an absurd exponent naming it, and
// write 0 x 10^1073741824 as the 0 it is: both were written out to a billion digits.
func TestR26_ValuesWrittenToJSONRefuseAbsurdExponents(t *testing.T) {
	for _, a := range absurd {
		vs := risk.ValuesOf(map[risk.Feature]risk.Value{risk.TenureMonths: risk.NumberValue(dectest.Dec("30")), risk.Trend: {Number: a.D}})
		raw, err := json.Marshal(vs)
		_, verr := json.Marshal(risk.Value{Number: a.D})
		if a.Name == "0e1073741824" {
			require.NoError(t, err)
			require.JSONEq(t, `{"tenure_months":{"number":"30"},"trend_3m_vs_9m":{"number":"0"}}`, string(raw))
			require.NoError(t, verr)
			continue
		}
		require.ErrorIs(t, err, b2bkit.ErrInvalid, a.Name)
		require.ErrorContains(t, err, "trend_3m_vs_9m.number", a.Name)
		require.ErrorIs(t, verr, b2bkit.ErrInvalid, a.Name)
		require.ErrorContains(t, verr, "number", a.Name)
	}
	// Ordinary values are written as before.
	raw, err := json.Marshal(risk.Value{Number: dectest.Dec("0.9700"), Category: "food", Missing: true})
	require.NoError(t, err)
	require.JSONEq(t, `{"number":"0.97","category":"food","missing":true}`, string(raw))
}

// Every risk document written to JSON refuses a figure with an absurd exponent naming it, and writes
// 0 x 10^1073741824 as 0: each was written out to a billion digits.
func TestR26_RiskDocumentsWrittenToJSONRefuseAbsurdExponents(t *testing.T) {
	l, _ := regLedger()
	fp := regOfferConfirm(t, l, regInvoice("INV-2026-001", "1200.00"), "BANK")
	rec, err := l.Finance(context.Background(), fp, "BANK", dectest.Dec("1000"), "ops", regAt(1001))
	require.NoError(t, err)
	for _, a := range absurd {
		d := a.D
		docs := []struct {
			name, field string
			v           any
		}{
			{"tolerance", "absolute", risk.Tolerance{Absolute: d}},
			{"tolerances", "relative", risk.Tolerances{Quantity: risk.Tolerance{Relative: d}}},
			{"limit policy step", "step", func() any { p := risk.DefaultLimitPolicy(); p.Step = d; return p }()},
			{"limit policy cap", "cap", func() any { p := risk.DefaultLimitPolicy(); p.Grades[1].Cap = d; return p }()},
			{"haircut schedule", "haircut", func() any { s := risk.DefaultHaircutSchedule(); s.Steps[0].Haircut = d; return s }()},
			{"warning policy", "past_due_amount", func() any { p := risk.DefaultWarningPolicy(); p.PastDueAmount = d; return p }()},
			{"scorecard bound", "max", func() any { c := risk.DefaultScorecard(); c.Attributes[0].Bins[0].Max = &d; return c }()},
			{"receivable financed", "financed", func() any { r := rec.Clone(); r.Financed = d; return r }()},
			{"receivable history", "amount", func() any { r := rec.Clone(); r.History[len(r.History)-1].Amount = d; return r }()},
		}
		for _, doc := range docs {
			raw, err := json.Marshal(doc.v)
			if a.Name == "0e1073741824" {
				require.NoError(t, err, doc.name)
				require.Less(t, len(raw), 100_000, doc.name)
				continue
			}
			require.ErrorIs(t, err, b2bkit.ErrInvalid, "%s: %s", doc.name, a.Name)
			require.ErrorContains(t, err, doc.field+": must be written with an exponent within ±64", doc.name)
		}
	}
}

// A limit or an exposure of 0 written 0 x 10^1073741824 is checked as 0, and the decision holds it
// as 0: it held it as given, which written out took a billion digits.
func TestR26_CheckOrderHoldsAZeroLimitAsZero(t *testing.T) {
	zero := decimal.New(0, 1<<30)
	in := checkInput(checkOrder(b2bkit.Net(30), "rice", "10", "100.50"), "5000", "1200")
	in.Limit.Amount, in.Exposure.Total = zero, zero
	d, err := risk.CheckOrder(context.Background(), in, nil)
	require.NoError(t, err)
	require.Equal(t, "0", d.Limit.String())
	require.Equal(t, "0", d.Exposure.String())
	raw, err := json.Marshal(d)
	require.NoError(t, err)
	require.Less(t, len(raw), 100_000)
}

// A figure written within ±64 but beyond what b2bkit.JSONDecimal writes (1e-30 has 30 places) is
// refused naming its field too: it was refused by JSONDecimal, which names none.
func TestR26_RiskDocumentsNameAFigureTooFineToWrite(t *testing.T) {
	d := decimal.New(1, -30)
	for _, doc := range []struct {
		name, field string
		v           any
	}{
		{"tolerance", "absolute", risk.Tolerance{Absolute: d}},
		{"limit policy step", "step", func() any { p := risk.DefaultLimitPolicy(); p.Step = d; return p }()},
		{"haircut schedule", "haircut", func() any { s := risk.DefaultHaircutSchedule(); s.Steps[0].Haircut = d; return s }()},
		{"warning policy", "past_due_amount", func() any { p := risk.DefaultWarningPolicy(); p.PastDueAmount = d; return p }()},
	} {
		_, err := json.Marshal(doc.v)
		require.ErrorIs(t, err, b2bkit.ErrInvalid, doc.name)
		require.ErrorContains(t, err, doc.field+": must have at most 18 decimal places", doc.name)
	}
}
