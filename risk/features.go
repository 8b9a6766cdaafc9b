package risk

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/checked"
	"github.com/b2bkit/b2bkit/internal/fastdec"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// FeatureOptions tune Features; the zero value (or nil) is the default.
type FeatureOptions struct {
	// Scale is the decimal places of money features and of the history's amounts (2 for fen and
	// cents); 0 means 2.
	Scale int32
	// KeyPersonDays is the window, in days before asOf, in which a key person leaving sets
	// KeyPersonLost; 0 means 90.
	KeyPersonDays int
	// Location is where days, and the months counted back from asOf's day, are read (the buyer's or
	// the platform's time zone); nil means asOf's location.
	Location *time.Location
}

const (
	featDefaultScale   = 2
	featDefaultKeyDays = 90
	// featWindow is the longest window of any feature, in months counted back from asOf's day.
	featWindow = 12
	// featShareScale is the scale credit days are summed at in minor units.
	featShareScale = 12
	// featNever is the day of an invoice never paid in full.
	featNever = math.MinInt32
	// featDayLimit bounds the day numbers the projection keeps in an int32, so that the difference
	// of two fits in one too (and in an int where int is 32 bits).
	featDayLimit = 1 << 29
	// featCtxEvery is how many records pass between two looks at the context: a power of two.
	featCtxEvery = 256
	// featSizeHint bounds the capacity the projection's slices start with.
	featSizeHint = 1 << 14
)

// featConfig is FeatureOptions resolved and checked.
type featConfig struct {
	scale   int32
	keyDays int
	loc     *time.Location
}

func featResolve(company b2bkit.CompanyID, asOf time.Time, opts *FeatureOptions) (featConfig, error) {
	var o FeatureOptions
	if opts != nil {
		o = *opts
	}
	var errs []error
	if company == "" {
		errs = append(errs, b2bkit.Invalid("company", "must be set"))
	}
	if asOf.IsZero() {
		errs = append(errs, b2bkit.Invalid("as_of", "must be set"))
	}
	cfg := featConfig{scale: o.Scale, keyDays: o.KeyPersonDays, loc: o.Location}
	if cfg.scale == 0 {
		cfg.scale = featDefaultScale
	}
	if cfg.scale < 0 || cfg.scale > b2bkit.MaxScale {
		errs = append(errs, b2bkit.Invalid("options.scale", "must be between 0 and %d", b2bkit.MaxScale))
	}
	if cfg.keyDays == 0 {
		cfg.keyDays = featDefaultKeyDays
	}
	if cfg.keyDays < 0 || cfg.keyDays > b2bkit.MaxTermDays {
		errs = append(errs, b2bkit.Invalid("options.key_person_days", "must be between 0 and %d", b2bkit.MaxTermDays))
	}
	if cfg.loc == nil {
		cfg.loc = asOf.Location()
	}
	if len(errs) > 0 {
		return featConfig{}, featJoin(errs)
	}
	return cfg, nil
}

// featJoin joins problems into one error with the package prefix.
func featJoin(errs []error) error {
	return fmt.Errorf("risk: %w", errors.Join(errs...))
}

// Features computes every Feature constant of this package for company from its history as of
// asOf, with the default options. It is FeaturesContext with a background context and nil options.
func Features(company b2bkit.CompanyID, h History, asOf time.Time) (FeatureSet, error) {
	return FeaturesContext(context.Background(), company, h, asOf, nil)
}

// FeaturesContext computes every Feature constant of this package for company from its history as
// of asOf: tenure, volume and its trend, punctuality, days past due, disputes, sellers, penetration,
// key people and usual credit days (R17). Nothing dated after asOf is read. Each stream is read once;
// the first stream error stops the computation and is returned wrapped ("risk: history.invoices:
// ..."), matchable with errors.Is. Bad input — an empty company, a zero asOf, a record of the
// company with a wrong currency, a negative or over-precise amount — is an error matching
// b2bkit.ErrInvalid that names the record and field ("risk: history.payments[3].amount: must be > 0").
// A feature that cannot be computed is in the set with Missing true.
//
// How the history is read, where the Feature constants leave it open:
//
//   - Calendar. Days are calendar days in FeatureOptions.Location (asOf's location by default), and
//     months are whole months counted back from the end of asOf's day: "the last 3 months" on 10
//     March run from 11 December 00:00 to the end of 10 March, so a month just begun never reads as
//     a month without orders, and every window holds the whole of asOf's day and nothing after it.
//     A month starts on the day of month of the day after asOf or, when its calendar month is
//     shorter, on that month's last day: on 30 March the last month runs from 28 February to 30
//     March and the one before from 31 January to 27 February (every month is 28 to 31 days long).
//     On the last day of a calendar month the months are calendar months: on 31 March the last 3
//     are January, February and March; on 28 February 2026 (and 29 February 2028) the last is
//     February. On 1 March the last month is 2 February to 1 March. A buyer ordering on the same
//     day of every month up to the 27th, or on the last day of every month, has one order in each
//     month whatever the day of asOf. One ordering on the 28th can have, on the 28th to the 30th
//     of a month, two orders in a month from 28 February and none in the month before (starting
//     the month on 1 March instead would do the same to buyers ordering on the last day, and
//     pull their last 3 months down): no rule of whole months fits both.
//   - No look-ahead. Nothing dated after asOf is read: orders by PlacedAt, invoices by IssuedAt,
//     payments by PaidAt, wallets by AsOf, job changes by At. A payment after asOf does not count as
//     paid at asOf.
//   - Whose records. Orders and invoices count when their Buyer is the company. Payments are matched
//     to the company's invoices by invoice number, whoever paid (a third party paying is a matter for
//     the three-flow check, R18, not for punctuality); payments against other invoices, against
//     invoices issued after asOf and against credit notes (refunds) are ignored. Shipments are not
//     read: no feature depends on the logistics flow.
//   - Money. Order value is Order.Total rounded HalfUp to FeatureOptions.Scale places (a quantity
//     times a unit price may have more places); invoice and payment amounts must have at most Scale
//     places of value (trailing zeros do not count: 12.3400 is 12.34). Everything adds in int64 minor units, checked for overflow.
//   - Tenure is whole calendar months from the first order to asOf, counted like an age: from 15
//     January, 15 March is 2 months and 14 March 1. A window of n months is covered when the first
//     order falls in its first month or before, which is tenure+1 >= n but around the ends of
//     months (a first order on 31 December covers the last 3 months on 28 February, whose tenure is
//     1; one on 28 February does not cover them on 29 April, whose first month is 30 January to 27
//     February). An average, a trend, a volatility or a penetration over a window the buyer's
//     history does not cover is missing, not a misleading small number. A buyer without orders has
//     every order feature missing.
//   - Trend is the ratio of the exact averages, 3 x (value of the last 3 months) / (value of the 9
//     before). Volatility is the population standard deviation of the monthly values over their mean,
//     over the months of the last 12 from the first order's on; missing below 3 months or when the
//     mean is zero.
//   - Punctuality. An invoice falls due at the end of its due date: it is judged (on time or late)
//     once its due date is before asOf's date. It is on time when the payments made by its due date
//     and by asOf cover its amount. Days late are calendar days from the due date to the date it was
//     paid in full, or to asOf while it is not; amount-weighted averages of days late are rounded to
//     RatioScale. The windows of days late and of the worst days past due are read by due date:
//     DaysLate3 takes the invoices due in the last 3 months (and judged: due before asOf's day),
//     DaysLatePrior9 those due in the 9 months before, WorstDaysPastDue12 those due in the last 12.
//   - The dispute rate is over the invoices and credit notes issued in the last 12 months.
//   - Credit notes (negative invoices) count as paid, on the day they were issued, against what is
//     still owed by asOf: a credit note bills orders, not an invoice, so it settles first the
//     invoices that bill one of its orders, then the buyer's other invoices (the buyer deducts it
//     from what it pays), each time the oldest due first; the credit notes are taken in the order
//     they were issued, and what no invoice owes is left over. An invoice a credit note cancelled
//     is then paid in full on its issue day: late if that is after the due date, and not past due
//     from then on. ExposureAt reads the same settlement, so the overdue buckets add up to its
//     Unpaid. Credit notes also make the dispute rate.
//   - Days past due and the overdue buckets are missing when no invoice was issued by asOf (there is
//     no payment record to judge), and zero when every invoice is paid.
//   - Sellers and their concentration are over the orders of the last 12 months; missing without
//     any order, the concentration also when those orders are worth nothing.
//   - Penetration needs the last 3 months covered by tenure, and its prior the last 6.
//   - UsualCreditDays is missing when the last 12 months' orders are worth nothing.
//   - KeyPersonLost reads People.JobChanges from asOf less KeyPersonDays calendar days (in Location)
//     and counts a change at or before asOf from the company by someone who held a buying role there
//     (LostRoles not empty): that is a key person.
//   - Checks. Each record used is checked for what the features rely on, not with its full Validate
//     (which would cost more than the features): an order's placed_at, seller, currency and lines
//     (at least one, quantities > 0, prices >= 0), and the value (it must fit an int64 of minor units)
//     and terms of the last 12 months' orders (older orders count for tenure only: their value is not
//     worked out); an invoice's number (unique among the buyer's), dates, currency
//     and amount (not zero, at most Scale places); a payment's paid_at, currency and amount (> 0, at
//     most Scale places); a wallet's monthly estimate (> 0). The first currency read is the
//     history's; wallets are taken to be in it. Records skipped (another buyer's, dated after asOf)
//     are not checked.
//   - Payments may come in any order; each invoice's are put in date order to find when it was paid
//     in full.
//   - Scale 0 cannot be asked for (it means the default, 2): a currency without minor units (JPY)
//     is counted at scale 2 just as well, its amounts having no places.
func FeaturesContext(ctx context.Context, company b2bkit.CompanyID, h History, asOf time.Time, opts *FeatureOptions) (FeatureSet, error) {
	cfg, err := featResolve(company, asOf, opts)
	if err != nil {
		return FeatureSet{}, err
	}
	p := newFeatProjection(company, asOf, cfg, false)
	if err := p.read(ctx, h); err != nil {
		return FeatureSet{}, err
	}
	lost, hasPeople, err := featKeyPersonLost(ctx, company, h.People, asOf, cfg)
	if err != nil {
		return FeatureSet{}, err
	}
	fs, err := p.features()
	if err != nil {
		return FeatureSet{}, err
	}
	if hasPeople {
		fs.Values.Set(KeyPersonLost, NumberValue(decimal.NewFromInt(int64(lost))))
	} else {
		fs.Values.Set(KeyPersonLost, Value{Missing: true})
	}
	return fs, nil
}

