package funnel

import (
	"fmt"
	"math"
	"math/bits"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/xerr"
	"github.com/shopspring/decimal"
)

// RateScale is the number of decimal places of every rate and share Value: 0.6500 is 65.00%.
// Values are rounded once, half away from zero (decimal.DivRound); the exact fraction stays in
// Numerator and Denominator, and bands are decided on the fraction, never on the rounded value.
const RateScale = 4

// A Rate is one of the campaign's rates (R6) over its calendar month: Numerator of Denominator
// companies, and Value = Numerator/Denominator at RateScale (zero when Denominator is zero).
type Rate struct {
	Numerator   int             `json:"numerator"`
	Denominator int             `json:"denominator"`
	Value       decimal.Decimal `json:"value"`
	// From and To bound the rate's window, [From, To), in the campaign's time zone.
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Complete is false until the window has closed at the report's asOf: the rate may still rise.
	Complete bool `json:"complete"`
}

func newRate(num, den int, from, to, asOf time.Time) Rate {
	return Rate{Numerator: num, Denominator: den, Value: fraction(int64(num), int64(den)),
		From: from, To: to, Complete: !asOf.Before(to)}
}

// fraction is num/den at RateScale, rounded half away from zero like decimal.DivRound; zero when
// den is zero. The common case is computed in 128-bit integers: one allocation, not a dozen.
func fraction(num, den int64) decimal.Decimal {
	if den == 0 {
		return decimal.Zero
	}
	if num >= 0 && den > 0 {
		hi, lo := bits.Mul64(uint64(num), rateUnit)
		if hi < uint64(den) { // the quotient fits in 64 bits
			q, r := bits.Div64(hi, lo, uint64(den))
			if r >= uint64(den)-r {
				q++
			}
			if q <= math.MaxInt64 {
				return decimal.New(int64(q), -RateScale)
			}
		}
	}
	return decimal.NewFromInt(num).DivRound(decimal.NewFromInt(den), RateScale)
}

const rateUnit = 10_000 // 10^RateScale

// String renders the rate as "13/20 = 65.00%", with "(so far)" while the window is open.
func (r Rate) String() string {
	s := fmt.Sprintf("%d/%d = %s%%", r.Numerator, r.Denominator, percent(r.Value))
	if !r.Complete {
		s += " (so far)"
	}
	return s
}

// percent writes v as a percentage with two places; a value xerr.SaneValue refuses, which no
// evaluation makes but a host may build or read back, is echoed as it is written, not as the billion
// digits StringFixed would write.
func percent(v decimal.Decimal) string {
	if !xerr.SaneValue(v) {
		return xerr.EchoDecimal(v) + " x 100"
	}
	return v.Shift(2).StringFixed(2)
}

// A Phase is where a campaign stands at asOf, named for the one rate the team should chase now (R6).
type Phase int

const (
	// CoveragePhase is month 1: reach every company on the target list.
	CoveragePhase Phase = iota + 1
	// ConversionPhase is month 2: turn the companies reached into buyers.
	ConversionPhase
	// RepurchasePhase is month 3: make the buyers order again.
	RepurchasePhase
	// PenetrationPhase is month 4 on: the service team grows the platform's share of each
	// customer's purchasing, for years.
	PenetrationPhase
)

var phaseWords = [...]string{CoveragePhase: "coverage", ConversionPhase: "conversion",
	RepurchasePhase: "repurchase", PenetrationPhase: "penetration"}

// Valid reports whether p is one of the four phases.
func (p Phase) Valid() bool { return p >= CoveragePhase && p <= PenetrationPhase }

// String returns the phase's word, which is the rate to chase: coverage, conversion, repurchase or
// penetration.
func (p Phase) String() string {
	if !p.Valid() {
		return fmt.Sprintf("Phase(%d)", int(p))
	}
	return phaseWords[p]
}

// MarshalText encodes the phase as its word.
func (p Phase) MarshalText() ([]byte, error) {
	if !p.Valid() {
		return nil, b2bkit.Invalid("phase", "unknown phase %d", int(p))
	}
	return []byte(p.String()), nil
}

