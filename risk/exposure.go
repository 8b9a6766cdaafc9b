package risk

import (
	"context"
	"fmt"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/shopspring/decimal"
)

// ExposureAt works out what company owes or will owe the platform as of asOf (敞口), from the orders,
// invoices and payments of its history (nothing dated after asOf) and the financed amount
// outstanding, which the host knows from its receivables registry:
//
//   - Unpaid is the sum, over the company's invoices issued by asOf, of the amount less the payments
//     made against it by asOf, each at least zero; credit notes issued by asOf are then set against
//     it (the buyer deducts them from what it pays), and it never goes below zero.
//   - Uninvoiced is the value (Order.Total rounded HalfUp to the scale) of the orders placed by asOf
//     that no invoice issued by asOf references. Payments reference invoices, not orders, so nothing
//     paid is set against an uninvoiced order, not even a deposit; an order referenced by any invoice
//     counts as invoiced in full.
//   - Financed is as given; Total is the sum of the three.
//
// Records are read and checked as Features reads them, with the same errors; Wallets, Shipments and
// People are not read. A negative financed amount, or one with more places than the scale, is an
// error matching b2bkit.ErrInvalid.
func ExposureAt(company b2bkit.CompanyID, h History, financed decimal.Decimal, asOf time.Time, opts *FeatureOptions) (Exposure, error) {
	cfg, err := featResolve(company, asOf, opts)
	if err != nil {
		return Exposure{}, err
	}
	if financed.Sign() < 0 {
		return Exposure{}, fmt.Errorf("risk: %w", b2bkit.Invalid("financed", "must be >= 0"))
	}
	if !featSaneExponent(financed) {
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
	var unpaid, credits, uninvoiced int64
	ok := true
	invoiced := make(map[b2bkit.OrderID]struct{}, len(p.invoices))
	for k, inv := range p.invoices {
		for _, id := range p.billed[k] {
			invoiced[id] = struct{}{}
		}
		var fine bool
		switch {
		case inv.units < 0:
			credits, fine = b2bkit.AddChecked(credits, -inv.units)
		case inv.paid < inv.units:
			unpaid, fine = b2bkit.AddChecked(unpaid, inv.units-inv.paid)
		default:
			fine = true
		}
		ok = ok && fine
	}
	if !ok {
		return Exposure{}, featOverflow("history.invoices", cfg.scale)
	}
	unpaid = max(0, unpaid-credits) // both >= 0: no overflow
	for _, o := range p.orderRefs {
		if _, done := invoiced[o.id]; done && o.id != "" {
			continue
		}
		if uninvoiced, ok = b2bkit.AddChecked(uninvoiced, o.units); !ok {
			return Exposure{}, featOverflow("history.orders", cfg.scale)
		}
	}
	total, ok := b2bkit.AddChecked(unpaid, uninvoiced)
	if ok {
		total, ok = b2bkit.AddChecked(total, fin)
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