// featInvoice is one invoice of the company as the features see it. It holds no pointers, so a
// long history of them costs the garbage collector nothing to scan.
type featInvoice struct {
	units   int64 // amount in minor units; negative for a credit note
	paid    int64 // payments by asOf
	dueDay  int32 // featDay of the due date
	fullDay int32 // the day the payments covered the amount, or featNever
	lastDay int32 // the day of the latest payment read, or featNever
	due     int8  // window month of the due date, -1 before, featWindow after
	// pays is how many payments were read against it, up to featListed: the first is in the row
	// (paid and lastDay are its amount and day), and only an invoice paid more than once has its
	// payments in the projection's list.
	pays uint8
}

// featListed is the featInvoice.pays of an invoice whose payments are in featProjection.payments.
const featListed = 2

// featPayment is one payment against one of the company's invoices.
type featPayment struct {
	inv   int32
	day   int32
	units int64
}

// featOrderRef is an order's id and value, kept for the exposure.
type featOrderRef struct {
	id    b2bkit.OrderID
	units int64
}

// featCredit is a credit note of the company: its place in invoices, and when it was issued, in
// Unix seconds and as a day.
type featCredit struct {
	inv int32
	day int32
	sec int64
}

// featProjection is the compact view of a history the features are computed from.
type featProjection struct {
	cfg     featConfig
	company b2bkit.CompanyID
	asOf    time.Time
	asOfDay int32
	// asOfSec and asOfNsec are asOf's Unix seconds and nanoseconds, for after; asOfMono says asOf
	// has a monotonic clock reading, which after must leave to time.Time.After.
	asOfSec  int64
	asOfNsec int
	asOfMono bool
	// bounds are the first instants of the 12 months of the window, counted back from the day after
	// asOf (featMonthsBefore), and of the day after asOf, in Unix seconds.
	bounds   [featWindow + 1]int64
	currency string
	// curKey is featCurrencyKey(currency) once the currency is set, 0 before.
	curKey uint32

	orders    int
	first     time.Time
	firstSec  int64             // first's Unix seconds
	firstMono bool              // first has a monotonic clock reading
	months    [featWindow]int64 // order value by month; the last is the month up to asOf
	total12   int64
	sellers   featSellers
	// creditHi and creditLo are the sum, over the orders whose terms featCreditUnits reads, of
	// their credit days in units of 10^-featShareScale times their value in minor units: a 128-bit
	// two's complement integer, exact (addCredit).
	creditHi, creditLo uint64
	creditDec          decimal.Decimal // value x credit days of the other orders

	invoices []featInvoice
	// invoiced and credited are the totals of the invoices and of the credit notes, checked to fit
	// so that any sum of their parts does.
	invoiced, credited int64
	// invoiced12 and credited12 are those of the last 12 months (by issue date), for the dispute
	// rate: parts of invoiced and credited.
	invoiced12, credited12 int64
	billed                 [][]b2bkit.OrderID     // orders of each invoice and credit note
	numbers                []b2bkit.InvoiceNumber // of each invoice
	// credits are the credit notes, which settleCredits sets against the invoices.
	credits []featCredit
	// records are the positions in the stream of the invoices, for errors, once one differs from
	// the invoice's position in invoices (a record skipped before it); nil while none does. Kept
	// apart, they leave a row of 32 bytes.
	records []int32
	// byNumber is the position in invoices of each number, built only once the numbers stop coming
	// in featNumberLess order: a host mostly streams invoices as it numbered them, and numbers
	// rising in that order are distinct and searchable as they stand.
	byNumber map[b2bkit.InvoiceNumber]int32
	// dup is the first invoice number used twice, reported once the invoices are read, so that an
	// invalid invoice anywhere in the stream is reported first, as before any index was built.
	dup error
	// paid is the invoice of the last payment read: payments mostly come in the invoices' order,
	// so the next one is most often against it or the invoice after it.
	paid int32
	// payments are those of the invoices paid more than once (featListed), in the order read: the
	// invoice rows hold the others, and most invoices are paid in one go.
	payments []featPayment
	// disordered says a payment came before an earlier-dated one of the same invoice: settle must
	// sort them to find the day each invoice was paid in full.
	disordered bool

	wallet      decimal.Decimal
	walletAt    time.Time
	walletFound bool

	exposure  bool
	orderRefs []featOrderRef

	// days numbers the calendar days of due and payment dates in the configured location.
	days dayClock
	// leads counts orders' lead days, in the location of each order's OrderedAt (mostly one).
	leads dayClock
	// at is the position in its stream of the record being read: a field rather than a local of
	// read, which each stream's loop body, a closure, would otherwise keep on the heap.
	at int
	// failed is the error that stopped the stream being read: the loop bodies break with it
	// rather than return it from read, which would have each body carry read's result variable.
	failed error
	// near are the months of the window the last order was placed, and the last invoice issued
	// and due, in (see monthNear).
	near struct{ placed, due featNear }
}

func newFeatProjection(company b2bkit.CompanyID, asOf time.Time, cfg featConfig, exposure bool) *featProjection {
	local := asOf.In(cfg.loc)
	p := &featProjection{cfg: cfg, company: company, asOf: asOf, exposure: exposure, asOfDay: featDay(local),
		days: newDayClock(cfg.loc), leads: newDayClock(cfg.loc), asOfSec: asOf.Unix(), asOfNsec: asOf.Nanosecond(), asOfMono: asOf != asOf.Round(0)}
	// The months end with asOf's day: on 1 March the last month is 2 February to 1 March, so a
	// month just begun does not read as a month without orders.
	y, m, d := local.Date()
	y, m, d = featDayAfter(y, m, d)
	for k := range p.bounds {
		// The first instant (midnight in loc) of the day featWindow-k whole months before the day
		// after asOf's, its day of month clamped to the length of its month: one month before 31
		// March (the day after 30 March) is 28 February, not 3 March. Counted back from the day after
		// the last of a month, the months are calendar months.
		my, mm := featMonthsBack(y, m, featWindow-k)
		p.bounds[k] = b2bkit.DayStart(my, mm, min(d, featDaysIn(my, mm)), cfg.loc).Unix()
	}
	return p
}

// featDayAfter is the date after y-m-d, a valid date.
func featDayAfter(y int, m time.Month, d int) (int, time.Month, int) {
	switch {
	case d < featDaysIn(y, m):
		return y, m, d + 1
	case m == time.December:
		return y + 1, time.January, 1
	default:
		return y, m + 1, 1
	}
}

// featMonthsBack is the month n months before y-m.
func featMonthsBack(y int, m time.Month, n int) (int, time.Month) {
	months := y*12 + int(m) - 1 - n
	fy := months / 12
	if months%12 < 0 {
		fy-- // floor, for years before 0
	}
	return fy, time.Month(months-fy*12) + 1
}

// featDaysIn is the number of days of month m of year y in the proleptic Gregorian calendar, as the
// time package counts them.
func featDaysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	default:
		return 31
	}
}

// featDay is b2bkit.CalendarDay(t), kept within ±featDayLimit (about 1.5 million years).
func featDay(t time.Time) int32 {
	return featDayClamp(b2bkit.CalendarDay(t))
}

// featDayClamp keeps a day number within ±featDayLimit.
func featDayClamp(day int) int32 {
	return int32(min(max(day, -featDayLimit), featDayLimit))
}

// A featNear is the month of the window a stream's last record fell in, and that month's first
// and last instants as Unix seconds [lo, hi): -1 and featWindow for before and after the window,
// with an open end. The zero featNear holds no instant.
type featNear struct {
	lo, hi int64
	k      int
}

// monthNear is month(t) for t of Unix seconds u, trying n first and leaving the answer there: the
// records of a stream mostly come in date order, so most fall in the month of the record before
// (or, for old records, before the window as well).
func (p *featProjection) monthNear(u int64, n *featNear) int {
	if n.lo <= u && u < n.hi {
		return n.k
	}
	return p.monthFar(u, n)
}

