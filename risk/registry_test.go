package risk_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/dectest"
	"github.com/b2bkit/b2bkit/risk"
)

var (
	regCtx = context.Background()
	regT0  = time.Date(2026, 3, 2, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
)

func regAt(hours int) time.Time { return regT0.Add(time.Duration(hours) * time.Hour) }

// regInvoice is a valid invoice of SELLER on DEBTOR, due 60 days after regT0.
func regInvoice(number, amount string) b2bkit.Invoice {
	return b2bkit.Invoice{
		Number: b2bkit.InvoiceNumber(number), Seller: "SELLER", Buyer: "DEBTOR", Orders: []b2bkit.OrderID{"PO-1"},
		Amount: dectest.Dec(amount), Currency: "CNY", IssuedAt: regT0, DueAt: regT0.AddDate(0, 0, 60),
	}
}

func regFP(t testing.TB, inv b2bkit.Invoice) risk.Fingerprint {
	t.Helper()
	fp, err := risk.FingerprintOf(inv)
	require.NoError(t, err)
	return fp
}

func regLedger() (*risk.Ledger, *risk.MemoryRegistry) {
	reg := risk.NewMemoryRegistry()
	return risk.NewLedger(reg, &risk.LedgerOptions{Now: func() time.Time { return regAt(1000) }}), reg
}

func regRequireInvalid(t testing.TB, err error, field string) {
	t.Helper()
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.ErrorContains(t, err, field)
	assert.True(t, strings.HasPrefix(err.Error(), "risk: "), "error %q starts with the package", err)
}

func TestR19_SameReceivableDespiteTyping(t *testing.T) {
	base := regFP(t, regInvoice("INV-2026-001", "1200.00"))
	for _, number := range []string{
		"INV-2026-001",
		"inv-2026-001",           // case
		"inv-２０２６－００１",           // full-width digits and hyphen
		"ＩＮＶ－２０２６－００１",           // all full-width
		"INV 2026 001",           // spaces
		"INV\u30002026\u3000001", // ideographic spaces
		"\tINV-2026-001\n",       // white space around
		"INV2026001",             // no dashes
		"INV\u20132026\u2014001", // en and em dash
		"INV\u22122026\u2010001", // minus sign and hyphen
		"INV-2026-\u200b001",     // zero-width space
		"INV-2026-\u00ad001",     // soft hyphen
	} {
		assert.Equal(t, base, regFP(t, regInvoice(number, "1200.00")), "%q", number)
	}
	for _, amount := range []string{"1200", "1200.0", "1200.000000", "1.2e3"} {
		assert.Equal(t, base, regFP(t, regInvoice("INV-2026-001", amount)), "amount %s", amount)
	}
}

func TestR19_NormalizeInvoiceNumber(t *testing.T) {
	tests := []struct{ in, want string }{
		{"INV-2026-001", "INV2026001"},
		{"inv-２０２６－００１", "INV2026001"},
		{"ｆｐ　１２３", "FP123"},
		{"No.0042 / b", "NO.0042/B"},
		{"发票 No. ４２", "发票NO.42"},
		{"ß-ǆ", "ßǄ"}, // simple upper-casing, one rune for one rune
		{"", ""},
		{"---", ""},
		{"A\xffB", "A\uFFFDB"},
	}
	for _, tt := range tests {
		got := risk.NormalizeInvoiceNumber(tt.in)
		assert.Equal(t, tt.want, got, "%q", tt.in)
		assert.Equal(t, got, risk.NormalizeInvoiceNumber(got), "%q: normalising twice", tt.in)
	}
}

func TestR19_DifferentFactsDifferentFingerprint(t *testing.T) {
	base := regInvoice("INV-2026-001", "1200.00")
	fp := regFP(t, base)
	differ := map[string]func(*b2bkit.Invoice){
		"number":                    func(i *b2bkit.Invoice) { i.Number = "INV-2026-002" },
		"amount":                    func(i *b2bkit.Invoice) { i.Amount = dectest.Dec("1200.01") },
		"due date":                  func(i *b2bkit.Invoice) { i.DueAt = i.DueAt.AddDate(0, 0, 1) },
		"seller":                    func(i *b2bkit.Invoice) { i.Seller = "OTHER" },
		"debtor":                    func(i *b2bkit.Invoice) { i.Buyer = "OTHER" },
		"currency":                  func(i *b2bkit.Invoice) { i.Currency = "USD" },
		"seller and debtor swapped": func(i *b2bkit.Invoice) { i.Seller, i.Buyer = i.Buyer, i.Seller },
		"fields shifted": func(i *b2bkit.Invoice) { // a length prefix keeps "SELLER"+"DEBTOR" from being "SELLERD"+"EBTOR"
			i.Seller, i.Buyer = "SELLERD", "EBTOR"
		},
	}
	same := map[string]func(*b2bkit.Invoice){
		"issue date":      func(i *b2bkit.Invoice) { i.IssuedAt = i.IssuedAt.AddDate(0, 0, 1) },
		"orders":          func(i *b2bkit.Invoice) { i.Orders = []b2bkit.OrderID{"PO-7", "PO-8"} },
		"due time of day": func(i *b2bkit.Invoice) { i.DueAt = i.DueAt.Add(14 * time.Hour) },
	}
	for name, change := range differ {
		inv := base
		change(&inv)
		assert.NotEqual(t, fp, regFP(t, inv), name)
	}
	for name, change := range same {
		inv := base
		change(&inv)
		assert.Equal(t, fp, regFP(t, inv), name)
	}
	// the due date is the calendar date in DueAt's own location: 07:30 on 1 May in Beijing is the
	// evening of 30 April in UTC, and 12:00 UTC on 1 May is 1 May in UTC
	local := base
	local.DueAt = time.Date(2026, 5, 1, 7, 30, 0, 0, regT0.Location())
	utc := local
	utc.DueAt = local.DueAt.UTC()
	assert.NotEqual(t, regFP(t, local), regFP(t, utc), "the same instant read on another date")
	noonUTC := local
	noonUTC.DueAt = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	assert.Equal(t, regFP(t, local), regFP(t, noonUTC), "another instant on the same date")
}

func TestR19_FingerprintOfRefusesWhatIsNoReceivable(t *testing.T) {
	tests := map[string]struct {
		change func(*b2bkit.Invoice)
		field  string
	}{
		"credit note":      {func(i *b2bkit.Invoice) { i.Amount = dectest.Dec("-100") }, "invoice.amount"},
		"zero amount":      {func(i *b2bkit.Invoice) { i.Amount = decimal.Zero }, "invoice.amount"},
		"no number":        {func(i *b2bkit.Invoice) { i.Number = "" }, "invoice.number"},
		"only dashes":      {func(i *b2bkit.Invoice) { i.Number = " －-— " }, "invoice.number"},
		"not UTF-8":        {func(i *b2bkit.Invoice) { i.Number = "INV\xff" }, "invoice.number"},
		"no debtor":        {func(i *b2bkit.Invoice) { i.Buyer = "" }, "invoice.buyer"},
		"due before issue": {func(i *b2bkit.Invoice) { i.DueAt = i.IssuedAt.AddDate(0, 0, -1) }, "invoice.due_at"},
		"bad currency":     {func(i *b2bkit.Invoice) { i.Currency = "rmb" }, "invoice.currency"},
	}
	for name, tt := range tests {
		inv := regInvoice("INV-1", "100")
		tt.change(&inv)
		fp, err := risk.FingerprintOf(inv)
		regRequireInvalid(t, err, tt.field)
		assert.True(t, fp.IsZero(), name)
		_, err = risk.NewLedger(risk.NewMemoryRegistry(), nil).Offer(regCtx, inv, "BANK-A", "seller", regT0)
		regRequireInvalid(t, err, tt.field)
	}
}

func TestR19_DoubleFinancingConflictNamesHolder(t *testing.T) {
	l, _ := regLedger()
	inv := regInvoice("INV-1", "1000")
	fp := regOfferConfirm(t, l, inv, "BANK-A")
	_, err := l.Finance(regCtx, fp, "BANK-A", dectest.Dec("800"), "officer-a", regAt(3))
	require.NoError(t, err)

	_, err = l.Finance(regCtx, fp, "BANK-B", dectest.Dec("800"), "officer-b", regAt(4))
	require.ErrorIs(t, err, b2bkit.ErrConflict)
	assert.EqualError(t, err, "risk: receivable "+fp.String()+": financed by lender BANK-A: conflict")

	// the same invoice typed again, offered to another lender
	again := inv
	again.Number = "inv－１"
	_, err = l.Offer(regCtx, again, "BANK-B", "seller", regAt(4))
	require.ErrorIs(t, err, b2bkit.ErrConflict)
	assert.ErrorContains(t, err, "financed by lender BANK-A")
}

func TestR19_RepaidIsNotFinancedAgain(t *testing.T) {
	l, reg := regLedger()
	inv := regInvoice("INV-1", "1000")
	fp := regOfferConfirm(t, l, inv, "BANK-A")
	_, err := l.Finance(regCtx, fp, "BANK-A", dectest.Dec("800"), "officer", regAt(3))
	require.NoError(t, err)
	_, err = l.Repay(regCtx, fp, "bank", regAt(4))
	require.NoError(t, err)
	for _, lender := range []b2bkit.CompanyID{"BANK-A", "BANK-B"} {
		_, err = l.Offer(regCtx, inv, lender, "seller", regAt(5))
		require.ErrorIs(t, err, b2bkit.ErrConflict)
		assert.ErrorContains(t, err, "financed by lender BANK-A and repaid")
		_, err = l.Finance(regCtx, fp, lender, dectest.Dec("800"), "officer", regAt(5))
		require.ErrorIs(t, err, b2bkit.ErrConflict)
	}
	r, err := reg.Get(regCtx, fp)
	require.NoError(t, err)
	assert.Equal(t, risk.StateRepaid, r.State)
	assert.Equal(t, int64(4), r.Version)
}

func regOfferConfirm(t testing.TB, l *risk.Ledger, inv b2bkit.Invoice, lender b2bkit.CompanyID) risk.Fingerprint {
	t.Helper()
	r, err := l.Offer(regCtx, inv, lender, "seller", regAt(1))
	require.NoError(t, err)
	_, err = l.Confirm(regCtx, r.Fingerprint, lender, "debtor", regAt(2))
	require.NoError(t, err)
	return r.Fingerprint
}

// regOps are the six operations, each for lender BANK-A where it names one.
var regOps = []struct {
	name string
	do   func(l *risk.Ledger, inv b2bkit.Invoice, fp risk.Fingerprint, at time.Time) error
}{
	{"offer", func(l *risk.Ledger, inv b2bkit.Invoice, _ risk.Fingerprint, at time.Time) error {
		_, err := l.Offer(regCtx, inv, "BANK-A", "seller", at)
		return err
	}},
	{"confirm", func(l *risk.Ledger, _ b2bkit.Invoice, fp risk.Fingerprint, at time.Time) error {
		_, err := l.Confirm(regCtx, fp, "BANK-A", "debtor", at)
		return err
	}},
	{"finance", func(l *risk.Ledger, _ b2bkit.Invoice, fp risk.Fingerprint, at time.Time) error {
		_, err := l.Finance(regCtx, fp, "BANK-A", dectest.Dec("500"), "officer", at)
		return err
	}},
	{"repay", func(l *risk.Ledger, _ b2bkit.Invoice, fp risk.Fingerprint, at time.Time) error {
		_, err := l.Repay(regCtx, fp, "bank", at)
		return err
	}},
	{"reject", func(l *risk.Ledger, _ b2bkit.Invoice, fp risk.Fingerprint, at time.Time) error {
		_, err := l.Reject(regCtx, fp, "officer", at)
		return err
	}},
	{"expire", func(l *risk.Ledger, _ b2bkit.Invoice, fp risk.Fingerprint, at time.Time) error {
		_, err := l.Expire(regCtx, fp, "expiry-job", at)
		return err
	}},
}

// The whole state machine: from every state, every operation is allowed (.), skips a state (I:
// ErrInvalid) or finds the receivable held or done (C: ErrConflict).
func TestR19_StateMachine(t *testing.T) {
	paths := map[risk.ReceivableState][]string{
		risk.StateOffered:   {"offer"},
		risk.StateConfirmed: {"offer", "confirm"},
		risk.StateFinanced:  {"offer", "confirm", "finance"},
		risk.StateRepaid:    {"offer", "confirm", "finance", "repay"},
		risk.StateRejected:  {"offer", "reject"},
		risk.StateExpired:   {"offer", "confirm", "expire"},
	}
	//                        offer confirm finance repay reject expire
	want := map[risk.ReceivableState]string{
		risk.StateOffered:   "C . I I . .",
		risk.StateConfirmed: "C C . I . .",
		risk.StateFinanced:  "C C C . C C",
		risk.StateRepaid:    "C C C C C C",
		risk.StateRejected:  ". C C C C C",
		risk.StateExpired:   ". C C C C C",
	}
	byName := map[string]int{}
	for i, op := range regOps {
		byName[op.name] = i
	}
	for from, path := range paths {
		for j, op := range regOps {
			l, reg := regLedger()
			inv := regInvoice("INV-1", "1000")
			fp := regFP(t, inv)
			for k, step := range path {
				require.NoError(t, regOps[byName[step]].do(l, inv, fp, regAt(k)), "%s: %s", from, step)
			}
			before, err := reg.Get(regCtx, fp)
			require.NoError(t, err)
			require.Equal(t, from, before.State)

			err = op.do(l, inv, fp, regAt(10))
			switch strings.Fields(want[from])[j] {
			case ".":
				require.NoError(t, err, "%s -> %s", from, op.name)
				after, err := reg.Get(regCtx, fp)
				require.NoError(t, err)
				assert.Equal(t, before.Version+1, after.Version)
				assert.Len(t, after.History, len(before.History)+1, "%s -> %s keeps the history", from, op.name)
				require.NoError(t, after.Validate())
			case "I":
				require.ErrorIs(t, err, b2bkit.ErrInvalid, "%s -> %s", from, op.name)
				assert.ErrorContains(t, err, "transition")
				assert.ErrorContains(t, err, from.String()+" -> ")
			case "C":
				require.ErrorIs(t, err, b2bkit.ErrConflict, "%s -> %s", from, op.name)
				assert.ErrorContains(t, err, "BANK-A", "%s -> %s names the lender", from, op.name)
			}
			if err != nil {
				after, gerr := reg.Get(regCtx, fp)
				require.NoError(t, gerr)
				assert.True(t, before.Equal(after), "%s -> %s: a refused step stores nothing", from, op.name)
			}
		}
	}
}

// Property: whatever operations arrive in whatever order for whichever lender, a receivable is
// financed at most once, by the lender whose offer the debtor confirmed, the stored record is always
// valid, and a write happens exactly when an operation succeeds.
func TestR19_PropertyFinancedAtMostOnce(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 2026))
	lenders := []b2bkit.CompanyID{"BANK-A", "BANK-B", "BANK-C"}
	for round := 0; round < 200; round++ {
		l, reg := regLedger()
		inv := regInvoice(fmt.Sprintf("INV-%d", round), "1000")
		fp := regFP(t, inv)
		var version int64
		for k := 0; k < 30; k++ {
			lender := lenders[rng.IntN(len(lenders))]
			at := regAt(k)
			var err error
			switch rng.IntN(6) {
			case 0:
				_, err = l.Offer(regCtx, inv, lender, "seller", at)
			case 1:
				_, err = l.Confirm(regCtx, fp, lender, "debtor", at)
			case 2:
				_, err = l.Finance(regCtx, fp, lender, dectest.Dec("900"), "officer", at)
			case 3:
				_, err = l.Repay(regCtx, fp, "bank", at)
			case 4:
				_, err = l.Reject(regCtx, fp, "officer", at)
			default:
				_, err = l.Expire(regCtx, fp, "job", at)
			}
			r, gerr := reg.Get(regCtx, fp)
			if errors.Is(gerr, b2bkit.ErrNotFound) {
				require.Error(t, err)
				continue
			}
			require.NoError(t, gerr)
			require.NoError(t, r.Validate())
			if err == nil {
				version++
			} else {
				require.True(t, errors.Is(err, b2bkit.ErrInvalid) || errors.Is(err, b2bkit.ErrConflict) ||
					errors.Is(err, b2bkit.ErrNotFound), "%v", err)
			}
			require.Equal(t, version, r.Version, "round %d step %d", round, k)
			financed := 0
			for i, tr := range r.History {
				if tr.To == risk.StateFinanced {
					financed++
					require.Equal(t, risk.StateConfirmed, r.History[i-1].To)
					require.Equal(t, r.History[i-1].Lender, tr.Lender, "financed by the lender the debtor confirmed to")
				}
			}
			require.LessOrEqual(t, financed, 1, "round %d: financed twice", round)
		}
	}
}