// UnmarshalText decodes a phase from its word, so that a stored report reads back.
func (p *Phase) UnmarshalText(b []byte) error {
	i, err := wire.ParseWord(phaseWords[:], b, "phase")
	if err != nil {
		return b2bkit.InField("phase", err)
	}
	*p = Phase(i)
	return nil
}

// A BandCounts counts companies in each penetration band.
type BandCounts struct {
	Replaceable int `json:"replaceable"`
	Marginal    int `json:"marginal"`
	Safe        int `json:"safe"`
	Strong      int `json:"strong"`
}

// Of returns the count of band b (0 for an unknown band).
func (c BandCounts) Of(b PenetrationBand) int {
	switch b {
	case Replaceable:
		return c.Replaceable
	case Marginal:
		return c.Marginal
	case Safe:
		return c.Safe
	case Strong:
		return c.Strong
	}
	return 0
}

func (c *BandCounts) add(b PenetrationBand) {
	switch b {
	case Replaceable:
		c.Replaceable++
	case Marginal:
		c.Marginal++
	case Safe:
		c.Safe++
	case Strong:
		c.Strong++
	}
}

// A CompanyShare is the platform's penetration of one customer over the penetration window.
type CompanyShare struct {
	Company b2bkit.CompanyID `json:"company"`
	// Spend is what the customer bought on the platform in the window.
	Spend decimal.Decimal `json:"spend"`
	// Wallet is the customer's estimated purchasing of the category over the window: the monthly
	// estimate times the window's months.
	Wallet decimal.Decimal `json:"wallet"`
	// Share is Spend/Wallet at RateScale; above 1 when the estimate is too low.
	Share decimal.Decimal `json:"share"`
	// Band is decided on the exact fraction Spend/Wallet.
	Band PenetrationBand `json:"band"`
	// Method, WalletAsOf and Confidence come from the estimate used (R7).
	Method     string    `json:"method"`
	WalletAsOf time.Time `json:"wallet_as_of"`
	Confidence float64   `json:"confidence"`
}

// Penetration is the platform's share of its customers' purchasing (渗透率, R6, R7), over the last
// closed campaign months at asOf — up to three, so one lumpy order does not swing a band. Only
// customers (targets that bought at least once from the start to asOf) are measured: a company that
// never bought is not a customer at risk, it is one not yet won.
type Penetration struct {
	// Months is the length of the window: 0 until month 1 has closed, then up to 3.
	Months int       `json:"months"`
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	// Companies lists every customer with a positive wallet estimate, in target-list order.
	// Evaluate and EvaluateAll build it; Campaigns.Evaluate only when Options.Companies asks, and
	// leaves it nil otherwise.
	Companies []CompanyShare `json:"companies"`
	// Spend and Wallet total the companies above; Share is the weighted penetration Spend/Wallet.
	Spend  decimal.Decimal `json:"spend"`
	Wallet decimal.Decimal `json:"wallet"`
	Share  decimal.Decimal `json:"share"`
	// Band is the band of the weighted share; 0 (not Valid) when no customer has an estimate.
	Band  PenetrationBand `json:"band,omitempty"`
	Bands BandCounts      `json:"bands"`
	// NoWallet counts customers without any estimate at asOf; ZeroWallet those whose latest
	// estimate is zero. Neither is in Companies or the totals. Like every count here they are
	// taken over the window, so both stay 0 until month 1 has closed (Months 0): no customer is
	// measured before, with or without a wallet.
	NoWallet   int `json:"no_wallet"`
	ZeroWallet int `json:"zero_wallet"`
	// OverWallet counts companies whose spend exceeds their wallet: the estimate needs redoing.
	OverWallet int `json:"over_wallet"`
}

// UnmarshalJSON reads the penetration as json.Marshal writes it, strictly (see Report.UnmarshalJSON),
// into a fresh value: nothing of what the receiver held is left, and a failed decode changes nothing.
func (p *Penetration) UnmarshalJSON(b []byte) error {
	return decodeFresh(b, (*penetrationJSON)(p))
}