// monthFar is monthNear when u is not in n's month.
func (p *featProjection) monthFar(u int64, n *featNear) int {
	k := p.monthAt(u)
	n.k, n.lo, n.hi = k, math.MinInt64, math.MaxInt64
	if k >= 0 {
		n.lo = p.bounds[k] // the start of the day after asOf's for featWindow
	}
	if k < featWindow {
		n.hi = p.bounds[k+1]
	}
	return k
}

// month is the month of the window t falls in, 0 for the first of the 12 and featWindow-1 for the
// month up to asOf, or -1 before the window and featWindow after asOf's day. Comparing instants
// with the months' bounds spares a calendar conversion per record.
func (p *featProjection) month(t time.Time) int {
	return p.monthAt(t.Unix()) // the bounds are whole seconds: t is before one iff its whole seconds are
}

// monthAt is month for u, the instant's Unix seconds.
func (p *featProjection) monthAt(u int64) int {
	if u < p.bounds[0] {
		return -1
	}
	lo, hi := 0, featWindow // bounds[lo] <= t < bounds[hi], or t is after the window
	if u >= p.bounds[hi] {
		return featWindow
	}
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if u < p.bounds[mid] {
			hi = mid
		} else {
			lo = mid
		}
	}
	return lo
}

// A featTally adds order value by key: a short list searched in order, as a buyer has few sellers
// and few kinds of terms, turning into a map when it grows.
type featTally[K comparable] struct {
	keys []K
	sums []int64
	big  map[K]int
	// keyBuf and sumBuf hold the first keys and sums, so that a buyer's few take no allocation.
	keyBuf [featTallyList]K
	sumBuf [featTallyList]int64
}

// featTallyList is how many keys a featTally holds before it allocates.
const featTallyList = 8

// add adds units to k's sum and reports false on overflow.
func (t *featTally[K]) add(k K, units int64) bool {
	i := -1
	if t.big != nil {
		if j, ok := t.big[k]; ok {
			i = j
		}
	} else {
		for j, x := range t.keys {
			if x == k {
				i = j
				break
			}
		}
	}
	return t.addAt(i, k, units)
}

// featSellers tallies order value by seller. While the tally is a short list, each id has a tag
// beside it — its length and last two bytes, which tell apart most ids a host numbers with one
// prefix ("seller-7") — so that finding one compares integers and then, on a matching tag, the ids.
type featSellers struct {
	featTally[b2bkit.CompanyID]
	tags   []uint64 // of keys, while big is nil
	tagBuf [featTallyList]uint64
}

// featIDTag is the tag of an id: its length and its last two bytes.
func featIDTag(k b2bkit.CompanyID) uint64 {
	switch n := len(k); n {
	case 0:
		return 0
	case 1:
		return 1<<16 | uint64(k[0])
	default:
		return uint64(n)<<16 | uint64(k[n-2])<<8 | uint64(k[n-1])
	}
}

// featAddID is s.add(k, units), the same sums with the keys in the same order.
func featAddID(s *featSellers, k b2bkit.CompanyID, units int64) bool {
	if s.big != nil {
		return s.add(k, units)
	}
	tag := featIDTag(k)
	for j, x := range s.tags {
		if x == tag && s.keys[j] == k {
			v, ok := checked.Add(s.sums[j], units)
			s.sums[j] = v
			return ok
		}
	}
	ok := s.addAt(-1, k, units)
	if s.big == nil {
		if s.tags == nil {
			s.tags = s.tagBuf[:0]
		}
		s.tags = append(s.tags, tag)
	} else {
		s.tags = nil // a map now
	}
	return ok
}

// addCredit adds an order's credit units cu (featCreditUnits) times its value units to the
// credit sum. Each installment's days, less the lead for one due on order, are within
// ±MaxTermDays, so |cu| <= 10^featShareScale x MaxTermDays < 2^52; the values add up to total12
// < 2^63, so the sum is below 2^115 in size, and exact in 128 bits.
func (p *featProjection) addCredit(cu, units int64) {
	if cu >= 0 {
		hi, lo := bits.Mul64(uint64(cu), uint64(units))
		var c uint64
		p.creditLo, c = bits.Add64(p.creditLo, lo, 0)
		p.creditHi += hi + c
		return
	}
	hi, lo := bits.Mul64(uint64(-cu), uint64(units))
	var b uint64
	p.creditLo, b = bits.Sub64(p.creditLo, lo, 0)
	p.creditHi -= hi + b
}

// creditSum is the credit sum as a decimal: credit days times order value, in the history's
// currency.
func (p *featProjection) creditSum() decimal.Decimal {
	hi, lo, neg := p.creditHi, p.creditLo, p.creditHi>>63 != 0
	if neg { // two's complement: the size is its negation
		var b uint64
		lo, b = bits.Sub64(0, lo, 0)
		hi = 0 - hi - b
	}
	var x, l big.Int
	x.SetUint64(hi).Lsh(&x, 64).Or(&x, l.SetUint64(lo))
	if neg {
		x.Neg(&x)
	}
	return decimal.NewFromBigInt(&x, -(featShareScale + p.cfg.scale))
}

// addAt adds units to the sum at i, the position of k, or to a new one for k when i < 0.
func (t *featTally[K]) addAt(i int, k K, units int64) bool {
	if i < 0 {
		if t.keys == nil { // a buyer has a few sellers and kinds of terms
			t.keys, t.sums = t.keyBuf[:0], t.sumBuf[:0]
		}
		i = len(t.keys)
		t.keys, t.sums = append(t.keys, k), append(t.sums, 0)
		if t.big != nil {
			t.big[k] = i
		} else if len(t.keys) > 16 {
			t.big = make(map[K]int, 2*len(t.keys))
			for j, x := range t.keys {
				t.big[x] = j
			}
		}
	}
	s, ok := checked.Add(t.sums[i], units)
	t.sums[i] = s
	return ok
}

// read reads the streams the features need, each once, in order: orders, invoices, payments,
// wallets. The loops are written out, not passed a function per record: a record costs its checks
// and its row, not two calls more.
func (p *featProjection) read(ctx context.Context, h History) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("risk: %w", err)
	}
	if h.Orders != nil {
		p.at = -1
		for o, err := range h.Orders {
			if p.at++; err != nil || p.at&(featCtxEvery-1) == featCtxEvery-1 {
				if err := featStreamErr(ctx, "orders", err); err != nil {
					p.failed = err
					break
				}
			}
			placed := o.PlacedAt.Unix()
			if o.Buyer != p.company || p.after(o.PlacedAt, placed) {
				continue
			}
			if err := p.addOrder(p.at, &o, placed); err != nil {
				p.failed = err
				break
			}
		}
		if p.failed != nil {
			return p.failed
		}
	}
	if h.Invoices != nil {
		p.at = -1
		for inv, err := range h.Invoices {
			if p.at++; err != nil || p.at&(featCtxEvery-1) == featCtxEvery-1 {
				if err := featStreamErr(ctx, "invoices", err); err != nil {
					p.failed = err
					break
				}
			}
			issued := inv.IssuedAt.Unix()
			if inv.Buyer != p.company || p.after(inv.IssuedAt, issued) {
				continue
			}
			if err := p.addInvoice(p.at, &inv, issued); err != nil {
				p.failed = err
				break
			}
		}
		if p.failed != nil {
			return p.failed
		}
	}
	if p.dup != nil {
		return p.dup
	}
	if h.Payments != nil {
		p.at = -1
		for pay, err := range h.Payments {
			if p.at++; err != nil || p.at&(featCtxEvery-1) == featCtxEvery-1 {
				if err := featStreamErr(ctx, "payments", err); err != nil {
					p.failed = err
					break
				}
			}
			paid := pay.PaidAt.Unix()
			if p.after(pay.PaidAt, paid) {
				continue
			}
			if err := p.addPayment(p.at, &pay, paid); err != nil {
				p.failed = err
				break
			}
		}
		if p.failed != nil {
			return p.failed
		}
	}
	p.settleCredits()
	p.settle()
	if p.exposure || h.Wallets == nil {
		return nil
	}
	p.at = -1
	for w, err := range h.Wallets {
		if p.at++; err != nil || p.at&(featCtxEvery-1) == featCtxEvery-1 {
			if err := featStreamErr(ctx, "wallets", err); err != nil {
				return err
			}
		}
		if w.Company != p.company || p.after(w.AsOf, w.AsOf.Unix()) {
			continue
		}
		if err := p.addWallet(p.at, &w); err != nil {
			return err
		}
	}
	return nil
}

// addWallet keeps the latest wallet estimate of the company.
func (p *featProjection) addWallet(i int, w *Wallet) error {
	if w.AsOf.IsZero() {
		return featBad("wallets", i, b2bkit.Invalid("as_of", "must be set"))
	}
	if w.Monthly.Sign() <= 0 {
		return featBad("wallets", i, b2bkit.Invalid("monthly", "must be > 0"))
	}
	if !featSane(w.Monthly) {
		return featBad("wallets", i, b2bkit.Invalid("monthly", "%s", featInsaneWallet)) // not printed: it may be huge
	}
	if !p.walletFound || !w.AsOf.Before(p.walletAt) {
		p.wallet, p.walletAt, p.walletFound = xerr.Canonical(w.Monthly), w.AsOf, true
	}
	return nil
}

