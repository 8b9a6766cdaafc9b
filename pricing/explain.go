package pricing

import (
	"fmt"
	"strings"

	"github.com/b2bkit/b2bkit"
	"github.com/shopspring/decimal"
)

// Reason says in words why the line changed the price: "volume break: -5%", "payment: credit 39
// days against 0 for the reference, at 12% a year".
func (a Adjustment) Reason() string {
	if x := a.Excluded; x != nil {
		return fmt.Sprintf("%s skipped: %s (rule %s of %s) excludes it", a.Step, x.What, x.RuleID, x.Step)
	}
	switch a.Kind {
	case Base:
		if a.RuleID == "" {
			return "list price"
		}
		if bb := a.Base; bb != nil {
			return baseReason(a, bb)
		}
		return fmt.Sprintf("contract price %s replaces list price %s", a.After, a.Before)
	case Quantity:
		if a.Mode == Graduated {
			return fmt.Sprintf("graduated quantity breaks: effective %s", pct(a.Percent))
		}
		if m := a.Mix; m != nil {
			return fmt.Sprintf("volume break for the mixed quantity %s over %d %s of the order: %s", m.Quantity, m.Lines,
				plural(m.Lines, "line", "lines"), pct(a.Percent))
		}
		return fmt.Sprintf("volume break for this quantity: %s", pct(a.Percent))
	case Payment:
		var p PaymentBasis
		if a.Payment != nil {
			p = *a.Payment
		}
		return fmt.Sprintf("payment terms: paid on average %s (reference terms: %s), at %s%% a year",
			creditWords(p.CreditDays), creditWords(p.ReferenceCreditDays), p.AnnualPercent)
	case LeadTime:
		return fmt.Sprintf("lead time %d %s: %s", a.LeadDays, days(int64(a.LeadDays)), pct(a.Percent))
	case Tier:
		tier := a.Tier
		if tier == "" {
			tier = "any"
		}
		if a.Percent.IsZero() {
			return fmt.Sprintf("tier %s privilege: %s per unit", tier, signed(a.Amount()))
		}
		return fmt.Sprintf("tier %s privilege: %s", tier, pct(a.Percent))
	case Guardrail:
		parts := make([]string, 0, len(a.Breaches)+1)
		for _, b := range a.Breaches {
			parts = append(parts, b.String())
		}
		if a.Clamped {
			parts = append(parts, "raised to "+a.After.String())
		} else {
			parts = append(parts, "needs approval")
		}
		return strings.Join(parts, "; ")
	case Rounding:
		var r RoundingBasis
		if a.Rounding != nil {
			r = *a.Rounding
		}
		how := fmt.Sprintf("rounded %s to %d places", r.Mode, r.Scale)
		switch {
		case r.Bands:
			how = fmt.Sprintf("the bands' total over the quantity, rounded %s to %d places", r.Mode, r.Scale)
		case !r.Increment.IsZero():
			how = fmt.Sprintf("rounded %s to a multiple of %s", r.Mode, r.Increment)
		}
		if len(a.Breaches) == 0 {
			return how
		}
		parts := []string{how + ", which broke a guardrail"}
		for _, b := range a.Breaches {
			parts = append(parts, b.String())
		}
		if a.Clamped {
			parts = append(parts, "raised to "+a.After.String())
		} else {
			parts = append(parts, "needs approval")
		}
		return strings.Join(parts, "; ")
	}
	return a.Kind.String()
}

