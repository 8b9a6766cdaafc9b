package risk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/canon"
	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// This file is the receivables registry (应收账款登记, R19): an invoice offered to a lender for
// financing, confirmed by its debtor, financed, repaid — once.

// A ReceivableState is where a receivable stands with its lender. The main line is
//
//	offered -> confirmed -> financed -> repaid
//
// and an offer that goes no further ends rejected or expired (from offered or confirmed):
//
//   - StateOffered: the seller offered the receivable to one lender (Receivable.Lender).
//   - StateConfirmed: the debtor confirmed to that lender that it owes the amount (确权).
//   - StateFinanced: the lender advanced money against it (融资).
//   - StateRepaid: the lender was repaid. Final: a repaid receivable is never financed again.
//   - StateRejected, StateExpired: the offer ended (the lender or the debtor declined, or nobody
//     acted in time). The receivable may be offered again, to any lender; its history keeps the
//     earlier round.
//
// The zero ReceivableState is no state: an invalid one.
type ReceivableState int

const (
	// StateOffered: offered to one lender, not yet confirmed by the debtor.
	StateOffered ReceivableState = iota + 1
	// StateConfirmed: the debtor confirmed the debt to the lender (确权).
	StateConfirmed
	// StateFinanced: the lender financed it; no other lender can.
	StateFinanced
	// StateRepaid: the financing was repaid; the receivable is done for good.
	StateRepaid
	// StateRejected: the offer was declined before financing.
	StateRejected
	// StateExpired: the offer lapsed before financing.
	StateExpired
)

var regStateWords = [...]string{StateOffered: "offered", StateConfirmed: "confirmed", StateFinanced: "financed",
	StateRepaid: "repaid", StateRejected: "rejected", StateExpired: "expired"}

// Valid reports whether s is one of the six states.
func (s ReceivableState) Valid() bool { return s >= StateOffered && int(s) < len(regStateWords) }

// String returns the state's word: offered, confirmed, financed, repaid, rejected or expired.
func (s ReceivableState) String() string {
	if !s.Valid() {
		return fmt.Sprintf("ReceivableState(%d)", int(s))
	}
	return regStateWords[s]
}

// MarshalText encodes the state as its word.
func (s ReceivableState) MarshalText() ([]byte, error) {
	if !s.Valid() {
		return nil, b2bkit.Invalid("state", "unknown receivable state %d", int(s))
	}
	return []byte(regStateWords[s]), nil
}

// UnmarshalText decodes a state from its word; an unknown word is an error matching
// b2bkit.ErrInvalid.
func (s *ReceivableState) UnmarshalText(b []byte) error {
	v, err := wire.ParseWord(regStateWords[:], b, "receivable state")
	if err != nil {
		return b2bkit.InField("state", err)
	}
	*s = ReceivableState(v)
	return nil
}

// A Transition is one step of a receivable's life, kept for good in its History: to which state,
// when, by whom, for which lender.
type Transition struct {
	// To is the state the receivable entered.
	To ReceivableState
	// At is when; never before the transition before it.
	At time.Time
	// By says who did it: a user or system id of the host (the seller's clerk, the debtor's
	// treasurer, the lender's officer, an expiry job). Never personal data such as a phone number.
	By string
	// Lender is the lender of the round: the one offered to, and who confirmed, financed, was repaid.
	Lender b2bkit.CompanyID
	// Amount is the money advanced, on the StateFinanced transition only; zero on the others.
	Amount decimal.Decimal
}

// Equal reports whether both transitions record the same step (times by instant, amounts by value).
func (t Transition) Equal(o Transition) bool {
	// xerr.Cmp, not Equal: an amount read back with an absurd exponent is compared by magnitude.
	return t.To == o.To && t.At.Equal(o.At) && t.By == o.By && t.Lender == o.Lender && xerr.Cmp(t.Amount, o.Amount) == 0
}