// featStreamErr is what stops the reading of a stream: its error, or else, every featCtxEvery
// records, the context's, as "risk: history.<name>: <err>"; nil to go on.
func featStreamErr(ctx context.Context, name string, err error) error {
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return fmt.Errorf("risk: history.%s: %w", name, err)
	}
	return nil
}

// after is t.After(asOf) for t of Unix seconds s. Unless asOf has a monotonic clock reading (then
// After compares those when t has one too), After compares the instants' seconds and nanoseconds,
// as this does from numbers worked out once: a record of a second before asOf's is not after it,
// which settles most records inline.
func (p *featProjection) after(t time.Time, s int64) bool {
	if s < p.asOfSec && !p.asOfMono {
		return false
	}
	return p.afterNear(t, s)
}

// afterNear is after for the records of asOf's second or later, or for any when asOf has a
// monotonic reading.
func (p *featProjection) afterNear(t time.Time, s int64) bool {
	if p.asOfMono {
		return t.After(p.asOf)
	}
	return s > p.asOfSec || t.Nanosecond() > p.asOfNsec
}

// featBad names a problem of record i of a stream: "risk: history.orders[3].lines[0].quantity: ...".
func featBad(stream string, i int, err error) error {
	return fmt.Errorf("risk: %w", b2bkit.InField(fmt.Sprintf("history.%s[%d]", stream, i), err))
}

// sameCurrency reports whether code is the history's currency, set already. Its currency is three
// letters: compared as one number, inline, without the runtime's string comparison; a record that
// is not in it goes to setCurrency.
func (p *featProjection) sameCurrency(code string) bool {
	return len(code) == 3 && featCurrencyKey(code) == p.curKey
}

// featCurrencyKey packs a three-byte code into a number that is never 0, so that the key of no
// currency (0) equals none.
func featCurrencyKey(code string) uint32 {
	return 1<<24 | uint32(code[2]) | uint32(code[1])<<8 | uint32(code[0])<<16
}

// setCurrency makes code the history's currency when it has none yet, or says it is another.
func (p *featProjection) setCurrency(code string) error {
	if p.currency == "" {
		if err := b2bkit.ValidateCurrency(code); err != nil {
			return b2bkit.InField("currency", err)
		}
		p.currency, p.curKey = code, featCurrencyKey(code)
		return nil
	}
	if code != p.currency {
		return b2bkit.Invalid("currency", "%s in a history in %s", xerr.Echo(code), p.currency)
	}
	return nil
}

// scaled is d's coefficient when d is written at the history's scale, as amounts mostly are, and
// the coefficient fits an int64: then it is the minor units, as ToMinor would find without its
// checks of scale and shift. Its sign is d's, which spares reading d's sign apart.
func (p *featProjection) scaled(d decimal.Decimal) (int64, bool) {
	if d.Exponent() != -p.cfg.scale {
		return 0, false
	}
	if d.NumDigits() < 19 {
		return d.CoefficientInt64(), true // fastdec.Int64's common case, a call less
	}
	return fastdec.Int64(d)
}

// units converts an amount to minor units at the history's scale.
func (p *featProjection) units(field string, d decimal.Decimal) (int64, error) {
	if c, ok := p.scaled(d); ok {
		return c, nil
	}
	if !xerr.SaneValue(d) { // trailing zeros aside: ToMinor reads the value
		return 0, b2bkit.Invalid(field, "%s", featInsane) // ToMinor would print it, however long
	}
	u, err := b2bkit.ToMinor(d, p.cfg.scale)
	return u, b2bkit.InField(field, err)
}

// addOrder adds o, placed at placed Unix seconds.
func (p *featProjection) addOrder(i int, o *b2bkit.Order, placed int64) error {
	if o.PlacedAt.IsZero() {
		return featBad("orders", i, b2bkit.Invalid("placed_at", "must be set"))
	}
	if o.Seller == "" {
		return featBad("orders", i, b2bkit.Invalid("seller", "must be set"))
	}
	if !p.sameCurrency(o.Currency) {
		if err := p.setCurrency(o.Currency); err != nil {
			return featBad("orders", i, err)
		}
	}
	off := p.monthNear(placed, &p.near.placed)
	if (off < 0 || off >= featWindow) && !p.exposure {
		// Older orders count for tenure only: their lines are checked, their value and terms
		// are not read.
		if err := featCheckLines(o); err != nil {
			return featBad("orders", i, err)
		}
		p.addPlaced(o.PlacedAt, placed)
		return nil
	}
	var units int64
	ok := false
	if n := len(o.Lines); n > 0 && n <= b2bkit.MaxLines {
		units, ok = featTotalMinor(o, p.cfg.scale) // the common case, in int64
	}
	if !ok {
		var err error
		if units, err = featOrderUnitsSlow(o, p.cfg.scale); err != nil {
			return featBad("orders", i, err)
		}
	}
	p.addPlaced(o.PlacedAt, placed)
	if p.exposure {
		p.orderRefs = append(p.orderRefs, featOrderRef{id: o.ID, units: units})
	}
	if off < 0 || off >= featWindow {
		return nil // older orders count for tenure only: their terms are not read
	}
	cu, plain := featCreditUnits(&o.Terms, &p.leads)
	if !plain {
		for k, in := range o.Terms.Payment.Installments {
			if !xerr.SaneValue(in.Share) {
				return featBad("orders", i, b2bkit.Invalid(fmt.Sprintf("terms.payment.installments[%d].share", k), "%s", featInsane))
			}
		}
		if err := o.Terms.Validate(); err != nil {
			return featBad("orders", i, b2bkit.InField("terms", err))
		}
	}
	if p.total12, ok = checked.Add(p.total12, units); !ok {
		return featBad("orders", i, b2bkit.Invalid("", "order values overflow int64 minor units at scale %d", p.cfg.scale))
	}
	p.months[off] += units                 // each month is at most total12
	featAddID(&p.sellers, o.Seller, units) // each seller's sum is at most total12
	if plain {
		p.addCredit(cu, units)
		return nil
	}
	p.creditDec = p.creditDec.Add(b2bkit.FromMinor(units, p.cfg.scale).Mul(o.Terms.CreditDays()))
	return nil
}

// addPlaced counts an order placed at t, of Unix seconds s, for the tenure. Orders mostly come in
// date order: one of a later second than the first order's is not before it, unless the first
// has a monotonic reading (which Before would compare when t has one too).
func (p *featProjection) addPlaced(t time.Time, s int64) {
	if p.orders == 0 || s <= p.firstSec || p.firstMono { // small enough to inline: a call less per order
		p.placedEarly(t, s)
	}
	p.orders++
}

// placedEarly is addPlaced for the first order and for one that may be before it.
func (p *featProjection) placedEarly(t time.Time, s int64) {
	if p.orders == 0 || t.Before(p.first) {
		p.setFirst(t, s)
	}
}

// setFirst makes t, of Unix seconds s, the first order's time.
func (p *featProjection) setFirst(t time.Time, s int64) {
	p.first, p.firstSec, p.firstMono = t, s, t != t.Round(0)
}

// featOrderUnitsSlow is an order's value, Order.Total rounded HalfUp to scale, in minor units, for
// an order featTotalMinor could not value in int64 (addOrder tries it first): one without lines or
// with too many is refused, and the others are checked line by line and added in decimals.
func featOrderUnitsSlow(o *b2bkit.Order, scale int32) (int64, error) {
	if len(o.Lines) == 0 {
		return 0, b2bkit.Invalid("lines", "must have at least one line")
	}
	if len(o.Lines) > b2bkit.MaxLines {
		return 0, b2bkit.Invalid("lines", "must have at most %d lines", b2bkit.MaxLines)
	}
	if err := featCheckLines(o); err != nil {
		return 0, err
	}
	u, err := b2bkit.ToMinor(b2bkit.Round(orderTotal(o), scale, b2bkit.HalfUp), scale)
	if err != nil {
		return 0, b2bkit.InField("total", err)
	}
	return u, nil
}

// orderTotal is o.Total() of lines checked as featCheckLines checks them, each figure read as the
// value it is (xerr.Canonical): a free line's 0 may be written 0 x 10^1073741824, which validation
// lets through as 0 and which, added as written, would be written out to a billion digits.
func orderTotal(o *b2bkit.Order) decimal.Decimal {
	sum := decimal.Zero
	for k := range o.Lines {
		l := &o.Lines[k]
		sum = sum.Add(xerr.Canonical(l.Quantity).Mul(xerr.Canonical(l.UnitPrice)))
	}
	return sum
}