// baseReason says where a formula's base price came from: the figure and its source, the markup.
func baseReason(a Adjustment, bb *BaseBasis) string {
	var fig string
	switch {
	case bb.Formula == "contract":
		whose := "the buyer's"
		if bb.Group != "" {
			whose = "group " + bb.Group + "'s"
		}
		fig = fmt.Sprintf("contract price %s (%s contract %s, from the price source)", bb.Figure, whose, orDash(bb.Contract))
	case bb.Formula == "cost":
		fig = fmt.Sprintf("cost %s (from the price source)", bb.Figure)
	case bb.Formula == "list":
		fig = fmt.Sprintf("list price %s", bb.Figure)
	default:
		fig = fmt.Sprintf("price list %s %s (from the price source)", strings.TrimPrefix(bb.Formula, "list:"), bb.Figure)
	}
	if !bb.Percent.IsZero() {
		fig += " " + pct(bb.Percent)
	}
	if !bb.Amount.IsZero() {
		fig += " " + signed(bb.Amount)
	}
	if !bb.Percent.IsZero() || !bb.Amount.IsZero() {
		fig += " = " + a.After.String()
	}
	if bb.Formula == "list" {
		return fig
	}
	return fig + ", replaces list price " + a.Before.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// creditWords says where the share-weighted payment date falls against delivery.
func creditWords(days decimal.Decimal) string {
	d := days.Round(2)
	switch d.Sign() {
	case 0:
		return "on delivery"
	case 1:
		return d.String() + " " + daysOf(d) + " after delivery"
	}
	return d.Neg().String() + " " + daysOf(d) + " before delivery"
}

// days is "day" for one (or minus one), else "days".
func days(n int64) string {
	if n == 1 || n == -1 {
		return "day"
	}
	return "days"
}

// daysOf is days for a number of days that may have places: "day" only for exactly one.
func daysOf(d decimal.Decimal) string {
	if d.Abs().Equal(decimal.NewFromInt(1)) {
		return "day"
	}
	return "days"
}

// pct renders a percent with its sign and at most 4 places: "-5%", "+2.5%".
func pct(p decimal.Decimal) string { return signed(p.Round(4)) + "%" }

func signedFixed(d decimal.Decimal, scale int32) string {
	if d.Sign() > 0 {
		return "+" + d.StringFixed(scale)
	}
	return d.StringFixed(scale)
}

func signed(d decimal.Decimal) string {
	if d.Sign() > 0 {
		return "+" + d.String()
	}
	return d.String()
}

// Explain renders the quote for a person, line by line: what was asked, every step that changed
// the price and why, the unit price and total, the schedule, the early-payment alternative and any
// approval needed. The same quote always renders to the same bytes.
func (q Quote) Explain() string {
	var b strings.Builder
	r := q.Request
	fmt.Fprintf(&b, "Quote for %s", orDash(string(r.Buyer)))
	if r.Tier != "" || r.Grade != "" {
		fmt.Fprintf(&b, " (tier %s, grade %s)", orDash(r.Tier), orDash(r.Grade))
	}
	fmt.Fprintf(&b, ": %s x %s\n", r.SKU, r.Quantity)
	if !q.Quantity.IsZero() && !q.Quantity.Equal(r.Quantity) {
		fmt.Fprintf(&b, "Quantity %s rounded up to %s: %s\n", r.Quantity, q.Quantity, soldIn(q.PackSize, q.MinQuantity))
	}
	lead := r.Terms.LeadDays()
	fmt.Fprintf(&b, "Terms: %s; ordered %s, deliver by %s (lead %d %s)\n", r.Terms.Payment,
		day(r.Terms.OrderedAt), day(r.Terms.DeliverBy), lead, days(int64(lead)))
	version := q.PolicyVersion
	if len(version) > 12 {
		version = version[:12]
	}
	name := q.PolicyName
	if name == "" {
		name = "policy"
	}
	fmt.Fprintf(&b, "Policy %q version %s; quoted %s, valid until %s\n", name, version, day(q.QuotedAt), day(q.ValidUntil))
	for _, a := range q.Steps {
		rule := a.RuleID
		if rule == "" {
			rule = "-"
		}
		fmt.Fprintf(&b, "  %-10s %-16s %15s -> %-16s %s\n", a.Step, rule, signed(a.Amount()), a.After, a.Reason())
	}
	cur := ""
	if q.Currency != "" {
		cur = " " + q.Currency
	}
	// The quantity priced: the request's, or the one the SKU is sold in when the policy rounds up.
	qty := r.Quantity
	if !q.Quantity.IsZero() {
		qty = q.Quantity
	}
	if len(q.Bands) > 0 {
		b.WriteString("Graduated: each band's units at its own price:\n")
		for _, p := range q.Bands {
			raised := ""
			if p.Clamped {
				raised = " (raised to a guardrail's limit)"
			}
			fmt.Fprintf(&b, "  units %s to %s: %s x %s%s%s = %s%s\n", p.From, p.To, p.To.Sub(p.From),
				p.UnitPrice.StringFixed(q.Scale), cur, raised, p.Amount, cur)
		}
		fmt.Fprintf(&b, "Total %s%s; unit price %s%s (total / %s)\n", q.Total.StringFixed(q.Scale), cur,
			q.UnitPrice.StringFixed(q.Scale), cur, qty)
	} else {
		fmt.Fprintf(&b, "Unit price %s%s x %s = total %s%s\n", q.UnitPrice.StringFixed(q.Scale), cur, qty,
			q.Total.StringFixed(q.Scale), cur)
	}
	if t := q.Tax; t != nil {
		fmt.Fprintf(&b, "%s\n", taxWords(t, q.Scale, cur))
	}
	b.WriteString("Schedule:\n")
	for _, d := range q.Schedule {
		fmt.Fprintf(&b, "  %s  %14s%s  %s\n", day(d.Date), d.Amount.StringFixed(q.Scale), cur, b2bkit.PaymentTerms{Installments: []b2bkit.Installment{d.Installment}})
	}
	if ep := q.EarlyPayment; ep != nil {
		fmt.Fprintf(&b, "Early payment %s: pay %s%s by %s instead of the %s%s due later (worth %s%% a year on these terms)\n",
			ep.Terms, ep.Amount.StringFixed(q.Scale), cur, day(ep.PayBy), ep.Replaces.StringFixed(q.Scale), cur, ep.AnnualPercent)
	}
	if q.NeedsApproval {
		b.WriteString("Needs approval:\n")
		for _, br := range q.Breaches {
			fmt.Fprintf(&b, "  %s\n", br)
		}
	}
	return b.String()
}

// soldIn says what a SKU is sold in: "sold in packs of 12, at least 30".
func soldIn(pack, minimum decimal.Decimal) string {
	var parts []string
	if pack.Sign() > 0 {
		parts = append(parts, "sold in packs of "+pack.String())
	}
	if minimum.Sign() > 0 {
		parts = append(parts, "minimum order "+minimum.String())
	}
	return strings.Join(parts, ", ")
}

// taxWords says a line's VAT: "VAT 13% included: net 88.50 + VAT 11.50 = 100.00 CNY".
func taxWords(t *LineTax, scale int32, cur string) string {
	how := "added"
	if t.Included {
		how = "included"
	}
	return fmt.Sprintf("VAT %s%% %s: net %s + VAT %s = %s%s", t.Percent, how, t.Net.StringFixed(scale), t.Tax.StringFixed(scale),
		t.Gross.StringFixed(scale), cur)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func day(t interface{ Format(string) string }) string { return t.Format("2006-01-02") }

// Explain renders the order quote for a person: what was asked, each line's price and why, what
// the order steps did, the free goods, each line's share of them and its VAT, the totals and the
// schedule. The same quote always renders to the same bytes.
func (q OrderQuote) Explain() string {
	var b strings.Builder
	r := q.Request
	fmt.Fprintf(&b, "Order for %s", orDash(string(r.Buyer)))
	if r.Group != "" {
		fmt.Fprintf(&b, " of %s", r.Group)
	}
	if r.Tier != "" || r.Grade != "" {
		fmt.Fprintf(&b, " (tier %s, grade %s)", orDash(r.Tier), orDash(r.Grade))
	}
	fmt.Fprintf(&b, ": %d %s\n", len(q.Lines), plural(len(q.Lines), "line", "lines"))
	lead := r.Terms.LeadDays()
	fmt.Fprintf(&b, "Terms: %s; ordered %s, deliver by %s (lead %d %s)\n", r.Terms.Payment,
		day(r.Terms.OrderedAt), day(r.Terms.DeliverBy), lead, days(int64(lead)))
	version := q.PolicyVersion
	if len(version) > 12 {
		version = version[:12]
	}
	fmt.Fprintf(&b, "Policy %q version %s; quoted %s, valid until %s\n", orDash(q.PolicyName), version, day(q.QuotedAt), day(q.ValidUntil))
	cur := ""
	if q.Currency != "" {
		cur = " " + q.Currency
	}
	for i, l := range q.Lines {
		lq := l.Quote
		fmt.Fprintf(&b, "Line %d: %s x %s at %s%s = %s%s\n", i+1, lq.Request.SKU, lq.Quantity, lq.UnitPrice.StringFixed(lq.Scale), cur,
			lq.Total.StringFixed(lq.Scale), cur)
		for _, a := range lq.Steps {
			if a.Amount().IsZero() && a.Excluded == nil && a.Kind != Base {
				continue
			}
			fmt.Fprintf(&b, "    %-10s %-16s %s\n", a.Step, orDash(a.RuleID), a.Reason())
		}
		if !lq.Quantity.Equal(lq.Request.Quantity) {
			fmt.Fprintf(&b, "    quantity %s rounded up to %s: %s\n", lq.Request.Quantity, lq.Quantity, soldIn(lq.PackSize, lq.MinQuantity))
		}
		if lq.NeedsApproval {
			for _, br := range lq.Breaches {
				fmt.Fprintf(&b, "    needs approval: %s\n", br)
			}
		}
	}
	if len(q.Adjustments) > 0 {
		b.WriteString("Order steps:\n")
		for _, a := range q.Adjustments {
			fmt.Fprintf(&b, "  %-14s %-14s %s\n", a.Step, a.RuleID, orderReason(a, q.Scale, cur))
		}
	}
	for _, g := range q.FreeGoods {
		fmt.Fprintf(&b, "Free: %s x %s (rule %s, for %s %s)\n", g.SKU, g.Quantity, g.RuleID, plural(len(g.Lines), "line", "lines"), lineList(g.Lines))
	}
	b.WriteString("Lines:\n")
	for i, l := range q.Lines {
		fmt.Fprintf(&b, "  %d %-12s total %s  discount %s  freight %s  amount %s", i+1, l.Quote.Request.SKU,
			l.Quote.Total.StringFixed(q.Scale), signedFixed(l.Discount, q.Scale), signedFixed(l.Freight, q.Scale), l.Amount.StringFixed(q.Scale))
		if !l.Tax.IsZero() || !l.TaxPercent.IsZero() {
			fmt.Fprintf(&b, "  VAT %s%%: net %s + %s = %s", l.TaxPercent, l.Net.StringFixed(q.Scale), l.Tax.StringFixed(q.Scale), l.Gross.StringFixed(q.Scale))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "Subtotal %s%s; discount %s; freight %s; net %s; VAT %s; total %s%s\n", q.Subtotal.StringFixed(q.Scale), cur,
		signedFixed(q.Discount, q.Scale), signedFixed(q.Freight, q.Scale), q.Net.StringFixed(q.Scale), q.Tax.StringFixed(q.Scale),
		q.Total.StringFixed(q.Scale), cur)
	b.WriteString("Schedule:\n")
	for _, d := range q.Schedule {
		fmt.Fprintf(&b, "  %s  %14s%s  %s\n", day(d.Date), d.Amount.StringFixed(q.Scale), cur, b2bkit.PaymentTerms{Installments: []b2bkit.Installment{d.Installment}})
	}
	if q.NeedsApproval {
		b.WriteString("Needs approval: a line's price broke a guardrail (see the line)\n")
	}
	return b.String()
}

// orderReason says what an order step did: "value 9200.00 at -2% = -184.00 over lines 1, 2".
func orderReason(a OrderAdjustment, scale int32, cur string) string {
	var how string
	switch {
	case a.Kind == FreeGoods:
		how = fmt.Sprintf("free goods for lines %s", lineList(a.Lines))
	case a.Waived:
		how = fmt.Sprintf("value %s reaches the free-freight threshold: freight waived", a.Basis.StringFixed(scale))
	case a.Kind == Freight && !a.Rate.IsZero():
		how = fmt.Sprintf("%s kg x %s/kg = %s%s over lines %s", a.Basis, a.Rate, signedFixed(a.Amount, scale), cur, lineList(a.Lines))
	case !a.Percent.IsZero():
		how = fmt.Sprintf("value %s at %s = %s%s over lines %s", a.Basis.StringFixed(scale), pct(a.Percent), signedFixed(a.Amount, scale),
			cur, lineList(a.Lines))
	default:
		how = fmt.Sprintf("%s%s over lines %s", signedFixed(a.Amount, scale), cur, lineList(a.Lines))
	}
	if len(a.Excluded) > 0 {
		how += fmt.Sprintf("; lines %s excluded by their rules", lineList(a.Excluded))
	}
	return how
}

// lineList numbers lines from 1: "1, 2, 4".
func lineList(lines []int) string {
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = fmt.Sprint(l + 1)
	}
	return strings.Join(parts, ", ")
}