// An AccountStage is how far an account got in the ground team's three months (R9).
type AccountStage int

const (
	// Opened: reached in months 1-3, no order yet.
	Opened AccountStage = iota + 1
	// Converted: ordered in months 1-3, but not again in month 3 after an earlier month.
	Converted
	// Repurchasing: ordered in month 3 and in month 1 or 2.
	Repurchasing
)

var stageWords = [...]string{Opened: "opened", Converted: "converted", Repurchasing: "repurchasing"}

// Valid reports whether s is one of the three stages.
func (s AccountStage) Valid() bool { return s >= Opened && s <= Repurchasing }

// String returns the stage's word: opened, converted or repurchasing.
func (s AccountStage) String() string {
	if !s.Valid() {
		return fmt.Sprintf("AccountStage(%d)", int(s))
	}
	return stageWords[s]
}

// MarshalText encodes the stage as its word.
func (s AccountStage) MarshalText() ([]byte, error) {
	if !s.Valid() {
		return nil, b2bkit.Invalid("stage", "unknown account stage %d", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes a stage from its word, so that a stored hand-off list reads back.
func (s *AccountStage) UnmarshalText(b []byte) error {
	i, err := wire.ParseWord(stageWords[:], b, "account stage")
	if err != nil {
		return b2bkit.InField("stage", err)
	}
	*s = AccountStage(i)
	return nil
}

// A HandOff is one account the ground team passes to the service team after month 3 (R9).
type HandOff struct {
	Company b2bkit.CompanyID `json:"company"`
	Stage   AccountStage     `json:"stage"`
	// Rep is the rep who acquired the account (see RepAttribution); empty if none did.
	Rep b2bkit.PersonID `json:"rep,omitempty"`
	// Orders and Spend are the account's purchases from the start to asOf.
	Orders int             `json:"orders"`
	Spend  decimal.Decimal `json:"spend"`
	// Existing is true when the company had ordered before the start: a customer already, whose
	// stage the campaign did not bring about (see Report.Existing).
	Existing bool `json:"existing,omitempty"`
}

// UnmarshalJSON reads a hand-off as json.Marshal writes it, strictly (see Report.UnmarshalJSON),
// into a fresh value: nothing of what the receiver held is left, and a failed decode changes nothing.
func (h *HandOff) UnmarshalJSON(b []byte) error {
	return decodeFresh(b, (*handOffJSON)(h))
}

// A ChannelCount is the orders and amount of one channel in one month.
type ChannelCount struct {
	Orders int             `json:"orders"`
	Amount decimal.Decimal `json:"amount"`
}

// A MonthMix is the channel mix of the target companies' orders in one campaign month (R10).
type MonthMix struct {
	Month    int          `json:"month"`
	From     time.Time    `json:"from"`
	To       time.Time    `json:"to"`
	Complete bool         `json:"complete"`
	Manual   ChannelCount `json:"manual"`
	SemiAuto ChannelCount `json:"semi_auto"`
	FullAuto ChannelCount `json:"full_auto"`
}

// Of returns the count of channel ch (zero for an unknown channel).
func (m MonthMix) Of(ch b2bkit.Channel) ChannelCount {
	switch ch {
	case b2bkit.Manual:
		return m.Manual
	case b2bkit.SemiAuto:
		return m.SemiAuto
	case b2bkit.FullAuto:
		return m.FullAuto
	}
	return ChannelCount{Amount: decimal.Zero}
}

// Orders is the month's orders across the three channels.
func (m MonthMix) Orders() int { return m.Manual.Orders + m.SemiAuto.Orders + m.FullAuto.Orders }

// Share is channel ch's share of the month's orders, at RateScale (zero in a month without orders).
func (m MonthMix) Share(ch b2bkit.Channel) decimal.Decimal {
	return fraction(int64(m.Of(ch).Orders), int64(m.Orders()))
}

// A ChannelShift is how the channel mix moved (R10): each channel's share of orders in month To
// less its share in month From. A platform wants Manual falling and FullAuto rising.
type ChannelShift struct {
	// From is the first month with orders; To the last complete month with orders (the last month
	// with orders if none is complete). Both are zero when there were no orders.
	From     int             `json:"from"`
	To       int             `json:"to"`
	Manual   decimal.Decimal `json:"manual"`
	SemiAuto decimal.Decimal `json:"semi_auto"`
	FullAuto decimal.Decimal `json:"full_auto"`
}

// A RepAttribution is what the customers a rep acquired have bought (R10: reps are paid a share of
// the lifetime profit of the customers they brought in). A rep acquires a customer with the
// customer's first touch in the territory, if that touch came no later than its first order; a
// customer that ordered before anyone touched it is unattributed.
type RepAttribution struct {
	Rep b2bkit.PersonID `json:"rep"`
	// Customers is how many target companies the rep acquired that have ordered.
	Customers int `json:"customers"`
	// Orders, Amount and GrossProfit are those customers' purchases from the campaign start to asOf.
	Orders      int             `json:"orders"`
	Amount      decimal.Decimal `json:"amount"`
	GrossProfit decimal.Decimal `json:"gross_profit"`
}

// A RepConcentration is how much of one rep's work went to the campaign's territory (R8).
type RepConcentration struct {
	Rep         b2bkit.PersonID `json:"rep"`
	InTerritory int             `json:"in_territory"`
	Touches     int             `json:"touches"`
	Share       decimal.Decimal `json:"share"`
}

// Concentration measures R8 on real touches: the share of the team's touches, from the start to
// asOf, made in the campaign's territory. The team is every rep with at least one touch in the
// territory in that window, and all of their touches count, wherever they were made: a rep who also
// works other cities spreads the team thin. A rep with no touch here is another team's, however
// many touches the stream holds of theirs, so two teams each kept to its own city are not spread
// thin when one stream serves both (EvaluateAll). Below MinConcentration the team is spread thin.
type Concentration struct {
	// Reps lists every rep of the team, by rep id.
	Reps        []RepConcentration `json:"reps"`
	InTerritory int                `json:"in_territory"`
	Touches     int                `json:"touches"`
	Share       decimal.Decimal    `json:"share"`
	// OtherTeams counts the touches in the window of reps with none in the territory: another
	// team's work, left out of Touches and Share.
	OtherTeams int `json:"other_teams"`
	// SpreadThin is true when the team's share is below 4/5; Warning then says so and
	// names the reps below it.
	SpreadThin bool   `json:"spread_thin"`
	Warning    string `json:"warning,omitempty"`
}

// UnmarshalJSON reads the concentration as json.Marshal writes it, strictly (see Report.UnmarshalJSON),
// into a fresh value: nothing of what the receiver held is left, and a failed decode changes nothing.
func (c *Concentration) UnmarshalJSON(b []byte) error {
	return decodeFresh(b, (*concentrationJSON)(c))
}

// MinConcentrationNum/MinConcentrationDen is the share of touches in the campaign's territory below
// which a team is spread thin (R8: 100 reps in one city beat 3 in each of 30): four in five, 80%.
// It is compared exactly, by cross-multiplication.
const (
	MinConcentrationNum = 4
	MinConcentrationDen = 5
)

// ExcludedCounts counts one stream's records that Evaluate set apart and did not count.
type ExcludedCounts struct {
	// NotTarget: the company is not on the target list.
	NotTarget int `json:"not_target"`
	// OutsideTerritory: a touch made in another territory (touches only).
	OutsideTerritory int `json:"outside_territory"`
	// BeforeStart: dated before month 1 (touches and purchases; a purchase before the start means
	// the company was already a customer, which the campaign cannot claim: see Report.Existing).
	BeforeStart int `json:"before_start"`
	// AfterAsOf: dated after asOf; nothing after asOf is counted.
	AfterAsOf int `json:"after_as_of"`
	// Free: a purchase of amount zero — a free sample, a promotion — is not an order and converts
	// nobody (purchases only).
	Free int `json:"free"`
	// Unknown lists up to MaxSamples distinct companies that are not targets, for the host to check.
	Unknown []b2bkit.CompanyID `json:"unknown,omitempty"`
}

// UnmarshalJSON reads the counts as json.Marshal writes it, strictly (see Report.UnmarshalJSON),
// into a fresh value: nothing of what the receiver held is left, and a failed decode changes nothing.
func (e *ExcludedCounts) UnmarshalJSON(b []byte) error {
	return decodeFresh(b, (*excludedCountsJSON)(e))
}

// MaxSamples is the most unknown companies an ExcludedCounts lists.
const MaxSamples = 10

// Total is the number of records excluded.
func (e ExcludedCounts) Total() int {
	return e.NotTarget + e.OutsideTerritory + e.BeforeStart + e.AfterAsOf + e.Free
}

func (e *ExcludedCounts) unknown(id b2bkit.CompanyID) {
	e.NotTarget++
	e.sample(id)
}

// sample lists id among the unknown companies, if there is room and it is not listed yet.
func (e *ExcludedCounts) sample(id b2bkit.CompanyID) {
	if len(e.Unknown) >= MaxSamples {
		return
	}
	for _, u := range e.Unknown {
		if u == id {
			return
		}
	}
	e.Unknown = append(e.Unknown, id)
}

// Excluded is what Evaluate set apart from each stream.
type Excluded struct {
	Touches   ExcludedCounts `json:"touches"`
	Purchases ExcludedCounts `json:"purchases"`
	Wallets   ExcludedCounts `json:"wallets"`
}

// A Report is a campaign measured at asOf.
type Report struct {
	Campaign  string    `json:"campaign,omitempty"`
	Territory string    `json:"territory"`
	Start     time.Time `json:"start"`
	AsOf      time.Time `json:"as_of"`
	Targets   int       `json:"targets"`
	// Month is the campaign month asOf falls in (1 in month 1).
	Month int `json:"month"`
	// Phase is the phase of Month, named for the rate to chase now.
	Phase Phase `json:"phase"`
	// Coverage (month 1): targets touched in month 1, of all targets.
	Coverage Rate `json:"coverage"`
	// Conversion (month 2): companies covered in month 1 that ordered in month 2, of those covered
	// that were not customers already (see Existing). An order in month 1 or 3 does not count.
	Conversion Rate `json:"conversion"`
	// Repurchase (month 3): converted companies that ordered again in month 3, of those converted.
	Repurchase  Rate        `json:"repurchase"`
	Penetration Penetration `json:"penetration"`
	// Customers counts targets with at least one order from the start to asOf.
	Customers int `json:"customers"`
	// Existing counts targets that had ordered before the start: customers already, which the
	// campaign cannot claim. Their orders are counted in the mix and penetration, but they are
	// neither converted nor repurchasing (they are in no numerator or denominator of Conversion
	// and Repurchase), no rep acquired them (their orders are Unattributed), and their hand-off is
	// marked Existing.
	Existing int `json:"existing"`
	// HandOffReady is true once month 3 has closed; HandOff then lists every target reached or
	// ordering in months 1-3, strongest stage first, then by company id (R9). Evaluate and
	// EvaluateAll build the list; Campaigns.Evaluate only when Options.HandOff asks, and leaves it
	// nil otherwise.
	HandOffReady bool      `json:"hand_off_ready"`
	HandOff      []HandOff `json:"hand_off"`
	// Channels is the mix of every month from 1 to Month (R10), and Shift how it moved.
	Channels []MonthMix   `json:"channels"`
	Shift    ChannelShift `json:"shift"`
	// Reps attributes customers to the reps who acquired them, most gross profit first; Unattributed
	// collects the customers nobody acquired (Rep is empty).
	Reps          []RepAttribution `json:"reps"`
	Unattributed  RepAttribution   `json:"unattributed"`
	Concentration Concentration    `json:"concentration"`
	Excluded      Excluded         `json:"excluded"`
}

// UnmarshalJSON reads a report as json.Marshal writes it, strictly: unknown or wrongly cased
// fields and a key given twice are errors. It decodes into a fresh Report, so a report read into a
// Report that held another keeps nothing of the old one — not a band, warning or sample its JSON
// leaves out, nor the old one's lists, which stay the old one's — and a failed decode changes
// nothing.
func (r *Report) UnmarshalJSON(b []byte) error {
	var w reportJSON
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*r = Report{Campaign: w.Campaign, Territory: w.Territory, Start: w.Start, AsOf: w.AsOf, Targets: w.Targets,
		Month: w.Month, Phase: w.Phase, Coverage: w.Coverage, Conversion: w.Conversion, Repurchase: w.Repurchase,
		Penetration: Penetration(w.Penetration), Customers: w.Customers, Existing: w.Existing,
		HandOffReady: w.HandOffReady, HandOff: wire.Values(w.HandOff, func(h *handOffJSON) HandOff { return HandOff(*h) }),
		Channels: w.Channels, Shift: w.Shift, Reps: w.Reps, Unattributed: w.Unattributed,
		Concentration: Concentration(w.Concentration),
		Excluded: Excluded{Touches: ExcludedCounts(w.Excluded.Touches), Purchases: ExcludedCounts(w.Excluded.Purchases),
			Wallets: ExcludedCounts(w.Excluded.Wallets)}}
	return nil
}

// The wire shapes of a report: its parts as plain types, without their UnmarshalJSON, so that
// Report.UnmarshalJSON reads a whole report in one strict decode, with the same rules. Each part
// read itself through the strict decoder, which checked and decoded its bytes again with a decoder
// of its own: every customer's share twice, every hand-off in a decoder of its own.
type (
	penetrationJSON    Penetration
	handOffJSON        HandOff
	concentrationJSON  Concentration
	excludedCountsJSON ExcludedCounts
)

type excludedJSON struct {
	Touches   excludedCountsJSON `json:"touches"`
	Purchases excludedCountsJSON `json:"purchases"`
	Wallets   excludedCountsJSON `json:"wallets"`
}

// reportJSON is a Report as it travels: its fields, by the same names, its parts as wire shapes.
type reportJSON struct {
	Campaign      string            `json:"campaign,omitempty"`
	Territory     string            `json:"territory"`
	Start         time.Time         `json:"start"`
	AsOf          time.Time         `json:"as_of"`
	Targets       int               `json:"targets"`
	Month         int               `json:"month"`
	Phase         Phase             `json:"phase"`
	Coverage      Rate              `json:"coverage"`
	Conversion    Rate              `json:"conversion"`
	Repurchase    Rate              `json:"repurchase"`
	Penetration   penetrationJSON   `json:"penetration"`
	Customers     int               `json:"customers"`
	Existing      int               `json:"existing"`
	HandOffReady  bool              `json:"hand_off_ready"`
	HandOff       []handOffJSON     `json:"hand_off"`
	Channels      []MonthMix        `json:"channels"`
	Shift         ChannelShift      `json:"shift"`
	Reps          []RepAttribution  `json:"reps"`
	Unattributed  RepAttribution    `json:"unattributed"`
	Concentration concentrationJSON `json:"concentration"`
	Excluded      excludedJSON      `json:"excluded"`
}

// decodeFresh decodes b strictly into a zero value and assigns it to dst on success. P is the
// plain form of a type whose UnmarshalJSON calls it, without the method, so it does not recurse.
func decodeFresh[P any](b []byte, dst *P) error {
	var v P
	if err := wire.DecodeStrict(b, &v); err != nil {
		return err
	}
	*dst = v
	return nil
}

// Rates returns the three counted rates in phase order: coverage, conversion, repurchase.
func (r Report) Rates() []Rate { return []Rate{r.Coverage, r.Conversion, r.Repurchase} }