// featTotalMinor is o.TotalMinor(scale), the same figures with the same answer (ok included),
// read through a pointer (an order is a few hundred bytes, and TotalMinor takes it by value) and in
// one pass over the lines: the sum is kept at the finest exponent so far, the scale's or a line's,
// and moved to a finer one when a line has it. The terms are not negative, so every figure on the
// way is at most the final sum at the finest exponent: one overflows exactly when TotalMinor's
// would. Exponents are added in int64, which spares a wrapped int32 the index of a power of ten.
func featTotalMinor(o *b2bkit.Order, scale int32) (units int64, ok bool) {
	if scale < 0 || scale > b2bkit.MaxScale {
		return 0, false
	}
	exp := int64(-scale) // the exponent of sum: the finest so far
	top := exp           // the coarsest exponent of a line, or exp
	var sum int64
	for k := range o.Lines {
		l := &o.Lines[k]
		// fastdec.Int18, written out: a call less per number.
		if l.Quantity.NumDigits() > 18 || l.UnitPrice.NumDigits() > 18 {
			return 0, false
		}
		q, p := l.Quantity.CoefficientInt64(), l.UnitPrice.CoefficientInt64()
		if q <= 0 || p < 0 {
			return 0, false
		}
		a := q * p
		if q >= 1<<31 || p >= 1<<31 { // below both, the product fits
			if a, ok = checked.Mul(q, p); !ok {
				return 0, false
			}
		}
		switch e := int64(l.Quantity.Exponent()) + int64(l.UnitPrice.Exponent()); {
		case e < exp:
			if e < -b2bkit.MaxScale {
				return 0, false
			}
			// exp <= 0 and e >= -MaxScale: a power of ten of at most MaxScale.
			if sum, ok = featMulNonNeg(sum, int64(fastdec.Pow10(int(exp-e)))); !ok {
				return 0, false
			}
			exp = e
		case e > exp:
			if e-exp > b2bkit.MaxScale {
				return 0, false // and more so at a finer exponent
			}
			if a, ok = featMulNonNeg(a, int64(fastdec.Pow10(int(e-exp)))); !ok {
				return 0, false
			}
			top = max(top, e)
		}
		if sum, ok = checked.Add(sum, a); !ok {
			return 0, false
		}
	}
	if top-exp > b2bkit.MaxScale {
		return 0, false // a line's shift to the finest exponent, as TotalMinor checks it
	}
	if exp == int64(-scale) {
		return sum, true // at the scale already: nothing to round (and no division)
	}
	div := int64(fastdec.Pow10(int(int64(-scale) - exp)))
	q, r := sum/div, sum%div
	if r >= div-r {
		q++ // half up; the sum is not negative
	}
	return q, true
}

// featMulNonNeg is checked.Mul(a, b) for a, b >= 0, small enough to inline.
func featMulNonNeg(a, b int64) (int64, bool) {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	return int64(lo), hi == 0 && lo <= math.MaxInt64
}

// featCheckLines checks what the features rely on in an order's lines: at least one and at most
// b2bkit.MaxLines, quantities > 0, prices >= 0, and exponents that decimal sums can rescale to.
func featCheckLines(o *b2bkit.Order) error {
	if len(o.Lines) == 0 {
		return b2bkit.Invalid("lines", "must have at least one line")
	}
	if len(o.Lines) > b2bkit.MaxLines {
		return b2bkit.Invalid("lines", "must have at most %d lines", b2bkit.MaxLines)
	}
	for k := range o.Lines {
		l := &o.Lines[k] // not a copy of the line
		if l.Quantity.Sign() <= 0 {
			return b2bkit.Invalid(fmt.Sprintf("lines[%d].quantity", k), "must be > 0")
		}
		if l.UnitPrice.Sign() < 0 {
			return b2bkit.Invalid(fmt.Sprintf("lines[%d].unit_price", k), "must be >= 0")
		}
		// Decimal sums rescale to the finest exponent: an absurd one would allocate without bound.
		if !xerr.SaneValue(l.Quantity) {
			return b2bkit.Invalid(fmt.Sprintf("lines[%d].quantity", k), "%s", featInsane)
		}
		if !xerr.SaneValue(l.UnitPrice) {
			return b2bkit.Invalid(fmt.Sprintf("lines[%d].unit_price", k), "%s", featInsane)
		}
	}
	return nil
}

// featInsane is what is wrong with a number xerr.SaneExponent rejects (xerr.InsaneExponent),
// featInsaneWallet with one featSane rejects.
const (
	featInsane       = xerr.InsaneExponent
	featInsaneWallet = "must have at most 18 decimal places and be below 10^18"
)

// featSane reports whether d is a number a host may mean: a sane exponent and a coefficient of at
// most 18 digits, with at most 18 places and below 10^18 in all.
func featSane(d decimal.Decimal) bool {
	d = xerr.Canonical(d) // the value, trailing zeros aside
	c, ok := fastdec.Int18(d)
	return ok && xerr.SaneExponent(d) && (c == 0 || d.NumDigits()+int(d.Exponent()) <= 18)
}

// featCreditUnits is t.CreditDays() in units of 10^-featShareScale, and ok=true, when the terms are
// plainly valid (what Terms.Validate accepts, with shares of at most featShareScale places) and
// nothing overflows. Otherwise ok is false: Terms.Validate says what is wrong, or CreditDays works
// in decimals. Lead days are counted on leads, which remembers the zone period of the last order
// (LeadDays looks the zone up twice per order).
func featCreditUnits(t *b2bkit.Terms, leads *dayClock) (int64, bool) {
	if t.OrderedAt.IsZero() || t.DeliverBy.IsZero() || t.DeliverBy.Before(t.OrderedAt) {
		return 0, false
	}
	ins := t.Payment.Installments
	if len(ins) == 0 || len(ins) > b2bkit.MaxInstallments {
		return 0, false
	}
	// The lead in calendar days is needed for installments due on order, and to know it is at most
	// MaxTermDays, which a lead of under MaxTermDays-2 days of 86,400 whole seconds (DST aside)
	// plainly is.
	lead := -1
	if t.DeliverBy.Unix()-t.OrderedAt.Unix() >= (b2bkit.MaxTermDays-2)*86400 {
		if lead = leads.between(t.OrderedAt, t.DeliverBy); lead > b2bkit.MaxTermDays {
			return 0, false
		}
	}
	var sum, shares int64
	for k := range ins {
		in := &ins[k]
		c, ok := in.Share.CoefficientInt64(), in.Share.NumDigits() < 19 // fastdec.Int64, 19 digits aside
		if !ok {
			c, ok = fastdec.Int64(in.Share)
		}
		shift := featShareScale + in.Share.Exponent()
		if !ok || c <= 0 || shift < 0 || shift > 18 || in.Days < 0 || in.Days > b2bkit.MaxTermDays {
			return 0, false
		}
		days := in.Days
		switch in.Due {
		case b2bkit.OnOrder:
			if lead < 0 {
				lead = leads.between(t.OrderedAt, t.DeliverBy)
			}
			days -= lead
		case b2bkit.OnDelivery:
		default:
			return 0, false
		}
		// c > 0: below 2^31 and scaled by at most 10^9 it fits, and needs no checked multiplication.
		u := c * int64(fastdec.Pow10(shift))
		if c >= 1<<31 || shift > 9 {
			if u, ok = featMulNonNeg(c, int64(fastdec.Pow10(shift))); !ok {
				return 0, false
			}
		}
		if u > int64(fastdec.Pow10(featShareScale)) {
			return 0, false
		}
		shares += u            // at most MaxInstallments shares of at most 10^12: no overflow
		sum += u * int64(days) // |u x days| <= 10^12 x 3660 and at most 120 of them: no overflow
	}
	return sum, shares == int64(fastdec.Pow10(featShareScale))
}

// addInvoice adds inv, issued at issued Unix seconds.
func (p *featProjection) addInvoice(i int, inv *b2bkit.Invoice, issued int64) error {
	if inv.Number == "" {
		return featBad("invoices", i, b2bkit.Invalid("number", "must be set"))
	}
	if inv.IssuedAt.IsZero() {
		return featBad("invoices", i, b2bkit.Invalid("issued_at", "must be set"))
	}
	if inv.DueAt.IsZero() {
		return featBad("invoices", i, b2bkit.Invalid("due_at", "must be set"))
	}
	if inv.DueAt.Before(inv.IssuedAt) {
		return featBad("invoices", i, b2bkit.Invalid("due_at", "must not be before issued_at"))
	}
	if !p.sameCurrency(inv.Currency) {
		if err := p.setCurrency(inv.Currency); err != nil {
			return featBad("invoices", i, err)
		}
	}
	// p.scaled's common case written out, a call less per invoice; p.units reads the rest.
	a := &inv.Amount
	units, ok := a.CoefficientInt64(), a.Exponent() == -p.cfg.scale && a.NumDigits() < 19
	if !ok || units == 0 { // the checks in full, in their order
		if inv.Amount.IsZero() {
			return featBad("invoices", i, b2bkit.Invalid("amount", "must not be zero"))
		}
		var err error
		if units, err = p.units("amount", inv.Amount); err != nil {
			return featBad("invoices", i, err)
		}
	}
	if i >= math.MaxInt32 {
		return featBad("invoices", i, b2bkit.Invalid("", "too many invoices"))
	}
	if units > 0 {
		p.invoiced, ok = checked.Add(p.invoiced, units)
	} else {
		p.credited, ok = checked.Add(p.credited, -units)
	}
	if !ok {
		return featBad("invoices", i, b2bkit.Invalid("amount", "invoice amounts overflow int64 minor units at scale %d", p.cfg.scale))
	}
	if issued >= p.bounds[0] { // issued in the window (it is not after asOf)
		if units > 0 {
			p.invoiced12 += units
		} else {
			p.credited12 -= units
		}
	}
	if p.invoices == nil {
		// A buyer has about as many invoices as orders: sized so, the slices rarely grow.
		n := min(max(16, p.orders), featSizeHint)
		p.invoices, p.numbers, p.billed = make([]featInvoice, 0, n), make([]b2bkit.InvoiceNumber, 0, n), make([][]b2bkit.OrderID, 0, n)
	}
	k := int32(len(p.invoices))
	if p.byNumber == nil && k > 0 && !featNumberLess(p.numbers[k-1], inv.Number) {
		// Out of order: from here on the numbers are indexed by hash.
		p.byNumber = make(map[b2bkit.InvoiceNumber]int32, max(2*len(p.numbers), min(p.orders, featSizeHint)))
		for j, n := range p.numbers {
			p.byNumber[n] = int32(j) // distinct, having come in order
		}
	}
	if p.byNumber != nil {
		// One hash: a number already there leaves the index as long as it was (and the history invalid).
		size := len(p.byNumber)
		p.byNumber[inv.Number] = k
		if len(p.byNumber) == size && p.dup == nil {
			j := slices.Index(p.numbers, inv.Number)
			p.dup = featBad("invoices", i, b2bkit.Invalid("number",
				"%s is already the number of an invoice of the buyer (record %d)", xerr.Echo(string(inv.Number)), p.record(j)))
		}
	}
	p.numbers = append(p.numbers, inv.Number)
	if p.records != nil || i != int(k) {
		if p.records == nil {
			p.records = make([]int32, k, cap(p.numbers))
			for j := range p.records {
				p.records[j] = int32(j)
			}
		}
		p.records = append(p.records, int32(i))
	}
	due := inv.DueAt.Unix()
	c := &p.days
	if due < c.start || due >= c.end { // the day in the configured location: dayAt written out
		c.lookup(inv.DueAt)
	}
	p.invoices = append(p.invoices, featInvoice{
		units: units, due: int8(p.monthNear(due, &p.near.due)),
		dueDay: featDayClamp(c.dayOf(due)), fullDay: featNever, lastDay: featNever,
	})
	p.billed = append(p.billed, inv.Orders)
	if units < 0 {
		if issued < c.start || issued >= c.end {
			c.lookup(inv.IssuedAt)
		}
		p.credits = append(p.credits, featCredit{inv: k, day: featDayClamp(c.dayOf(issued)), sec: issued})
	}
	return nil
}

