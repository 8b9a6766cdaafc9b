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
	switch a.Kind {
	case Base:
		if a.RuleID == "" {
			return "list price"
		}
		return fmt.Sprintf("contract price %s replaces list price %s", a.After, a.Before)
	case Quantity:
		if a.Mode == Graduated {
			return fmt.Sprintf("graduated quantity breaks: effective %s", pct(a.Percent))
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
		if !r.Increment.IsZero() {
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
	if len(q.Bands) > 0 {
		b.WriteString("Graduated: each band's units at its own price:\n")
		for _, p := range q.Bands {
			fmt.Fprintf(&b, "  units %s to %s: %s x %s%s = %s%s\n", p.From, p.To, p.To.Sub(p.From),
				p.UnitPrice.StringFixed(q.Scale), cur, p.Amount, cur)
		}
		fmt.Fprintf(&b, "Total %s%s; unit price %s%s (total / %s)\n", q.Total.StringFixed(q.Scale), cur,
			q.UnitPrice.StringFixed(q.Scale), cur, r.Quantity)
	} else {
		fmt.Fprintf(&b, "Unit price %s%s x %s = total %s%s\n", q.UnitPrice.StringFixed(q.Scale), cur, r.Quantity,
			q.Total.StringFixed(q.Scale), cur)
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

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func day(t interface{ Format(string) string }) string { return t.Format("2006-01-02") }
