package risk

import (
	"context"
	"encoding/json"
	"iter"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/b2bkit/b2bkit/internal/fastdec"
	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/xerr"
	"github.com/shopspring/decimal"
)

// This file holds the vocabulary the parts of risk share: the history a buyer is scored from, its
// features, a grade, a limit and an exposure. Each part (features, scorecard, limit, order check,
// warnings, trade verification, registry) lives in its own file and speaks through these types.

// A History is what the platform knows of its trades with one buyer (R17): the three flows as streams
// read once, so a host streams them from its own database and a failing cursor fails the result.
// Records of other companies in the streams are skipped. A nil stream is an empty one.
type History struct {
	// Orders are the buyer's orders (信息流).
	Orders iter.Seq2[b2bkit.Order, error]
	// Shipments are the goods shipped and received against them (物流).
	Shipments iter.Seq2[b2bkit.Shipment, error]
	// Invoices are the seller's claims on the buyer, credit notes included (资金流). Their numbers
	// must be unique among the buyer's invoices, since payments find their invoice by number alone:
	// two sellers printing the same number to one buyer make the history an error naming the second
	// ("history.invoices[7].number: ... is already the number of an invoice of the buyer"). A host
	// whose sellers number independently streams the numbers qualified by the seller ("seller-2/1001"),
	// in Payments.Invoice too.
	Invoices iter.Seq2[b2bkit.Invoice, error]
	// Payments are the money the buyer paid against the invoices, matched to them by
	// Payment.Invoice, whoever paid and whoever was paid.
	Payments iter.Seq2[b2bkit.Payment, error]
	// Wallets are estimates of the buyer's total monthly purchasing of what it buys here, for
	// penetration (渗透率); nil when the platform has none.
	Wallets iter.Seq2[Wallet, error]
	// People reads key-person job changes (R3, R21); nil when the host has no person CRM.
	People JobChanges
}

// JobChanges is what risk needs of a person CRM: the job changes at or after since, oldest first.
// *crm.CRM satisfies it.
type JobChanges interface {
	JobChanges(ctx context.Context, since time.Time) iter.Seq2[crm.JobChange, error]
}

var _ JobChanges = (*crm.CRM)(nil)

// A Wallet is an estimate of a company's total monthly purchasing (the wallet) of the goods it buys
// on the platform, with how and when it was made (R7): penetration is platform purchases over it.
type Wallet struct {
	Company b2bkit.CompanyID
	// Monthly is the estimated purchasing per month, in the history's currency; > 0.
	Monthly decimal.Decimal
	// Method says how the estimate was made ("survey", "bank statement"); AsOf when.
	Method string
	AsOf   time.Time
}

// A Feature names one measurable fact about a buyer, in snake case as it appears in a scorecard.
type Feature string