// record is the position in the stream of invoices[j].
func (p *featProjection) record(j int) int32 {
	if p.records == nil {
		return int32(j)
	}
	return p.records[j]
}

// addPayment adds pay, paid at paid Unix seconds.
func (p *featProjection) addPayment(i int, pay *b2bkit.Payment, paid int64) error {
	k, ok := p.paid+1, true
	switch n := int32(len(p.numbers)); {
	case k < n && p.numbers[k] == pay.Invoice:
	case p.paid < n && p.numbers[p.paid] == pay.Invoice:
		k = p.paid
	default:
		k, ok = p.invoiceOf(pay.Invoice)
	}
	if !ok || p.invoices[k].units < 0 {
		return nil
	}
	p.paid = k
	if pay.PaidAt.IsZero() {
		return featBad("payments", i, b2bkit.Invalid("paid_at", "must be set"))
	}
	if !p.sameCurrency(pay.Currency) {
		if err := p.setCurrency(pay.Currency); err != nil {
			return featBad("payments", i, err)
		}
	}
	a := &pay.Amount // p.scaled's common case written out, as in addInvoice
	units, ok := a.CoefficientInt64(), a.Exponent() == -p.cfg.scale && a.NumDigits() < 19
	if !ok || units <= 0 { // the checks in full, in their order
		if pay.Amount.Sign() <= 0 {
			return featBad("payments", i, b2bkit.Invalid("amount", "must be > 0"))
		}
		var err error
		if units, err = p.units("amount", pay.Amount); err != nil {
			return featBad("payments", i, err)
		}
	}
	c := &p.days
	if paid < c.start || paid >= c.end { // the day in the configured location: dayAt written out
		c.lookup(pay.PaidAt)
	}
	p.addPaid(k, featDayClamp(c.dayOf(paid)), units)
	return nil
}

// addPaid adds units paid on day to invoices[k]: a payment, or a credit note set against it.
func (p *featProjection) addPaid(k int32, day int32, units int64) {
	inv := &p.invoices[k]
	switch inv.pays {
	case 0: // the row holds it; lastDay is featNever, before any day
		inv.pays, inv.lastDay = 1, day
		inv.pay(day, units)
		return
	case 1:
		// Paid a second time: the first payment goes to the list from the row, where paid, the
		// sum of one amount, is that amount.
		p.payments = append(p.payments, featPayment{inv: k, day: inv.lastDay, units: inv.paid},
			featPayment{inv: k, day: day, units: units})
		inv.pays = featListed
	default:
		p.payments = append(p.payments, featPayment{inv: k, day: day, units: units})
	}
	if day < inv.lastDay {
		p.disordered = true
	}
	inv.lastDay = max(inv.lastDay, day)
	inv.pay(day, units)
}

// settleCredits sets each credit note, on the day it was issued, against what is still owed (by
// asOf) on the invoices, as a payment of that day: first on the invoices that bill an order it
// bills, then on the others, each time the oldest due first (by due day, then as read). The credit
// notes are taken in the order they were issued. Whatever no invoice owes is left over.
func (p *featProjection) settleCredits() {
	if len(p.credits) == 0 {
		return
	}
	slices.SortStableFunc(p.credits, func(a, b featCredit) int { return cmp.Compare(a.sec, b.sec) })
	owing := make([]int32, 0, len(p.invoices))
	for k := range p.invoices {
		if inv := &p.invoices[k]; inv.units > 0 && inv.paid < inv.units {
			owing = append(owing, int32(k))
		}
	}
	slices.SortStableFunc(owing, func(a, b int32) int { return cmp.Compare(p.invoices[a].dueDay, p.invoices[b].dueDay) })
	byOrder := make(map[b2bkit.OrderID][]int32)
	for _, k := range owing {
		for _, id := range p.billed[k] {
			byOrder[id] = append(byOrder[id], k)
		}
	}
	// take sets up to left against invoices[k] on day and returns what is left.
	take := func(k int32, day int32, left int64) int64 {
		inv := &p.invoices[k]
		if owed := inv.units - inv.paid; owed > 0 && left > 0 { // paid >= 0: no overflow
			n := min(owed, left)
			p.addPaid(k, day, n)
			return left - n
		}
		return left
	}
	settled := 0 // owing[:settled] owe nothing more
	for _, c := range p.credits {
		left := -p.invoices[c.inv].units // > 0: the credited total fits
		for _, id := range p.billed[c.inv] {
			for _, k := range byOrder[id] {
				left = take(k, c.day, left)
			}
		}
		for left > 0 && settled < len(owing) {
			if left = take(owing[settled], c.day, left); left > 0 {
				settled++ // it took all it owed
			}
		}
	}
}

// featNumberLess orders invoice numbers shorter first, then byte by byte: the order of numbers a host
// gives out in sequence, padded ("INV-0099", "INV-0100") or not ("I99", "I100").
func featNumberLess(a, b b2bkit.InvoiceNumber) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	// The next number of a sequence mostly differs in its last byte only: two loads and an equal
	// prefix settle it, without a comparison byte by byte.
	if n := len(a); n > 0 && a[n-1] < b[n-1] && a[:n-1] == b[:n-1] {
		return true
	}
	return a < b
}

// featNumberCmp is featNumberLess as a three-way comparison.
func featNumberCmp(a, b b2bkit.InvoiceNumber) int {
	if len(a) != len(b) {
		return cmp.Compare(len(a), len(b))
	}
	return strings.Compare(string(a), string(b))
}

// invoiceOf is the position in invoices of the invoice numbered n, and whether there is one: by
// hash once the numbers came out of order, else by halving the numbers, which are in order.
func (p *featProjection) invoiceOf(n b2bkit.InvoiceNumber) (int32, bool) {
	if p.byNumber != nil {
		k, ok := p.byNumber[n]
		return k, ok
	}
	k, ok := slices.BinarySearchFunc(p.numbers, n, featNumberCmp)
	return int32(k), ok
}

// pay adds a payment of units on day to what was paid; payments must come in day order.
func (inv *featInvoice) pay(day int32, units int64) {
	s, ok := checked.Add(inv.paid, units)
	if !ok {
		s = math.MaxInt64 // more than any invoice: paid in full
	}
	inv.paid = s
	if inv.fullDay == featNever && inv.paid >= inv.units {
		inv.fullDay = day
	}
}

// settle works out again, for each invoice, what was paid by asOf and the day the payments covered
// it, when payments did not come in day order for each invoice (a host streaming them by invoice
// or by id): they are grouped by invoice with a counting sort and ordered by day within each group.
// Only an invoice paid more than once can have its payments out of order: those are the invoices
// with payments in the list, and the only ones worked out again.
func (p *featProjection) settle() {
	if !p.disordered {
		return // addPayment worked it out as they came
	}
	for k := range p.invoices {
		if p.invoices[k].pays == featListed {
			p.invoices[k].paid, p.invoices[k].fullDay = 0, featNever
		}
	}
	start := make([]int32, len(p.invoices)+1)
	for _, pay := range p.payments {
		start[pay.inv+1]++
	}
	for k := 1; k < len(start); k++ {
		start[k] += start[k-1]
	}
	sorted := make([]featPayment, len(p.payments))
	next := make([]int32, len(p.invoices))
	copy(next, start)
	for _, pay := range p.payments {
		sorted[next[pay.inv]] = pay
		next[pay.inv]++
	}
	for k := range p.invoices {
		group := sorted[start[k]:start[k+1]]
		for a := 1; a < len(group); a++ { // insertion sort: groups are small and mostly in order
			for b := a; b > 0 && group[b].day < group[b-1].day; b-- {
				group[b], group[b-1] = group[b-1], group[b]
			}
		}
		for _, pay := range group {
			p.invoices[k].pay(pay.day, pay.units)
		}
	}
}