func TestLedgerRefusesBadArguments(t *testing.T) {
	l, _ := regLedger()
	inv := regInvoice("INV-1", "1000")
	_, err := l.Offer(regCtx, inv, "", "seller", regT0)
	regRequireInvalid(t, err, "lender")
	_, err = l.Offer(regCtx, inv, "BANK-A", "", regT0)
	regRequireInvalid(t, err, "by")
	fp := regOfferConfirm(t, l, inv, "BANK-A")
	for _, amount := range []decimal.Decimal{dectest.Dec("0"), dectest.Dec("-1"), dectest.Dec("1000.01"),
		// Written with an absurd exponent: refused, not scaled by that power of ten to be compared.
		decimal.New(5, math.MinInt32), decimal.New(5, math.MaxInt32), decimal.New(5, -19)} {
		_, err = l.Finance(regCtx, fp, "BANK-A", amount, "officer", regAt(3))
		regRequireInvalid(t, err, "amount")
	}
	_, err = l.Finance(regCtx, fp, "BANK-A", dectest.Dec("1000"), "officer", regAt(1))
	regRequireInvalid(t, err, "at")
	_, err = risk.NewLedger(nil, nil).Confirm(regCtx, fp, "BANK-A", "x", regT0)
	regRequireInvalid(t, err, "registry")
	var nilLedger *risk.Ledger
	_, err = nilLedger.Repay(regCtx, fp, "x", regT0)
	regRequireInvalid(t, err, "registry")
}

