package pricing

import "context"

// ReplayAgrees quotes r and, when the quote carries an early-payment offer, works the line's total
// on the offer's terms out both ways — replaying the main walk's lines (replay) and walking the
// policy again from the payment step (resume) — and reports whether replay answered and whether
// the two totals are the same number to the exponent.
func ReplayAgrees(e *Engine, r Request) (offered, replayed, agree bool, err error) {
	sc := e.getScratch()
	defer e.putScratch(sc)
	now := e.now()
	if sc.lp, err = e.prices.ListPrice(context.Background(), query(&r, now)); err != nil {
		return false, false, false, err
	}
	sc.r, sc.ti = r, newTermsInfo(&r.Terms)
	b := batch{now: now, validUntil: lastInstant(now, e.policy.ValidDays), left: 1}
	b.sized = true
	var q Quote
	if err := e.priceLine(&q, sc, &sc.r, &sc.lp, &b, nil, nil); err != nil {
		return false, false, false, err
	}
	w := &sc.main
	et := &sc.ti.early
	if w.early == nil || !et.set || !et.any {
		return false, false, true, nil
	}
	alt1 := termsInfo{lead: sc.ti.lead, cdays: et.cdays, credit: sc.ti.credit}
	alt2 := alt1
	got, ok := w.replay(&alt1)
	want, err := w.resume(&alt2)
	if err != nil {
		return true, ok, !ok, nil // resume fails where replay must not answer
	}
	return true, ok, !ok || same(got, want), nil
}

// MaxKeptOrderLines is the most lines of an order whose working memory an engine keeps.
const MaxKeptOrderLines = maxKeptOrderLines