// featKeyPersonLost counts the key people (people with a buying role) who left company in the
// KeyPersonDays days up to asOf: 1 if any did, 0 if none; has is false without People.
func featKeyPersonLost(ctx context.Context, company b2bkit.CompanyID, people JobChanges, asOf time.Time, cfg featConfig) (lost int, has bool, err error) {
	if people == nil {
		return 0, false, nil
	}
	if err := ctx.Err(); err != nil {
		return 0, false, fmt.Errorf("risk: %w", err)
	}
	since := b2bkit.AddDays(asOf.In(cfg.loc), -cfg.keyDays)
	for jc, err := range people.JobChanges(ctx, since) {
		if err != nil {
			return 0, false, fmt.Errorf("risk: history.people: %w", err)
		}
		if jc.At.After(asOf) {
			break // oldest first: the rest is later still
		}
		if jc.From == company && len(jc.LostRoles) > 0 && !jc.At.Before(since) {
			lost = 1
		}
	}
	return lost, true, nil
}

// tenure is the whole calendar months from the first order to asOf.
func (p *featProjection) tenure() int {
	fy, fm, fd := p.first.In(p.cfg.loc).Date()
	ay, am, ad := p.asOf.In(p.cfg.loc).Date()
	n := (ay-fy)*12 + int(am) - int(fm)
	if ad < fd {
		n--
	}
	return max(n, 0)
}

// span is how many months of the window the history covers: the months from the one of the first
// order to the month up to asOf, featWindow when the first order is before the window, 0 without
// orders. A window of n months is covered when span >= n.
func (p *featProjection) span() int {
	if p.orders == 0 {
		return 0
	}
	return featWindow - max(p.month(p.first), 0) // the first order is not after asOf
}

// money is units minor units at the history's scale.
func (p *featProjection) money(units int64) decimal.Decimal {
	return b2bkit.FromMinor(units, p.cfg.scale)
}

// featRatio is num/den rounded HalfUp to RatioScale.
func featRatio(num, den decimal.Decimal) decimal.Decimal {
	return b2bkit.Round(num.DivRound(den, RatioScale), RatioScale, b2bkit.HalfUp)
}

// featIntRatio is num/den, both int64, rounded HalfUp to RatioScale.
func featIntRatio(num, den int64) decimal.Decimal {
	return featQuo(num, 1, den, RatioScale)
}

// featQuo is num x mul / den rounded HalfUp to places decimal places, exactly, for num >= 0,
// mul > 0 and den > 0: in 128-bit integer arithmetic when the quotient fits an int64, else in
// decimals.
func featQuo(num int64, mul uint64, den int64, places int32) decimal.Decimal {
	if num >= 0 && den > 0 {
		hi, lo := bits.Mul64(uint64(num), mul)
		// (hi, lo) x 10^places = hi x 10^places x 2^64 + lo x 10^places, in at most 128 bits.
		hi2, lo2 := bits.Mul64(lo, fastdec.Pow10(places))
		hi3, lo3 := bits.Mul64(hi, fastdec.Pow10(places))
		hi2, carry := bits.Add64(hi2, lo3, 0)
		if hi3 == 0 && carry == 0 && hi2 < uint64(den) {
			q, r := bits.Div64(hi2, lo2, uint64(den))
			if q < math.MaxInt64 { // room to round up (a q of 2^64-1 rounded up would wrap to 0)
				if r >= uint64(den)-r {
					q++
				}
				return decimal.New(int64(q), -places)
			}
		}
	}
	n := decimal.NewFromInt(num).Mul(decimal.NewFromUint64(mul))
	return b2bkit.Round(n.DivRound(decimal.NewFromInt(den), places), places, b2bkit.HalfUp)
}

// window is the order value of n consecutive months of the window (n+before <= featWindow), the
// last of them before months before the month up to asOf: window(3, 0) is the last 3 months and
// window(9, 3) the 9 before them.
func (p *featProjection) window(n, before int) int64 {
	var s int64
	for _, v := range p.months[featWindow-before-n : featWindow-before] {
		s += v // the months add up to total12, which did not overflow
	}
	return s
}

// features turns the projection into a FeatureSet (KeyPersonLost aside).
func (p *featProjection) features() (FeatureSet, error) {
	fs := FeatureSet{Company: p.company, AsOf: p.asOf, Currency: p.currency, Scale: p.cfg.scale}
	v := &fs.Values
	missing := Value{Missing: true}
	num := NumberValue
	whole := func(n int64) Value { return NumberValue(decimal.NewFromInt(n)) }

	// Volume, tenure and trend.
	span := p.span()
	if p.orders > 0 {
		v.Set(TenureMonths, whole(int64(p.tenure())))
	} else {
		v.Set(TenureMonths, missing)
	}
	covered := func(n int) bool { return span >= n }
	for _, w := range []struct {
		f Feature
		n int
	}{{AvgMonthlyValue3, 3}, {AvgMonthlyValue6, 6}, {AvgMonthlyValue12, 12}} {
		if !covered(w.n) {
			v.Set(w.f, missing)
			continue
		}
		// window/n units rounded HalfUp at scale places (the window is not negative).
		sum, n := p.window(w.n, 0), int64(w.n)
		avg := sum / n
		if r := sum % n; r >= n-r {
			avg++
		}
		v.Set(w.f, num(p.money(avg)))
	}
	if base := p.window(9, 3); covered(12) && base > 0 {
		v.Set(Trend, num(featQuo(p.window(3, 0), 3, base, RatioScale)))
	} else {
		v.Set(Trend, missing)
	}
	v.Set(Volatility, p.volatility(span))

	p.punctuality(v)

	// Disputes.
	if p.invoiced12 > 0 {
		v.Set(DisputeRate, num(featIntRatio(p.credited12, p.invoiced12)))
	} else {
		v.Set(DisputeRate, missing)
	}

	// Sellers.
	if p.orders == 0 {
		v.Set(Sellers, missing)
		v.Set(SellerConcentration, missing)
	} else {
		v.Set(Sellers, whole(int64(len(p.sellers.keys))))
		if p.total12 > 0 {
			v.Set(SellerConcentration, num(featConcentration(p.sellers.sums, p.total12)))
		} else {
			v.Set(SellerConcentration, missing)
		}
	}

	// Penetration.
	v.Set(Penetration, missing)
	v.Set(PenetrationPrior, missing)
	if p.walletFound {
		if covered(3) {
			v.Set(Penetration, num(p.penetration(p.window(3, 0))))
		}
		if covered(6) {
			v.Set(PenetrationPrior, num(p.penetration(p.window(3, 3))))
		}
	}

	// Usual credit days.
	if p.total12 > 0 {
		v.Set(UsualCreditDays, num(p.usualCreditDays()))
	} else {
		v.Set(UsualCreditDays, missing)
	}
	return fs, nil
}

// penetration is units minor units over 3 x the wallet, rounded HalfUp to RatioScale: in 128-bit
// integers when the wallet's coefficient and the power of ten between the two exponents fit, else
// in decimals.
func (p *featProjection) penetration(units int64) decimal.Decimal {
	// units x 10^-scale / (3 x c x 10^e) to RatioScale places: q = units x 10^k / (3 x c), with
	// k = RatioScale - scale - e, the power of ten on the side where it is positive.
	if c, ok := fastdec.Int64(p.wallet); ok && c > 0 && c < 1e18 && units >= 0 {
		k := RatioScale - p.cfg.scale - p.wallet.Exponent()
		den, hi, lo := uint64(3*c), uint64(0), uint64(units)
		switch {
		case k >= 0 && k <= 19:
			hi, lo = bits.Mul64(lo, fastdec.Pow10(k))
		case k < 0 && k >= -19:
			var dh uint64
			if dh, den = bits.Mul64(den, fastdec.Pow10(-k)); dh != 0 {
				den = 0 // beyond a uint64: in decimals
			}
		default:
			den = 0
		}
		if den != 0 && hi < den {
			q, r := bits.Div64(hi, lo, den)
			if q < math.MaxInt64 { // room to round up
				if r >= den-r {
					q++
				}
				return decimal.New(int64(q), -RatioScale)
			}
		}
	}
	return featRatio(p.money(units), p.wallet.Mul(decimal.NewFromInt(3)))
}