func TestReceivableStateWords(t *testing.T) {
	for s := risk.StateOffered; s <= risk.StateExpired; s++ {
		b, err := s.MarshalText()
		require.NoError(t, err)
		var back risk.ReceivableState
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, s, back)
		assert.Equal(t, string(b), s.String())
	}
	var s risk.ReceivableState
	err := s.UnmarshalText([]byte("paid"))
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.ErrorContains(t, err, `"paid"`)
	_, err = risk.ReceivableState(0).MarshalText()
	require.ErrorIs(t, err, b2bkit.ErrInvalid)
	assert.Equal(t, "ReceivableState(9)", risk.ReceivableState(9).String())
}

func TestReceivableJSONRoundTrip(t *testing.T) {
	l, reg := regLedger()
	fp := regOfferConfirm(t, l, regInvoice("INV-1", "1000.00"), "BANK-A")
	_, err := l.Finance(regCtx, fp, "BANK-A", dectest.Dec("800.50"), "officer", regAt(3))
	require.NoError(t, err)
	r, err := reg.Get(regCtx, fp)
	require.NoError(t, err)
	b, err := json.Marshal(r)
	require.NoError(t, err)
	s := string(b)
	assert.Contains(t, s, `"fingerprint":"`+fp.String()+`"`)
	assert.Contains(t, s, `"state":"financed"`)
	assert.Contains(t, s, `"to":"confirmed"`)
	assert.Contains(t, s, `"amount":"800.5"`)
	assert.Contains(t, s, `"financed":"800.5"`)
	var back risk.Receivable
	require.NoError(t, json.Unmarshal(b, &back))
	assert.True(t, r.Equal(back), "round trip:\n%s", s)
	require.NoError(t, back.Validate())

	for name, doc := range map[string]string{
		"unknown field":  strings.Replace(s, `"version"`, `"versio"`, 1),
		"unknown state":  strings.Replace(s, `"state":"financed"`, `"state":"paid"`, 1),
		"exponent":       strings.Replace(s, `"financed":"800.5"`, `"financed":"8005e-1"`, 1),
		"bad hex":        strings.Replace(s, fp.String(), "zz"+fp.String()[2:], 1),
		"short hex":      strings.Replace(s, fp.String(), fp.String()[2:], 1),
		"unknown in log": strings.Replace(s, `"to":"confirmed"`, `"to":"confirmed","note":"x"`, 1),
	} {
		var x risk.Receivable
		err := json.Unmarshal([]byte(doc), &x)
		require.Error(t, err, name)
		assert.ErrorIs(t, err, b2bkit.ErrInvalid, name)
	}
}

