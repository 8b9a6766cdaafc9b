package risk

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/checked"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// ExposureAt works out what company owes or will owe the platform as of asOf (敞口), from the orders,
// invoices and payments of its history (nothing dated after asOf) and the financed amount
// advanced to it and outstanding, which the host knows from its receivables registry
// (FinancedOutstanding, with the company as the borrower):
//
//   - Unpaid is the sum, over the company's invoices issued by asOf, of the amount less the payments
//     made against it by asOf and the credit notes issued by asOf set against it, each at least
//     zero: the settlement Features reads (the invoices of a credit note's orders first, then the
//     oldest due), so Unpaid is the sum of the overdue buckets. A credit note larger than what is
//     owed leaves nothing unpaid, never less.
//   - Uninvoiced is, over the orders placed by asOf, the value (Order.Total rounded HalfUp to the
//     scale) not yet billed by an invoice issued by asOf: a deposit invoice of 30% leaves 70% of its
//     order uninvoiced. An invoice's amount is set against the orders it bills in the order it lists
//     them, each up to what is left of it; credit notes do not unbill an order. Payments reference
//     invoices, so what was paid shows in Unpaid, never here.
//   - Financed is as given; Total is the sum of the three.
//
// Two limits of the records, both of which overstate the exposure, never understate it:
//
//   - Confirmed orders. b2bkit.Order has no status, so every order of the company placed by asOf
//     counts as confirmed: stream only the orders the sellers confirmed, leaving out drafts and
//     cancelled ones (a cancelled order streamed counts in Uninvoiced until it is invoiced).
//   - Prepayments. A payment names an invoice, never an order, so money paid before its invoice
//     exists — a prepayment or a deposit against an invoice not issued by asOf — is set against
//     nothing: its order counts in Uninvoiced in full until that invoice is issued, and from then
//     on the payment reduces Unpaid. A host that takes prepayments issues the deposit invoice
//     (Terms.Schedule's on-order installment) before or when the money comes in.
//
// Records are read and checked as Features reads them, with the same errors; Wallets, Shipments and
// People are not read. A negative financed amount, or one with more places than the scale (trailing
// zeros do not count), is an error matching b2bkit.ErrInvalid.
func ExposureAt(company b2bkit.CompanyID, h History, financed decimal.Decimal, asOf time.Time, opts *FeatureOptions) (Exposure, error) {
	cfg, err := featResolve(company, asOf, opts)
	if err != nil {
		return Exposure{}, err
	}
	if financed.Sign() < 0 {
		return Exposure{}, fmt.Errorf("risk: %w", b2bkit.Invalid("financed", "must be >= 0"))
	}
	if !xerr.SaneValue(financed) { // trailing zeros aside: ToMinor reads the value
		return Exposure{}, fmt.Errorf("risk: %w", b2bkit.Invalid("financed", "%s", featInsane))
	}
	fin, err := b2bkit.ToMinor(financed, cfg.scale)
	if err != nil {
		return Exposure{}, fmt.Errorf("risk: %w", b2bkit.InField("financed", err))
	}
	p := newFeatProjection(company, asOf, cfg, true)
	if err := p.read(context.Background(), h); err != nil {
		return Exposure{}, err
	}
	var unpaid, uninvoiced int64
	var ok bool
	// left is what each order has not been billed for yet.
	left := make(map[b2bkit.OrderID]int64, len(p.orderRefs))
	for _, o := range p.orderRefs {
		if o.id != "" {
			left[o.id] += o.units // an order's value fits: it was summed checked as it was read
		}
	}
	for k, inv := range p.invoices {
		for amount, ids := inv.units, p.billed[k]; amount > 0 && len(ids) > 0; ids = ids[1:] {
			if l := left[ids[0]]; l > 0 {
				take := min(l, amount)
				left[ids[0]], amount = l-take, amount-take
			}
		}
		if inv.paid < inv.units { // credit notes' units are < 0
			// Parts of the invoiced total, which fits: no overflow.
			unpaid += inv.units - inv.paid
		}
	}
	for _, o := range p.orderRefs {
		units := o.units
		if o.id != "" {
			units = left[o.id]
			delete(left, o.id) // an id used twice counts once, with both orders' value
		}
		if uninvoiced, ok = checked.Add(uninvoiced, units); !ok {
			return Exposure{}, featOverflow("history.orders", cfg.scale)
		}
	}
	total, ok := checked.Add(unpaid, uninvoiced)
	if ok {
		total, ok = checked.Add(total, fin)
	}
	if !ok {
		return Exposure{}, featOverflow("financed", cfg.scale)
	}
	return Exposure{
		Company: company, Currency: p.currency, AsOf: asOf,
		Unpaid:     b2bkit.FromMinor(unpaid, cfg.scale),
		Uninvoiced: b2bkit.FromMinor(uninvoiced, cfg.scale),
		Financed:   b2bkit.FromMinor(fin, cfg.scale),
		Total:      b2bkit.FromMinor(total, cfg.scale),
	}, nil
}
