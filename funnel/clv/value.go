package clv

import (
	"fmt"
	"math"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/funnel"
	"github.com/shopspring/decimal"
)

// A Model joins the two halves of customer lifetime value: how often a customer will buy (BG/NBD)
// and how much each time (gamma-gamma).
type Model struct {
	Purchases BGNBD      `json:"purchases"`
	Spend     GammaGamma `json:"spend"`
}

// ValueOptions set the horizon and discounting of lifetime value. Nil or the zero value means twelve
// months, undiscounted.
type ValueOptions struct {
	// Months is the horizon in calendar months (Unit.Month long); zero means 12.
	Months int `json:"months"`
	// MonthlyDiscount is the monthly discount rate, >= 0: 0.01 is 1% a month (about 12.7% a year).
	// A purchase expected in month i is worth 1/(1+MonthlyDiscount)^i of its spend today.
	MonthlyDiscount float64 `json:"monthly_discount"`
}

// MaxMonths bounds the horizon of lifetime value: a century.
const MaxMonths = 1200

func (o *ValueOptions) resolve() (months int, discount float64, err error) {
	months = 12
	if o == nil {
		return months, 0, nil
	}
	if o.Months != 0 {
		months = o.Months
	}
	if months < 0 || months > MaxMonths {
		return 0, 0, b2bkit.Invalid("options.months", "must be between 1 and %d, got %d", MaxMonths, o.Months)
	}
	if !(o.MonthlyDiscount >= 0) || math.IsInf(o.MonthlyDiscount, 0) {
		return 0, 0, b2bkit.Invalid("options.monthly_discount", "must be a finite rate >= 0, got %v", o.MonthlyDiscount)
	}
	return months, o.MonthlyDiscount, nil
}

// ValueScale is the number of decimal places, rounded half to even, of the money in a Value: that of
// funnel's amounts.
const ValueScale = funnel.MinorScale

// A Value is what a customer is expected to bring over a horizon.
type Value struct {
	// Alive is the probability the customer is alive at the end of calibration.
	Alive float64 `json:"alive"`
	// Purchases is the expected number of purchases over the horizon.
	Purchases float64 `json:"purchases"`
	// Spend is the expected spend per purchase (GammaGamma.ExpectedSpend), to ValueScale places.
	Spend decimal.Decimal `json:"spend"`
	// Lifetime is the customer lifetime value over the horizon: the expected spend of each month's
	// expected purchases, discounted monthly, summed; to ValueScale places. It is revenue: a
	// host paying reps on lifetime profit (R10) multiplies by its margin.
	Lifetime decimal.Decimal `json:"lifetime"`
}

// Value is the customer's expected purchases, spend per purchase and lifetime value over the horizon
// of o:
//
//	CLV = sum over months i of E[M] (E[Y(i)] - E[Y(i-1)]) / (1+d)^i,
//
// with E[Y(i)] the expected purchases in the first i months after calibration. The statistics are
// float64; the money is rounded once, at the end, to ValueScale places, half to even.
func (m Model) Value(c Customer, o *ValueOptions) (Value, error) {
	months, d, err := o.resolve()
	if err != nil {
		return Value{}, fmt.Errorf("clv: value: %w", err)
	}
	if err := c.validate(); err != nil {
		return Value{}, fmt.Errorf("clv: value: %w", b2bkit.InField("customer", err))
	}
	spend, err := m.Spend.ExpectedSpend(c.Frequency, c.AverageSpend())
	if err != nil {
		return Value{}, err
	}
	month := m.Purchases.Unit.Month()
	var prev, total float64
	v := Value{}
	for i := 1; i <= months; i++ {
		p, err := m.Purchases.Predict(c.History, float64(i)*month)
		if err != nil {
			return Value{}, err
		}
		total += spend * (p.Purchases - prev) / math.Pow(1+d, float64(i))
		prev = p.Purchases
		v.Alive = p.Alive
	}
	v.Purchases = prev
	if v.Spend, err = money(spend, "spend"); err != nil {
		return Value{}, err
	}
	if v.Lifetime, err = money(total, "lifetime"); err != nil {
		return Value{}, err
	}
	return v, nil
}

// money rounds an expected amount to ValueScale places.
func money(v float64, field string) (decimal.Decimal, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e30 {
		return decimal.Decimal{}, fmt.Errorf("clv: value: %w", b2bkit.Invalid(field, "not a usable amount: %v", v))
	}
	return b2bkit.Round(decimal.NewFromFloat(v), ValueScale, b2bkit.HalfEven), nil
}