func TestParseFingerprint(t *testing.T) {
	fp := regFP(t, regInvoice("INV-1", "1"))
	back, err := risk.ParseFingerprint(fp.String())
	require.NoError(t, err)
	assert.Equal(t, fp, back)
	back, err = risk.ParseFingerprint(strings.ToUpper(fp.String()))
	require.NoError(t, err)
	assert.Equal(t, fp, back)
	assert.Len(t, fp.String(), 64)
	assert.False(t, fp.IsZero())
	for _, bad := range []string{"", "00", fp.String() + "0", "g" + fp.String()[1:]} {
		_, err := risk.ParseFingerprint(bad)
		regRequireInvalid(t, err, "fingerprint")
	}
}

func TestReceivableValidateNamesEveryProblem(t *testing.T) {
	l, reg := regLedger()
	fp := regOfferConfirm(t, l, regInvoice("INV-1", "1000"), "BANK-A")
	_, err := l.Finance(regCtx, fp, "BANK-A", dectest.Dec("800"), "officer", regAt(3))
	require.NoError(t, err)
	good, err := reg.Get(regCtx, fp)
	require.NoError(t, err)
	require.NoError(t, good.Validate())
	tests := map[string]func(r *risk.Receivable){
		"fingerprint":       func(r *risk.Receivable) { r.Fingerprint = risk.Fingerprint{} },
		"invoice.amount":    func(r *risk.Receivable) { r.Invoice.Amount = dectest.Dec("-1000") },
		"history":           func(r *risk.Receivable) { r.History = nil },
		"history[0].to":     func(r *risk.Receivable) { r.History[0].To = risk.StateConfirmed },
		"history[2].to":     func(r *risk.Receivable) { r.History[2].To = risk.ReceivableState(42) },
		"history[1].at":     func(r *risk.Receivable) { r.History[1].At = regAt(0) },
		"history[2].by":     func(r *risk.Receivable) { r.History[2].By = "" },
		"history[1].lender": func(r *risk.Receivable) { r.History[1].Lender = "BANK-B" },
		"history[2].amount": func(r *risk.Receivable) { r.History[2].Amount = dectest.Dec("1000.01") },
		"history[0].amount": func(r *risk.Receivable) { r.History[0].Amount = dectest.Dec("1") },
		"state":             func(r *risk.Receivable) { r.State = risk.StateRepaid },
		"lender":            func(r *risk.Receivable) { r.Lender = "BANK-B" },
		"financed":          func(r *risk.Receivable) { r.Financed = dectest.Dec("1") },
		"version":           func(r *risk.Receivable) { r.Version = -1 },
	}
	for field, corrupt := range tests {
		r := good.Clone()
		corrupt(&r)
		err := r.Validate()
		require.ErrorIs(t, err, b2bkit.ErrInvalid, field)
		assert.ErrorContains(t, err, field)
		_, err = reg.Put(regCtx, r)
		require.ErrorIs(t, err, b2bkit.ErrInvalid, field)
		assert.ErrorContains(t, err, "risk: receivable."+field)
	}
	// every problem at once
	r := good.Clone()
	r.State, r.Lender, r.Version = risk.StateRepaid, "BANK-B", -1
	err = r.Validate()
	for _, field := range []string{"state", "lender", "version"} {
		assert.ErrorContains(t, err, field)
	}
}