// The features Features computes. Money features are in the history's currency at its scale; rates
// and ratios are exact decimals rounded HalfUp to RatioScale places; days and counts are whole.
const (
	// TenureMonths: whole calendar months from the first order to asOf.
	TenureMonths Feature = "tenure_months"
	// AvgMonthlyValue3, 6, 12: order value of the last 3, 6, 12 months divided by 3, 6, 12. Months
	// are whole months counted back from the end of asOf's day (on 10 March the last 3 run from 11
	// December to 10 March; see FeaturesContext for the ends of months). Missing when the buyer's
	// first order is after the window's first month (see FeaturesContext).
	AvgMonthlyValue3  Feature = "avg_monthly_value_3m"
	AvgMonthlyValue6  Feature = "avg_monthly_value_6m"
	AvgMonthlyValue12 Feature = "avg_monthly_value_12m"
	// Trend: average monthly value of the last 3 months over that of the 9 before, as a ratio
	// (1 = flat); missing when the history does not cover the last 12 months (about 11 months of
	// tenure) or when the 9 months had no orders.
	Trend Feature = "trend_3m_vs_9m"
	// Volatility: the coefficient of variation (standard deviation / mean) of monthly order value over
	// the last 12 months (or, for a younger buyer, over those from its first order's month on, at
	// least 3).
	Volatility Feature = "volatility_12m"
	// OnTimeRate: the share of invoice amount due by asOf that was paid in full by its due date.
	OnTimeRate Feature = "on_time_rate"
	// DaysPastDue: the current maximum days past due over unpaid invoices; WorstDaysPastDue12 the
	// worst days past due reached by any invoice due in the last 12 months, paid or not. A credit
	// note counts as paid on the day it was issued, against the invoices of its orders first (see
	// Features), so an invoice it cancelled is not past due from then on.
	DaysPastDue        Feature = "days_past_due"
	WorstDaysPastDue12 Feature = "worst_days_past_due_12m"
	// DaysLate3 and DaysLatePrior9: the amount-weighted average days late of invoices due in the last
	// 3 months, and in the 9 months before; payments slipping is the first rising above the second.
	DaysLate3      Feature = "days_late_3m"
	DaysLatePrior9 Feature = "days_late_prior_9m"
	// OverdueCurrent .. Overdue90Plus: unpaid invoice amount not yet due, and past due by 1-29,
	// 30-59, 60-89 and 90 or more days.
	OverdueCurrent Feature = "overdue_current"
	Overdue1to29   Feature = "overdue_1_29"
	Overdue30to59  Feature = "overdue_30_59"
	Overdue60to89  Feature = "overdue_60_89"
	Overdue90Plus  Feature = "overdue_90_plus"
	// DisputeRate: credit notes' amount over invoiced amount, last 12 months.
	DisputeRate Feature = "dispute_rate"
	// Sellers: the number of sellers the buyer bought from in the last 12 months;
	// SellerConcentration the Herfindahl index of their value shares (1 = one seller).
	Sellers             Feature = "sellers_12m"
	SellerConcentration Feature = "seller_concentration"
	// Penetration: platform order value of the last 3 months over 3 x the latest wallet estimate
	// (R6, R7); PenetrationPrior the same for the 3 months before those. Missing without a wallet.
	Penetration      Feature = "penetration"
	PenetrationPrior Feature = "penetration_prior"
	// KeyPersonLost: 1 when a key person left the buyer in the last FeatureOptions.KeyPersonDays
	// days, 0 when none did; missing when the history has no People.
	KeyPersonLost Feature = "key_person_lost"
	// UsualCreditDays: the order-value-weighted credit days (b2bkit.Terms.CreditDays) of the last 12
	// months' orders: how long the buyer is used to paying after delivery (账期).
	UsualCreditDays Feature = "usual_credit_days"
)

// RatioScale is the number of decimal places of rates, ratios and indices among the features.
const RatioScale = 4

// A Value is one feature's value for one buyer. Missing says the feature could not be computed (a new
// buyer has no trend): it is never a silent zero. Category holds the value of a categorical feature a
// host adds; Number is zero then.
//
// NumberValue makes a numeric Value with its coefficient read once, as Features does, so that a
// scorecard compares integers without reading the decimal again; Value{Number: d} scores the same.
type Value struct {
	Number   decimal.Decimal `json:"number"`
	Category string          `json:"category,omitempty"`
	Missing  bool            `json:"missing,omitempty"`

	// read is Number as it was when coef, its coefficient, was read. A decimal never changes the
	// coefficient it holds, so while Number == read (the same coefficient, the same exponent),
	// coef is still Number's; a Number set since then differs, and is read afresh.
	read decimal.Decimal
	coef int64
}

// NumberValue is the Value of the number d, its coefficient read once for the scorecards that
// will compare it (when it fits an int64; else on every score, exactly, as any Value).
func NumberValue(d decimal.Decimal) Value {
	if c, ok := fastdec.Int64(d); ok {
		return Value{Number: d, read: d, coef: c}
	}
	return Value{Number: d}
}

// MarshalJSON writes {"number":"0.97","category":"food","missing":true}, the number as the value it
// is (0 written 0 x 10^1073741824 is "0"). A number with an exponent beyond ±64, which written out
// would take as many digits as its exponent says, is an error matching b2bkit.ErrInvalid naming it.
func (v Value) MarshalJSON() ([]byte, error) {
	d, ok := valueNumber(v.Number)
	if !ok {
		return nil, b2bkit.Invalid("number", "must be written with an exponent within ±%d, not %s", valueMaxExponent, xerr.EchoDecimal(v.Number))
	}
	return json.Marshal(valueJSON{Number: d, Category: v.Category, Missing: v.Missing})
}