// featConcentration is the Herfindahl index of sums, the sum of their squares over the square of
// total, their sum (> 0), rounded HalfUp to RatioScale: in 64 and 128-bit integers when total is
// below 2^32, so that its square fits a uint64, in 128-bit integers below 2^62, else in big ones.
func featConcentration(sums []int64, total int64) decimal.Decimal {
	if total > 0 && total < 1<<32 {
		den := uint64(total) * uint64(total)
		var sq uint64
		for _, u := range sums {
			sq += uint64(u) * uint64(u) // parts of total, so at most total^2 in all
		}
		// sq <= den: the quotient sq x 10^RatioScale / den is at most 10^RatioScale.
		hi, lo := bits.Mul64(sq, fastdec.Pow10(RatioScale))
		q, r := bits.Div64(hi, lo, den)
		if r >= den-r {
			q++
		}
		return decimal.New(int64(q), -RatioScale)
	}
	if total > 0 && total < 1<<62 {
		return featConcentration128(sums, total)
	}
	return featConcentrationBig(sums, total)
}

// featConcentration128 is featConcentration for 0 < total < 2^62 in 128-bit integers: total^2 is
// below 2^124, and so is the sum of the squares (the sums add up to total). The quotient is worked
// out a decimal digit at a time, as by hand: the remainder, below total^2, times ten fits.
func featConcentration128(sums []int64, total int64) decimal.Decimal {
	dh, dl := bits.Mul64(uint64(total), uint64(total))
	var rh, rl uint64 // the sum of the squares, then the remainder
	for _, u := range sums {
		h, l := bits.Mul64(uint64(u), uint64(u))
		var c uint64
		rl, c = bits.Add64(rl, l, 0)
		rh += h + c
	}
	var q uint64
	for range RatioScale {
		h, l := bits.Mul64(rl, 10)
		rh, rl = rh*10+h, l
		d := uint64(0)
		for rh > dh || rh == dh && rl >= dl { // at most ten times: the remainder was below total^2
			var b uint64
			rl, b = bits.Sub64(rl, dl, 0)
			rh -= dh + b
			d++
		}
		q = q*10 + d
	}
	if h, l := rh<<1|rl>>63, rl<<1; h > dh || h == dh && l >= dl { // r >= den - r: half up
		q++
	}
	return decimal.New(int64(q), -RatioScale)
}

// featConcentrationBig is featConcentration in big integers, their storage reused (decimals would
// make a number per operation).
func featConcentrationBig(sums []int64, total int64) decimal.Decimal {
	var sq, x, den big.Int
	for _, u := range sums {
		x.SetInt64(u)
		sq.Add(&sq, x.Mul(&x, &x))
	}
	x.SetInt64(total)
	den.Mul(&x, &x)
	sq.Mul(&sq, x.SetUint64(fastdec.Pow10(RatioScale)))
	q, r := sq.QuoRem(&sq, &den, &x) // q <= 10^RatioScale
	if r.Lsh(r, 1).Cmp(&den) >= 0 {  // r >= den - r
		q.Add(q, big.NewInt(1))
	}
	return decimal.New(q.Int64(), -RatioScale)
}

// usualCreditDays is the order-value-weighted credit days of the last 12 months' orders (total12 >
// 0), rounded HalfUp to RatioScale: in 128-bit integers when every order's terms fit
// featCreditUnits, their sum is not negative and total12 x 10^8 fits a uint64; else in decimals.
func (p *featProjection) usualCreditDays() decimal.Decimal {
	// days = sum(cu x u) / (10^featShareScale x total12), to RatioScale places:
	// q = sum(cu x u) / (10^(featShareScale-RatioScale) x total12). Each |cu| is at most 10^12 x
	// MaxTermDays < 2^52, and the u add up to total12 < 2^63, so a sum that is not negative (the
	// top bit clear) is below 2^115 and at most the sum of its positive terms: q, at most
	// MaxTermDays x 10^RatioScale, fits, and hi < den, as Div64 needs.
	const shift = featShareScale - RatioScale
	if p.creditDec.IsZero() && p.creditHi>>63 == 0 && uint64(p.total12) <= math.MaxUint64/fastdec.Pow10(shift) {
		den := uint64(p.total12) * fastdec.Pow10(shift)
		if hi, lo := p.creditHi, p.creditLo; hi < den {
			q, r := bits.Div64(hi, lo, den)
			if r >= den-r {
				q++
			}
			return decimal.New(int64(q), -RatioScale)
		}
	}
	return featRatio(p.creditDec.Add(p.creditSum()), p.money(p.total12))
}

func featOverflow(field string, scale int32) error {
	return fmt.Errorf("risk: %w", b2bkit.Invalid(field, "amounts overflow int64 minor units at scale %d", scale))
}

// volatility is the coefficient of variation of the monthly order values over the last n months,
// or missing below 3 months or with a zero mean.
func (p *featProjection) volatility(n int) Value {
	if n < 3 {
		return Value{Missing: true}
	}
	months := p.months[featWindow-n:]
	var mean float64
	for _, u := range months {
		mean += float64(u)
	}
	mean /= float64(n)
	if mean == 0 {
		return Value{Missing: true}
	}
	var ss float64
	for _, u := range months {
		d := float64(u) - mean
		ss += d * d
	}
	cv := math.Sqrt(ss/float64(n)) / mean
	return NumberValue(b2bkit.Round(decimal.NewFromFloat(cv), RatioScale, b2bkit.HalfUp))
}

// featLate sums the days late of invoices, weighted by their amounts.
type featLate struct {
	seen   bool
	amount int64           // amounts of the invoices
	units  int64           // days x amount, while it fits
	dec    decimal.Decimal // days x amount beyond that
}

// add adds an invoice of units minor units paid days late. It reports false when units x days
// does not fit the int64 sum, for the caller to add it with addDec: without a call in it, add is
// small enough to inline.
func (l *featLate) add(units int64, days int) bool {
	l.seen = true
	l.amount += units // at most the sum of the positive invoices, which fits
	// An invoice's units > 0 and days late >= 0: the product and the sum are checked here.
	hi, lo := bits.Mul64(uint64(units), uint64(days))
	if s := l.units + int64(lo); hi == 0 && lo <= math.MaxInt64 && s >= l.units {
		l.units = s
		return true
	}
	return false
}

// addDec adds units x days beyond what the int64 sum holds.
func (l *featLate) addDec(units int64, days int) {
	l.dec = l.dec.Add(decimal.NewFromInt(units).Mul(decimal.NewFromInt(int64(days))))
}

// value is the amount-weighted average days late, or missing.
func (l *featLate) value() Value {
	if !l.seen || l.amount == 0 {
		return Value{Missing: true}
	}
	if l.dec.IsZero() {
		return NumberValue(featQuo(l.units, 1, l.amount, RatioScale))
	}
	return NumberValue(featRatio(l.dec.Add(decimal.NewFromInt(l.units)), decimal.NewFromInt(l.amount)))
}

// punctuality sets the on-time rate, days past due, the overdue buckets and days late. Every sum
// here is of parts of the positive invoices' amounts, whose total addInvoice checked fits an int64.
func (p *featProjection) punctuality(v *Values) {
	missing := Value{Missing: true}
	var (
		anyInvoice       bool
		dueUnits, onTime int64
		dpd, worst       int
		worstSeen        bool
		buckets          [5]int64
		late3, late9     featLate
	)
	for k := range p.invoices {
		inv := &p.invoices[k] // not a copy of the row
		if inv.units <= 0 {
			continue
		}
		anyInvoice = true
		if rem := inv.units - inv.paid; rem > 0 { // paid >= 0 and units > 0: no overflow
			days := max(0, int(p.asOfDay)-int(inv.dueDay))
			dpd = max(dpd, days)
			switch {
			case days == 0:
				buckets[0] += rem
			case days < 30:
				buckets[1] += rem
			case days < 60:
				buckets[2] += rem
			case days < 90:
				buckets[3] += rem
			default:
				buckets[4] += rem
			}
		}
		if inv.dueDay >= p.asOfDay {
			continue // not judged yet
		}
		dueUnits += inv.units
		if inv.fullDay != featNever && inv.fullDay <= inv.dueDay {
			onTime += inv.units
		}
		end := p.asOfDay
		if inv.fullDay != featNever {
			end = inv.fullDay
		}
		late := max(0, int(end)-int(inv.dueDay))
		switch month := int(inv.due); {
		case month >= featWindow-3:
			if !late3.add(inv.units, late) {
				late3.addDec(inv.units, late)
			}
			worst, worstSeen = max(worst, late), true
		case month >= 0:
			if !late9.add(inv.units, late) {
				late9.addDec(inv.units, late)
			}
			worst, worstSeen = max(worst, late), true
		}
	}
	if dueUnits > 0 {
		v.Set(OnTimeRate, NumberValue(featIntRatio(onTime, dueUnits)))
	} else {
		v.Set(OnTimeRate, missing)
	}
	bucketFeatures := [5]Feature{OverdueCurrent, Overdue1to29, Overdue30to59, Overdue60to89, Overdue90Plus}
	if anyInvoice {
		v.Set(DaysPastDue, NumberValue(decimal.NewFromInt(int64(dpd))))
		for k, f := range bucketFeatures {
			v.Set(f, NumberValue(p.money(buckets[k])))
		}
	} else {
		v.Set(DaysPastDue, missing)
		for _, f := range bucketFeatures {
			v.Set(f, missing)
		}
	}
	if worstSeen {
		v.Set(WorstDaysPastDue12, NumberValue(decimal.NewFromInt(int64(worst))))
	} else {
		v.Set(WorstDaysPastDue12, missing)
	}
	v.Set(DaysLate3, late3.value())
	v.Set(DaysLatePrior9, late9.value())
}