func TestFinancedOutstanding(t *testing.T) {
	l, reg := regLedger()
	other := regInvoice("INV-USD", "100")
	other.Currency = "USD"
	for _, inv := range []b2bkit.Invoice{regInvoice("INV-1", "1000"), regInvoice("INV-2", "500"), regInvoice("INV-3", "700"), other} {
		fp := regOfferConfirm(t, l, inv, "BANK-A")
		if inv.Number == "INV-3" {
			continue // confirmed, not financed
		}
		_, err := l.Finance(regCtx, fp, "BANK-A", inv.Amount.Mul(dectest.Dec("0.8")), "officer", regAt(3))
		require.NoError(t, err)
	}
	_, err := risk.FinancedOutstanding(regCtx, reg, "SELLER")
	regRequireInvalid(t, err, "borrower")
	assert.ErrorContains(t, err, "CNY")
	assert.ErrorContains(t, err, "USD")

	_, err = l.Repay(regCtx, regFP(t, other), "bank", regAt(4))
	require.NoError(t, err)
	got, err := risk.FinancedOutstanding(regCtx, reg, "SELLER")
	require.NoError(t, err)
	dectest.RequireEqual(t, dectest.Dec("1200"), got) // 800 + 400; INV-3 not financed; the USD one repaid
	got, err = risk.FinancedOutstanding(regCtx, reg, "DEBTOR")
	require.NoError(t, err)
	dectest.RequireEqual(t, decimal.Zero, got, "the debtor's side is in its unpaid invoices, not here")

	_, err = risk.FinancedOutstanding(regCtx, regFailing{}, "SELLER")
	require.ErrorIs(t, err, errRegCursor, "a failing stream fails the sum")
	_, err = risk.FinancedOutstanding(regCtx, nil, "DEBTOR")
	regRequireInvalid(t, err, "registry")
}