// valueJSON is the wire form of a Value.
type valueJSON struct {
	Number   decimal.Decimal `json:"number"`
	Category string          `json:"category,omitempty"`
	Missing  bool            `json:"missing,omitempty"`
}

// UnmarshalJSON reads {"number":"0.97","category":"food","missing":true} strictly: the number
// through b2bkit.ParseDecimal, as every decimal of the package (no exponents), absent meaning 0,
// null refused; unknown fields refused. Errors name the field ("number").
func (v *Value) UnmarshalJSON(data []byte) error {
	var w valueIn
	if err := wire.DecodeStrict(data, &w); err != nil {
		return err
	}
	x, err := w.value()
	if err != nil {
		return err
	}
	*v = x
	return nil
}

// valueIn is a Value as it is read, its number raw: a plain shape, without an UnmarshalJSON, so that
// what holds values (Values, a FeatureSet, a Result) reads them in its own strict decode. Each value
// read itself through the strict decoder, which checked and decoded its bytes again with a decoder
// of its own: a feature set allocated 47 times its size.
type valueIn struct {
	Number   json.RawMessage `json:"number"`
	Category string          `json:"category"`
	Missing  bool            `json:"missing"`
}

// value is the Value w holds, its number read as Value.UnmarshalJSON reads it.
func (w *valueIn) value() (Value, error) {
	d, _, err := configDecimal("number", w.Number)
	if err != nil {
		return Value{}, err
	}
	v := NumberValue(d)
	v.Category, v.Missing = w.Category, w.Missing
	return v, nil
}

// coefficient is Number's coefficient and true, or false when it does not fit an int64.
func (v *Value) coefficient() (int64, bool) {
	if v.Number == v.read {
		return v.coef, true // the zero Value too: 0 at exponent 0
	}
	return fastdec.Int64(v.Number)
}

// A FeatureSet is what the platform's trades say about one buyer as of a date.
type FeatureSet struct {
	Company b2bkit.CompanyID `json:"company"`
	AsOf    time.Time        `json:"as_of"`
	// Currency is the currency of the money features; Scale their decimal places.
	Currency string `json:"currency"`
	Scale    int32  `json:"scale"`
	// Values holds every feature computed, missing ones included. A host may add or change values
	// with Values.Set; a scorecard reads them as they are then.
	Values Values `json:"values"`
}

// Get returns the value of f and whether the set has it at all (a missing value is still had).
func (fs FeatureSet) Get(f Feature) (Value, bool) {
	return fs.Values.Get(f)
}

// A Grade is a band of scores in a scorecard ("A" best); limits and decisions key on it.
type Grade string

// A Limit is the credit line (授信额度) a buyer is granted: how much it may owe the platform at once.
// LimitPolicy.Limit works it out; CheckOrder weighs an order against it.
type Limit struct {
	Company  b2bkit.CompanyID `json:"company"`
	Grade    Grade            `json:"grade"`
	Amount   decimal.Decimal  `json:"amount"`
	Currency string           `json:"currency"`
	// ReviewAt is when the limit must be worked out again.
	ReviewAt time.Time `json:"review_at"`
	// Log is the calculation, one line per figure, for a person to read.
	Log []LogLine `json:"log"`
}

// A LogLine is one figure of a calculation and where it came from: "average monthly volume (12m) =
// 84000.00, from feature avg_monthly_value_12m".
type LogLine struct {
	What   string `json:"what"`
	Figure string `json:"figure"`
	Source string `json:"source"`
}

// An Exposure is what a buyer owes or will owe the platform now (敞口): unpaid invoices (less what
// was paid against them), orders confirmed but not yet invoiced, and financed amounts outstanding.
// Total is their sum. ExposureAt says how each is read, and what the records cannot say (an
// order's status, a payment made before its invoice).
type Exposure struct {
	Company    b2bkit.CompanyID `json:"company"`
	Currency   string           `json:"currency"`
	AsOf       time.Time        `json:"as_of"`
	Unpaid     decimal.Decimal  `json:"unpaid"`
	Uninvoiced decimal.Decimal  `json:"uninvoiced"`
	Financed   decimal.Decimal  `json:"financed"`
	Total      decimal.Decimal  `json:"total"`
}