type transitionJSON struct {
	To     ReceivableState     `json:"to"`
	At     time.Time           `json:"at"`
	By     string              `json:"by"`
	Lender b2bkit.CompanyID    `json:"lender"`
	Amount *b2bkit.JSONDecimal `json:"amount,omitempty"`
}

// MarshalJSON writes the transition with snake_case names, the state as its word and the amount
// as a decimal string (left out when zero).
// An amount with an exponent beyond ±64 is an error matching b2bkit.ErrInvalid naming it; 0 written
// 0 x 10^1073741824 is left out as zero.
func (t Transition) MarshalJSON() ([]byte, error) {
	w := transitionJSON{To: t.To, At: t.At, By: t.By, Lender: t.Lender}
	if !t.Amount.IsZero() {
		var err error
		a := writableJSON("amount", t.Amount, &err)
		if err != nil {
			return nil, err
		}
		w.Amount = &a
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads what MarshalJSON writes; unknown fields and state words are errors matching
// b2bkit.ErrInvalid.
func (t *Transition) UnmarshalJSON(b []byte) error {
	var w transitionJSON
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*t = w.value()
	return nil
}

func (w *transitionJSON) value() Transition {
	t := Transition{To: w.To, At: w.At, By: w.By, Lender: w.Lender}
	if w.Amount != nil {
		t.Amount = w.Amount.Decimal
	}
	return t
}

// A Receivable is an invoice in the registry (应收账款): the claim its seller holds on its debtor
// (Invoice.Buyer), where it stands with its lender, and every step it took. State, Lender and
// Financed restate what History says, so a store can index them; Validate checks they agree.
type Receivable struct {
	// Fingerprint is FingerprintOf(Invoice): the key of the record.
	Fingerprint Fingerprint
	// Invoice is the invoice as first offered.
	Invoice b2bkit.Invoice
	// State is the state of the last transition.
	State ReceivableState
	// Lender is the lender of the current round: offered to, confirmed for, financed by.
	Lender b2bkit.CompanyID
	// Financed is the money the lender advanced (融资金额): zero until financed, kept after repayment.
	Financed decimal.Decimal
	// History is every transition, oldest first; the first is the first offer.
	History []Transition
	// Version is the version stored: 0 for a record not stored yet. Registry.Put checks and bumps it.
	Version int64
}

// Clone returns a copy of r sharing no slices with it.
func (r Receivable) Clone() Receivable {
	r.History = append([]Transition(nil), r.History...)
	r.Invoice.Orders = append([]b2bkit.OrderID(nil), r.Invoice.Orders...)
	return r
}

// Equal reports whether both records hold the same receivable at the same version with the same
// history (times by instant, amounts by value, at once whatever their exponents).
func (r Receivable) Equal(o Receivable) bool {
	if r.Fingerprint != o.Fingerprint || !r.Invoice.Equal(o.Invoice) || r.State != o.State || r.Lender != o.Lender ||
		xerr.Cmp(r.Financed, o.Financed) != 0 || r.Version != o.Version || len(r.History) != len(o.History) {
		return false
	}
	for i := range r.History {
		if !r.History[i].Equal(o.History[i]) {
			return false
		}
	}
	return true
}

// Validate reports every problem with the record: a fingerprint that is not FingerprintOf(Invoice),
// an empty history, a step the state machine does not allow (skipped or out of a final state), a
// transition without time, author or lender or earlier than the one before, a round whose lender
// changes before it ends, a financed amount that is not positive or exceeds the invoice, State,
// Lender or Financed disagreeing with History, a negative Version. Errors match b2bkit.ErrInvalid
// and name the field ("history[2].to").
func (r Receivable) Validate() error {
	return errors.Join(r.regCheckFingerprint(), r.regCheckLife())
}

// regCheckFingerprint is the part of Validate about the invoice and its fingerprint.
func (r *Receivable) regCheckFingerprint() error {
	fp, err := regFingerprint(r.Invoice)
	if err != nil {
		return err
	}
	if fp != r.Fingerprint {
		return b2bkit.Invalid("fingerprint", "%s is not the invoice's fingerprint %s", r.Fingerprint, fp)
	}
	return nil
}

// regCheckLife is the part of Validate about the history and what restates it.
func (r *Receivable) regCheckLife() error {
	return r.regCheckLifeFrom(0, 0, "", decimal.Decimal{})
}

// regCheckLifeFrom is regCheckLife for a history whose first start transitions were checked
// before, under the same invoice amount, and left the round in state with lender, the last
// financing (or zero) being financed: it checks the transitions from start on and what restates
// the history. A store that holds the checked prefix need not check it again (MemoryRegistry.put).
func (r *Receivable) regCheckLifeFrom(start int, state ReceivableState, lender b2bkit.CompanyID, financed decimal.Decimal) error {
	var errs []error
	if len(r.History) == 0 {
		errs = append(errs, b2bkit.Invalid("history", "must hold at least the offer"))
	}
	for i := start; i < len(r.History); i++ {
		t := &r.History[i]
		if !t.To.Valid() {
			errs = append(errs, b2bkit.Invalid(regHistoryField(i)+".to", "unknown state %d", int(t.To)))
			break
		}
		if kind, why := regMove(state, t.To); kind != regOK {
			errs = append(errs, b2bkit.Invalid(regHistoryField(i)+".to", "%s", why))
			break
		}
		if t.At.IsZero() {
			errs = append(errs, b2bkit.Invalid(regHistoryField(i)+".at", "must be set"))
		} else if i > 0 && t.At.Before(r.History[i-1].At) {
			errs = append(errs, b2bkit.Invalid(regHistoryField(i)+".at", "must not be before history[%d].at", i-1))
		}
		if t.By == "" {
			errs = append(errs, b2bkit.Invalid(regHistoryField(i)+".by", "must say who did it"))
		}
		switch {
		case t.Lender == "":
			errs = append(errs, b2bkit.Invalid(regHistoryField(i)+".lender", "must be set"))
		case t.To != StateOffered && t.Lender != lender:
			errs = append(errs, b2bkit.Invalid(regHistoryField(i)+".lender", "%s is not the lender of the round, %s", t.Lender, lender))
		}
		if t.To == StateFinanced {
			// An amount written with an absurd exponent is refused before it is compared: it
			// would be scaled by that power of ten. An absurd invoice amount is the invoice's
			// error (regCheckFingerprint), not compared here.
			switch {
			case !xerr.SaneValue(t.Amount):
				errs = append(errs, b2bkit.Invalid(regHistoryField(i)+".amount", "%s", xerr.InsaneExponent))
			case t.Amount.Sign() <= 0 || xerr.SaneValue(r.Invoice.Amount) && t.Amount.GreaterThan(r.Invoice.Amount):
				errs = append(errs, b2bkit.Invalid(regHistoryField(i)+".amount", "must be > 0 and at most the invoice amount %s", xerr.EchoDecimal(r.Invoice.Amount)))
			}
			financed = t.Amount
		} else if !t.Amount.IsZero() {
			errs = append(errs, b2bkit.Invalid(regHistoryField(i)+".amount", "only a financing carries an amount"))
		}
		state = t.To
		if t.To == StateOffered {
			lender = t.Lender
		}
	}
	if r.State != state {
		errs = append(errs, b2bkit.Invalid("state", "%s, but the history ends %s", r.State, state))
	}
	if r.Lender != lender {
		errs = append(errs, b2bkit.Invalid("lender", "%q, but the history's round is with %q", r.Lender, lender))
	}
	switch {
	case !xerr.SaneValue(r.Financed):
		errs = append(errs, b2bkit.Invalid("financed", "%s", xerr.InsaneExponent))
	case !xerr.SaneValue(financed): // the history's amount, reported there
	case r.Financed != financed && !r.Financed.Equal(financed): // the same decimal is equal, told without reading it
		errs = append(errs, b2bkit.Invalid("financed", "%s, but the history financed %s", xerr.EchoDecimal(r.Financed), xerr.EchoDecimal(financed)))
	}
	if r.Version < 0 {
		errs = append(errs, b2bkit.Invalid("version", "must be >= 0"))
	}
	if errs == nil {
		return nil
	}
	return errors.Join(errs...)
}

// regHistoryField names the i-th transition, "history[2]", for an error; the first few without
// formatting.
func regHistoryField(i int) string {
	const names = "history[0]history[1]history[2]history[3]history[4]history[5]history[6]history[7]"
	if i < 8 {
		return names[i*10 : i*10+10]
	}
	return fmt.Sprintf("history[%d]", i)
}

// regMove says whether the state machine allows from -> to (from 0: a receivable not yet stored):
// regOK, regSkip (a step that skips a state of the main line) or regClosed (no step from here), with
// the reason in words for the last two.
func regMove(from, to ReceivableState) (regKind, string) {
	switch {
	case from == 0 && to == StateOffered,
		from == StateOffered && (to == StateConfirmed || to == StateRejected || to == StateExpired),
		from == StateConfirmed && (to == StateFinanced || to == StateRejected || to == StateExpired),
		from == StateFinanced && to == StateRepaid,
		(from == StateRejected || from == StateExpired) && to == StateOffered:
		return regOK, ""
	case from == StateOffered && to == StateFinanced:
		return regSkip, fmt.Sprintf("%s -> %s skips confirmed", from, to)
	case from == StateOffered && to == StateRepaid:
		return regSkip, fmt.Sprintf("%s -> %s skips confirmed and financed", from, to)
	case from == StateConfirmed && to == StateRepaid:
		return regSkip, fmt.Sprintf("%s -> %s skips financed", from, to)
	case from == 0:
		return regSkip, fmt.Sprintf("the first transition must be offered, not %s", to)
	}
	return regClosed, fmt.Sprintf("%s -> %s is not a step", from, to)
}

// A regKind classifies a step of the state machine.
type regKind int

const (
	regOK regKind = iota
	regSkip
	regClosed
)

// regFingerprint is FingerprintOf without the package prefix, for Validate.
func regFingerprint(inv b2bkit.Invoice) (Fingerprint, error) {
	fp, err := FingerprintOf(inv)
	if err != nil {
		return Fingerprint{}, regUnprefix(err)
	}
	return fp, nil
}

// regUnprefix returns the FieldError or joined errors under a "risk: " wrapping.
func regUnprefix(err error) error {
	if u := errors.Unwrap(err); u != nil {
		return u
	}
	return err
}

type receivableJSON struct {
	Fingerprint Fingerprint         `json:"fingerprint"`
	Invoice     b2bkit.Invoice      `json:"invoice"`
	State       ReceivableState     `json:"state"`
	Lender      b2bkit.CompanyID    `json:"lender"`
	Financed    *b2bkit.JSONDecimal `json:"financed,omitempty"`
	History     []Transition        `json:"history"`
	Version     int64               `json:"version"`
}

// receivableIn is a Receivable as it is read: its invoice and its history's transitions in plain
// shapes, read in the receivable's own strict decode (each read itself again with a decoder of its
// own).
type receivableIn struct {
	Fingerprint Fingerprint         `json:"fingerprint"`
	Invoice     invoiceIn           `json:"invoice"`
	State       ReceivableState     `json:"state"`
	Lender      b2bkit.CompanyID    `json:"lender"`
	Financed    *b2bkit.JSONDecimal `json:"financed"`
	History     []transitionJSON    `json:"history"`
	Version     int64               `json:"version"`
}

// MarshalJSON writes the receivable with snake_case names, states as words, the fingerprint as hex
// and amounts as decimal strings.
// An amount with an exponent beyond ±64 is an error matching b2bkit.ErrInvalid naming it.
func (r Receivable) MarshalJSON() ([]byte, error) {
	w := receivableJSON{Fingerprint: r.Fingerprint, Invoice: r.Invoice, State: r.State, Lender: r.Lender,
		History: r.History, Version: r.Version}
	if !r.Financed.IsZero() {
		var err error
		f := writableJSON("financed", r.Financed, &err)
		if err != nil {
			return nil, err
		}
		w.Financed = &f
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads what MarshalJSON writes, strictly: unknown fields, unknown state words and
// malformed numbers are errors matching b2bkit.ErrInvalid. Call Validate after.
func (r *Receivable) UnmarshalJSON(b []byte) error {
	var w receivableIn
	if err := wire.DecodeStrict(b, &w); err != nil {
		return err
	}
	*r = Receivable{Fingerprint: w.Fingerprint, Invoice: w.Invoice.value(), State: w.State, Lender: w.Lender,
		History: wire.Values(w.History, (*transitionJSON).value), Version: w.Version}
	if w.Financed != nil {
		r.Financed = w.Financed.Decimal
	}
	return nil
}

// invoiceIn is b2bkit.Invoice as b2bkit's JSON writes it, read as b2bkit.Invoice.UnmarshalJSON reads
// it. TestInvoiceInReadsAsInvoice keeps the two alike.
type invoiceIn struct {
	Number   b2bkit.InvoiceNumber `json:"number"`
	Seller   b2bkit.CompanyID     `json:"seller"`
	Buyer    b2bkit.CompanyID     `json:"buyer"`
	Orders   []b2bkit.OrderID     `json:"orders"`
	Amount   b2bkit.JSONDecimal   `json:"amount"`
	Currency string               `json:"currency"`
	IssuedAt time.Time            `json:"issued_at"`
	DueAt    time.Time            `json:"due_at"`
}

func (w *invoiceIn) value() b2bkit.Invoice {
	return b2bkit.Invoice{Number: w.Number, Seller: w.Seller, Buyer: w.Buyer, Orders: w.Orders, Amount: w.Amount.Decimal,
		Currency: w.Currency, IssuedAt: w.IssuedAt, DueAt: w.DueAt}
}

// A Registry keeps receivables by fingerprint. Storage is the host's (R23): a host adapts its
// database to this interface, and the adapter must pass risktest.Run. MemoryRegistry is the default.
//
// The registry checks versions, not business rules: the one-financing rule (R19) is kept by Ledger,
// which reads a record, checks the rule and writes it back with Put's compare-and-swap, so it holds
// under concurrency on every adapter that checks versions atomically. Reads return copies: changing a
// returned value never changes what is stored. A cancelled context returns the context's error.
//
// Times come back as the same instants; Invoice.DueAt must also come back on the same calendar date
// in its location (keep the location, or the offset), because the fingerprint reads the due date
// there — an adapter that turns 07:30 in Beijing into 23:30 UTC of the day before breaks it.
type Registry interface {
	// Get returns the receivable with fingerprint fp, or an error matching b2bkit.ErrNotFound.
	Get(ctx context.Context, fp Fingerprint) (Receivable, error)
	// Put stores r, whole, under r.Fingerprint, if r.Version is the version stored (0: no record
	// with that fingerprint may exist yet), and returns it as stored, with Version incremented by
	// one. A stale or unexpected version is an error matching b2bkit.ErrConflict and stores nothing;
	// a record failing Validate is an error matching b2bkit.ErrInvalid and stores nothing.
	Put(ctx context.Context, r Receivable) (Receivable, error)
	// Receivables yields the receivables whose invoice has company as seller or as debtor (buyer),
	// in ascending order of fingerprint bytes. A failing read yields the error and stops.
	Receivables(ctx context.Context, company b2bkit.CompanyID) iter.Seq2[Receivable, error]
}

// LedgerOptions configure a Ledger. The zero value and nil are the defaults.
type LedgerOptions struct {
	// Now is the clock, used when an operation is given a zero time. Nil means time.Now.
	Now func() time.Time
}

// A Ledger runs the receivables' state machine over any Registry (R19): each operation reads the
// record, checks the step — the state machine, the lender of the round, the amounts — appends a
// dated, attributed Transition and writes the record back with its version. If another writer got
// there first (the Put fails with b2bkit.ErrConflict), it reads again once and checks again, so a
// loser learns who holds the receivable; if the step is still allowed it tries once more, and a
// second lost race returns the registry's conflict.
//
// Errors of every operation:
//   - b2bkit.ErrNotFound: no receivable with that fingerprint (every operation but Offer).
//   - b2bkit.ErrInvalid: bad arguments (no author, no lender, a time before the last transition,
//     an amount out of range), and a step that skips a state on the main line (offered ->
//     financed, offered or confirmed -> repaid), naming the transition.
//   - b2bkit.ErrConflict: the receivable is held or done: already offered, confirmed or financed
//     for a lender (the error names it: "receivable 3f…: financed by lender BANK-A: conflict"),
//     repaid, or its offer ended (rejected, expired: offer it again first); and a lost race.
//
// Offers are exclusive: a receivable offered to one lender cannot be offered to another until that
// offer is rejected or expires, so no two lenders ever work on it at once, and at most one lender
// ever has it confirmed or financed. Repeating a step (financing twice, even for the same lender)
// is a conflict, not a no-op, so of many concurrent callers exactly one succeeds.
//
// Errors of the registry itself are returned as they are. A Ledger is safe for concurrent use if its
// Registry is.
type Ledger struct {
	reg Registry
	now func() time.Time
}

// NewLedger returns a Ledger over reg.
func NewLedger(reg Registry, opts *LedgerOptions) *Ledger {
	l := &Ledger{reg: reg, now: time.Now}
	if opts != nil && opts.Now != nil {
		l.now = opts.Now
	}
	return l
}

// Offer registers the invoice as a receivable offered to lender (by whom, when), or starts a new
// round with lender for a receivable whose last offer was rejected or expired. The first offer
// stores the invoice; a later one keeps the stored invoice.
func (l *Ledger) Offer(ctx context.Context, inv b2bkit.Invoice, lender b2bkit.CompanyID, by string, at time.Time) (r Receivable, err error) {
	canon.Set(&inv.Amount) // stored as the value it is: 1200 read from numeric(38,20) is 1200
	fp, err := FingerprintOf(inv)
	if err != nil {
		return Receivable{}, err
	}
	err = l.regStep(ctx, &r, fp, &inv, Transition{To: StateOffered, Lender: lender, By: by, At: at})
	return r, err
}

// Confirm records that the debtor confirmed the receivable to lender (确权). The receivable must be
// offered to that lender.
func (l *Ledger) Confirm(ctx context.Context, fp Fingerprint, lender b2bkit.CompanyID, by string, at time.Time) (r Receivable, err error) {
	err = l.regStep(ctx, &r, fp, nil, Transition{To: StateConfirmed, Lender: lender, By: by, At: at})
	return r, err
}

// Finance records that lender advanced amount against the receivable (> 0, at most the invoice
// amount, in the invoice's currency). The receivable must be confirmed for that lender: financing
// one that is financed or repaid — for any lender — is a conflict naming the lender that financed it.
func (l *Ledger) Finance(ctx context.Context, fp Fingerprint, lender b2bkit.CompanyID, amount decimal.Decimal, by string, at time.Time) (r Receivable, err error) {
	canon.Set(&amount) // the value, trailing zeros aside
	switch {
	case !xerr.SaneExponent(amount):
		return Receivable{}, fmt.Errorf("risk: %w", b2bkit.Invalid("amount", "%s, not %s", xerr.InsaneExponent, xerr.EchoDecimal(amount)))
	case amount.Sign() <= 0:
		return Receivable{}, fmt.Errorf("risk: %w", b2bkit.Invalid("amount", "must be > 0, not %s", xerr.EchoDecimal(amount)))
	}
	err = l.regStep(ctx, &r, fp, nil, Transition{To: StateFinanced, Lender: lender, By: by, At: at, Amount: amount})
	return r, err
}

// Repay records that the financing was repaid to its lender. The receivable must be financed; after
// this it is done for good.
func (l *Ledger) Repay(ctx context.Context, fp Fingerprint, by string, at time.Time) (r Receivable, err error) {
	err = l.regStep(ctx, &r, fp, nil, Transition{To: StateRepaid, By: by, At: at})
	return r, err
}

// Reject records that the offer was declined, by the lender or the debtor, before financing. The
// receivable must be offered or confirmed.
func (l *Ledger) Reject(ctx context.Context, fp Fingerprint, by string, at time.Time) (r Receivable, err error) {
	err = l.regStep(ctx, &r, fp, nil, Transition{To: StateRejected, By: by, At: at})
	return r, err
}

// Expire records that the offer lapsed before financing. The receivable must be offered or confirmed.
func (l *Ledger) Expire(ctx context.Context, fp Fingerprint, by string, at time.Time) (r Receivable, err error) {
	err = l.regStep(ctx, &r, fp, nil, Transition{To: StateExpired, By: by, At: at})
	return r, err
}

// regStep applies step to the receivable fp (created from inv when absent, for an offer) and sets
// *r to the receivable as stored. (It writes in place: a Receivable is large to return by value.)
func (l *Ledger) regStep(ctx context.Context, r *Receivable, fp Fingerprint, inv *b2bkit.Invoice, step Transition) error {
	if l == nil || l.reg == nil {
		return fmt.Errorf("risk: %w", b2bkit.Invalid("registry", "the ledger has no registry"))
	}
	if step.By == "" {
		return fmt.Errorf("risk: %w", b2bkit.Invalid("by", "must say who %s the receivable", regVerb(step.To)))
	}
	if step.Lender == "" && (step.To == StateOffered || step.To == StateConfirmed || step.To == StateFinanced) {
		return fmt.Errorf("risk: %w", b2bkit.Invalid("lender", "must be set"))
	}
	if step.At.IsZero() {
		step.At = l.now()
	}
	for attempt := 0; ; attempt++ {
		cur, err := l.reg.Get(ctx, fp)
		switch {
		case err == nil:
		case errors.Is(err, b2bkit.ErrNotFound) && inv != nil:
			cur = Receivable{Fingerprint: fp, Invoice: *inv}
		default:
			return err
		}
		if err := regNext(&cur, step); err != nil {
			return err
		}
		*r, err = l.reg.Put(ctx, cur)
		if err == nil || !errors.Is(err, b2bkit.ErrConflict) || attempt == 1 {
			return err
		}
		*r = Receivable{} // what the lost race returned is not the answer
	}
}

// regNext checks step against the receivable r and applies it to r; r is left as it was when the
// step is refused.
func regNext(r *Receivable, step Transition) error {
	fp := r.Fingerprint
	switch kind, why := regMove(r.State, step.To); kind {
	case regSkip:
		return fmt.Errorf("risk: %w", b2bkit.Invalid("transition", "receivable %s: %s", fp, why))
	case regClosed:
		return fmt.Errorf("risk: %w", b2bkit.Conflict("receivable", fp.String(), regHolder(*r)))
	}
	switch step.To {
	case StateOffered:
	case StateConfirmed, StateFinanced:
		if step.Lender != r.Lender {
			return fmt.Errorf("risk: %w", b2bkit.Conflict("receivable", fp.String(), regHolder(*r)))
		}
		step.Lender = r.Lender // the same name, as the registry gave it: a store compares it quicker
	default:
		step.Lender = r.Lender
	}
	if n := len(r.History); n > 0 && step.At.Before(r.History[n-1].At) {
		return fmt.Errorf("risk: %w", b2bkit.Invalid("at", "%s is before the last transition of receivable %s, at %s",
			step.At.Format(time.RFC3339), fp, r.History[n-1].At.Format(time.RFC3339)))
	}
	if step.To == StateFinanced {
		// The amount as the registry read it back: an adapter's row changed behind its back may
		// hold an exponent that, compared as written, would be written out to a billion digits.
		if !xerr.SaneValue(r.Invoice.Amount) {
			return fmt.Errorf("risk: receivable %s: %w", fp, b2bkit.Invalid("invoice.amount", "%s, not %s", xerr.InsaneExponent, xerr.EchoDecimal(r.Invoice.Amount)))
		}
		if step.Amount.GreaterThan(xerr.Canonical(r.Invoice.Amount)) {
			return fmt.Errorf("risk: %w", b2bkit.Invalid("amount", "%s exceeds the invoice amount %s", xerr.EchoDecimal(step.Amount), xerr.EchoDecimal(r.Invoice.Amount)))
		}
		r.Financed = step.Amount
	}
	r.History = append(r.History, step) // r came from Registry.Get: a copy, ours to extend
	r.State, r.Lender = step.To, step.Lender
	return nil
}

// regHolder says who holds the receivable r, for a conflict: "financed by lender BANK-A".
func regHolder(r Receivable) string {
	switch r.State {
	case StateOffered:
		return fmt.Sprintf("offered to lender %s", r.Lender)
	case StateConfirmed:
		return fmt.Sprintf("confirmed for lender %s", r.Lender)
	case StateFinanced:
		return fmt.Sprintf("financed by lender %s", r.Lender)
	case StateRepaid:
		return fmt.Sprintf("financed by lender %s and repaid", r.Lender)
	case StateRejected:
		return fmt.Sprintf("offer to lender %s rejected; offer it again first", r.Lender)
	case StateExpired:
		return fmt.Sprintf("offer to lender %s expired; offer it again first", r.Lender)
	}
	return fmt.Sprintf("in state %s", r.State)
}

// regVerb is the verb of a step, for messages.
func regVerb(s ReceivableState) string {
	switch s {
	case StateOffered:
		return "offered"
	case StateConfirmed:
		return "confirmed"
	case StateFinanced:
		return "financed"
	case StateRepaid:
		return "repaid"
	case StateRejected:
		return "rejected"
	}
	return "expired"
}

// FinancedOutstanding is what lenders have advanced to borrower against its receivables and not yet
// been repaid: the sum of Financed over the receivables it sold (as their seller) in StateFinanced.
// Receivable finance is with recourse: until the debtor pays the lender, the borrower owes the
// advance, so it feeds the borrower's Exposure.Financed. The debtor's side is not counted here: what
// a debtor owes on a financed invoice is already among its unpaid invoices. The receivables must
// share one currency; more than one is an error matching b2bkit.ErrInvalid, and so is a Financed read
// back with an exponent beyond ±18, naming the receivable. Errors of the registry's
// stream are returned as they are.
func FinancedOutstanding(ctx context.Context, reg Registry, borrower b2bkit.CompanyID) (decimal.Decimal, error) {
	if reg == nil {
		return decimal.Decimal{}, fmt.Errorf("risk: %w", b2bkit.Invalid("registry", "must not be nil"))
	}
	if borrower == "" {
		return decimal.Decimal{}, fmt.Errorf("risk: %w", b2bkit.Invalid("borrower", "must be set"))
	}
	total, currency := decimal.Zero, ""
	for r, err := range reg.Receivables(ctx, borrower) {
		if err != nil {
			return decimal.Decimal{}, err
		}
		if r.Invoice.Seller != borrower || r.State != StateFinanced {
			continue
		}
		if currency == "" {
			currency = r.Invoice.Currency
		} else if r.Invoice.Currency != currency {
			return decimal.Decimal{}, fmt.Errorf("risk: %w", b2bkit.Invalid("borrower", "%s has financed receivables in %s and %s", borrower, currency, r.Invoice.Currency))
		}
		if !xerr.SaneValue(r.Financed) { // as the registry read it back, which Put would have refused
			return decimal.Decimal{}, fmt.Errorf("risk: receivable %s: %w", r.Fingerprint, b2bkit.Invalid("financed", "%s, not %s", xerr.InsaneExponent, xerr.EchoDecimal(r.Financed)))
		}
		total = total.Add(xerr.Canonical(r.Financed))
	}
	return total, nil
}