var errRegCursor = errors.New("cursor broke")

// regFailing is a registry whose stream breaks after one record.
type regFailing struct{ risk.Registry }

func (regFailing) Receivables(context.Context, b2bkit.CompanyID) iter.Seq2[risk.Receivable, error] {
	return func(yield func(risk.Receivable, error) bool) {
		if yield(risk.Receivable{}, nil) {
			yield(risk.Receivable{}, errRegCursor)
		}
	}
}

func TestMemoryRegistryLen(t *testing.T) {
	l, reg := regLedger()
	assert.Equal(t, 0, reg.Len())
	regOfferConfirm(t, l, regInvoice("INV-1", "1"), "BANK-A")
	regOfferConfirm(t, l, regInvoice("INV-2", "1"), "BANK-A")
	assert.Equal(t, 2, reg.Len())
}

// A nil *MemoryRegistry holds nothing and stores nothing: Get, Put and Receivables are errors
// matching b2bkit.ErrInvalid that say so, Len is 0, and a Ledger over it refuses; none panics.
func TestNilMemoryRegistryRefuses(t *testing.T) {
	var reg *risk.MemoryRegistry
	assert.Equal(t, 0, reg.Len())
	_, err := reg.Get(regCtx, risk.Fingerprint{1})
	regRequireInvalid(t, err, "memory registry: not made by NewMemoryRegistry")
	inv := regInvoice("INV-1", "100")
	_, err = reg.Put(regCtx, risk.Receivable{Fingerprint: regFP(t, inv), Invoice: inv,
		History: []risk.Transition{{To: risk.StateOffered, At: regT0, By: "ops", Lender: "BANK"}}, State: risk.StateOffered, Lender: "BANK"})
	regRequireInvalid(t, err, "memory registry: not made by NewMemoryRegistry")
	n := 0
	for _, err := range reg.Receivables(regCtx, "SELLER") {
		regRequireInvalid(t, err, "memory registry: not made by NewMemoryRegistry")
		n++
	}
	assert.Equal(t, 1, n)
	_, err = risk.NewLedger(reg, nil).Offer(regCtx, inv, "BANK", "ops", regT0)
	regRequireInvalid(t, err, "memory registry")
}

// TestR19_MemoryRegistryStoresTheHistoryWhole: whether Put extends the stored history in place (a
// Ledger's step) or not, what Get returns is exactly what was put — a rewritten earlier transition,
// an instant written in another location, an amount at another exponent — and a Put refused for its
// version changes nothing.
func TestR19_MemoryRegistryStoresTheHistoryWhole(t *testing.T) {
	utc := func(tm time.Time) time.Time { return tm.UTC() }
	tests := []struct {
		name   string
		change func(h []risk.Transition) []risk.Transition
	}{
		{"a step appended", func(h []risk.Transition) []risk.Transition {
			return append(h, risk.Transition{To: risk.StateFinanced, At: regAt(3), By: "officer", Lender: "BANK-A",
				Amount: dectest.Dec("800.00")})
		}},
		{"a step appended after a rewritten author", func(h []risk.Transition) []risk.Transition {
			h[0].By = "seller-clerk-2"
			return append(h, risk.Transition{To: risk.StateFinanced, At: regAt(3), By: "officer", Lender: "BANK-A",
				Amount: dectest.Dec("800")})
		}},
		{"a step appended after a time in UTC", func(h []risk.Transition) []risk.Transition {
			h[1].At = utc(h[1].At)
			return append(h, risk.Transition{To: risk.StateFinanced, At: utc(regAt(3)), By: "officer", Lender: "BANK-A",
				Amount: dectest.Dec("800.0")})
		}},
		{"two steps appended", func(h []risk.Transition) []risk.Transition {
			return append(h,
				risk.Transition{To: risk.StateFinanced, At: regAt(3), By: "officer", Lender: "BANK-A", Amount: dectest.Dec("800")},
				risk.Transition{To: risk.StateRepaid, At: regAt(4), By: "bank", Lender: "BANK-A"})
		}},
		{"a shorter history", func(h []risk.Transition) []risk.Transition { return h[:1] }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Stored whole, as a host migrating its receivables would: then a Ledger's next step
			// fits in the room the registry keeps.
			reg := risk.NewMemoryRegistry()
			inv := regInvoice("INV-1", "1000.00")
			fp := regFP(t, inv)
			_, err := reg.Put(regCtx, risk.Receivable{Fingerprint: fp, Invoice: inv, State: risk.StateConfirmed, Lender: "BANK-A",
				History: []risk.Transition{
					{To: risk.StateOffered, At: regAt(1), By: "seller", Lender: "BANK-A"},
					{To: risk.StateConfirmed, At: regAt(2), By: "debtor", Lender: "BANK-A"},
				}})
			require.NoError(t, err)
			r, err := reg.Get(regCtx, fp)
			require.NoError(t, err)
			r.History = tt.change(r.History)
			last := r.History[len(r.History)-1]
			r.State, r.Lender, r.Financed = last.To, "BANK-A", decimal.Zero
			for _, s := range r.History {
				if s.To == risk.StateFinanced {
					r.Financed = s.Amount
				}
			}
			// A stale version first: refused, nothing stored.
			stale := r.Clone()
			stale.Version--
			_, err = reg.Put(regCtx, stale)
			require.ErrorIs(t, err, b2bkit.ErrConflict)

			put, err := reg.Put(regCtx, r)
			require.NoError(t, err)
			got, err := reg.Get(regCtx, fp)
			require.NoError(t, err)
			require.True(t, got.Equal(put), "got %+v, put %+v", got.History, put.History)
			require.Len(t, got.History, len(r.History))
			for i, s := range r.History {
				g := got.History[i]
				assert.Equal(t, s.By, g.By, "history[%d].by", i)
				assert.Same(t, s.At.Location(), g.At.Location(), "history[%d].at keeps its location", i)
				assert.Equal(t, s.Amount.String(), g.Amount.String(), "history[%d].amount", i)
				assert.Equal(t, s.Amount.Exponent(), g.Amount.Exponent(), "history[%d].amount keeps its exponent", i)
			}
			// And the caller's slice is not the stored one.
			r.History[0].By = "someone else"
			again, err := reg.Get(regCtx, fp)
			require.NoError(t, err)
			assert.NotEqual(t, "someone else", again.History[0].By)
		})
	}
}

// TestR19_MemoryRegistryReadersBesideALedger: readers getting a receivable while a Ledger finances
// and repays it — each step appended in the room the registry keeps — always see a whole, valid
// record of one version, and -race sees no reader touch what a writer writes.
func TestR19_MemoryRegistryReadersBesideALedger(t *testing.T) {
	reg := risk.NewMemoryRegistry()
	l := risk.NewLedger(reg, nil)
	var fps []risk.Fingerprint
	for i := range 20 {
		inv := regInvoice(fmt.Sprintf("INV-%d", i), "1000.00")
		fp := regFP(t, inv)
		_, err := reg.Put(regCtx, risk.Receivable{Fingerprint: fp, Invoice: inv, State: risk.StateConfirmed, Lender: "BANK-A",
			History: []risk.Transition{
				{To: risk.StateOffered, At: regAt(1), By: "seller", Lender: "BANK-A"},
				{To: risk.StateConfirmed, At: regAt(2), By: "debtor", Lender: "BANK-A"},
			}})
		require.NoError(t, err)
		fps = append(fps, fp)
	}
	done := make(chan struct{})
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			for {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				for _, fp := range fps {
					r, err := reg.Get(regCtx, fp)
					if err == nil {
						err = r.Validate()
					}
					if err == nil && int(r.Version) != len(r.History)-1 {
						err = fmt.Errorf("version %d with %d transitions", r.Version, len(r.History))
					}
					if err != nil {
						errs <- err
						return
					}
				}
			}
		}()
	}
	for _, fp := range fps {
		_, err := l.Finance(regCtx, fp, "BANK-A", dectest.Dec("800"), "officer", regAt(3))
		require.NoError(t, err)
		_, err = l.Repay(regCtx, fp, "bank", regAt(4))
		require.NoError(t, err)
	}
	close(done)
	for range 4 {
		require.NoError(t, <-errs)
	}
	for _, fp := range fps {
		r, err := reg.Get(regCtx, fp)
		require.NoError(t, err)
		assert.Equal(t, risk.StateRepaid, r.State)
		assert.Len(t, r.History, 4)
	}
}
