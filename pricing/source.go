package pricing

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/xerr"
	"github.com/shopspring/decimal"
)

// A ListPrice is what the price source says about one SKU for one buyer: its list price per unit,
// the currency, the unit cost a guardrail keeps a margin over (and a cost-plus formula starts from),
// the buyer's contract price if there is one, the SKU's prices on other price lists, the attributes
// rules may be scoped by, its VAT rate, what it is sold in and its weight.
type ListPrice struct {
	SKU      b2bkit.SKU
	Price    decimal.Decimal
	Currency string
	// Cost is the unit cost; zero means unknown, and then no floor applies.
	Cost decimal.Decimal
	// Contract is the buyer's contract price (协议价) for the SKU valid on the day asked, or else its
	// group's; a zero Price means there is none.
	Contract Contract
	// Prices are the SKU's prices on other price lists, by name ("distributor", "retail"): what a
	// base formula "list:NAME" starts from. Names are lower-case snake_case.
	Prices map[string]decimal.Decimal
	// Attributes are what the catalogue says about the SKU that rules may be scoped by, by name:
	// "category", "brand", "origin". A category tree is one attribute per level ("department",
	// "family", "category"), which a step's precedence orders. Names are lower-case snake_case.
	Attributes map[string]string
	// TaxPercent is the SKU's VAT rate in percent (13, 9, 6, 0): what a policy with tax applies.
	TaxPercent decimal.Decimal
	// PackSize, if set, is what the SKU is sold in: quantities are whole multiples of it (a case of
	// 12). MinQuantity, if set, is the minimum order quantity (MOQ, 起订量). Policy.Units says what a
	// quote does with a quantity that falls short.
	PackSize, MinQuantity decimal.Decimal
	// Weight is the weight of one unit in kilograms, which freight by weight charges for.
	Weight decimal.Decimal
}

// A Contract is a buyer's agreed price for a SKU, as the price source answers it for one buyer on
// one day.
type Contract struct {
	// ID is the contract's reference in the host's records, which the quote shows.
	ID string
	// Price is the agreed price per unit, > 0; zero means no contract.
	Price decimal.Decimal
	// Group is the buyer group whose contract it is, when it is not the buyer's own.
	Group string
}

// Validate reports every problem: no SKU, a price that is not > 0, a negative cost, a contract
// price that is not > 0, a price list's price that is not > 0, an attribute without a value, a VAT
// rate outside 0..100, a negative pack size, minimum or weight, absurd numbers (more than 18 places,
// trailing zeros aside, or 24 digits before the point), names that are not lower-case snake_case.
func (l ListPrice) Validate() error {
	l.canonicalize()
	var errs []error
	if l.SKU == "" {
		errs = append(errs, b2bkit.Invalid("sku", "must be set"))
	}
	if !checkNumber(l.Price) || l.Price.Sign() <= 0 {
		errs = append(errs, b2bkit.Invalid("price", "must be > 0 and in range"))
	}
	if !checkNumber(l.Cost) || l.Cost.Sign() < 0 {
		errs = append(errs, b2bkit.Invalid("cost", "must be >= 0 and in range"))
	}
	if !checkNumber(l.Contract.Price) || l.Contract.Price.Sign() < 0 {
		errs = append(errs, b2bkit.Invalid("contract.price", "must be > 0 (zero: no contract) and in range"))
	}
	for _, name := range sortedKeys(l.Prices) {
		if p := l.Prices[name]; !snakeCase(name) || !checkNumber(p) || p.Sign() <= 0 {
			errs = append(errs, b2bkit.Invalid("prices."+xerr.Echo(name), "a lower-case snake_case name and a price > 0"))
		}
	}
	for _, name := range sortedKeys(l.Attributes) {
		if !snakeCase(name) || l.Attributes[name] == "" {
			errs = append(errs, b2bkit.Invalid("attributes."+xerr.Echo(name), "a lower-case snake_case name and a value"))
		}
	}
	if !checkNumber(l.TaxPercent) || l.TaxPercent.Sign() < 0 || l.TaxPercent.GreaterThan(hundred) {
		errs = append(errs, b2bkit.Invalid("tax_percent", "must be between 0 and 100"))
	}
	for _, f := range []struct {
		name string
		v    decimal.Decimal
	}{{"pack_size", l.PackSize}, {"min_quantity", l.MinQuantity}, {"weight", l.Weight}} {
		if !checkNumber(f.v) || f.v.Sign() < 0 {
			errs = append(errs, b2bkit.Invalid(f.name, "must be >= 0 and in range"))
		}
	}
	return errors.Join(errs...)
}

// A PriceQuery asks the price source what it knows of one SKU for one buyer on one day.
type PriceQuery struct {
	// SKU is the goods asked about.
	SKU b2bkit.SKU
	// Buyer and Group are the buyer and its group (a restaurant chain, a purchasing group, 集团):
	// the source answers the buyer's contract price, or else its group's. Both empty: none.
	Buyer b2bkit.CompanyID
	Group string
	// At is the day asked for, the quote's own (the engine's clock): a contract price answers only
	// within its validity.
	At time.Time
}

// A PriceSource gives what the catalogue says about a SKU for a buyer. The host implements it over
// its own catalogue and contract tables; PriceList is the in-memory default. Implementations must
// be safe for concurrent use and pass pricingtest.Run.
type PriceSource interface {
	// ListPrice returns what the catalogue has for q.SKU: the list price and the rest of ListPrice,
	// with the contract price of q.Buyer for q.SKU valid at q.At, or else that of q.Group, or none.
	// It returns an error matching b2bkit.ErrNotFound naming the SKU when the catalogue does not
	// have it, and ctx.Err() if ctx is done.
	ListPrice(ctx context.Context, q PriceQuery) (ListPrice, error)
}

// A BatchPriceSource is a PriceSource that also answers many queries in one call. QuoteMany and
// QuoteOrder use it when the source has it, a block of queries at a time: an adapter over a
// database answers a block with one query instead of one query per line. The two methods must
// agree (pricingtest.Run checks it): a type that embeds a BatchPriceSource to change its ListPrice
// must change ListPrices too, or QuoteMany will not see the change. The in-memory PriceList does
// not implement it: it answers one SKU as fast as a block.
type BatchPriceSource interface {
	PriceSource
	// ListPrices sets prices[i] to what ListPrice answers for qs[i] and found[i] to whether the
	// catalogue has the SKU, for every i; prices and found are at least as long as qs. It returns
	// an error only when the lookup itself fails (ctx.Err() when ctx is done), and then the outputs
	// mean nothing.
	ListPrices(ctx context.Context, qs []PriceQuery, prices []ListPrice, found []bool) error
}

var _ PriceSource = (*PriceList)(nil)

// A ContractPrice is a contract price as PriceList keeps it: the agreed price of one SKU for one
// buyer, or for a buyer group, over a period.
type ContractPrice struct {
	// ID is the contract's reference, which quotes show; SKU the goods it prices.
	ID  string
	SKU b2bkit.SKU
	// Buyer or Group, exactly one, is whose price it is.
	Buyer b2bkit.CompanyID
	Group string
	// Price is the price per unit, > 0.
	Price decimal.Decimal
	// ValidFrom (inclusive) and ValidUntil (exclusive) bound the days it answers; zero means unbounded.
	ValidFrom, ValidUntil time.Time
}

// Validate reports every problem: no ID or SKU, not exactly one of buyer and group, a price that is
// not > 0, an end that is not after the start.
func (c ContractPrice) Validate() error {
	setPlaces(&c.Price)
	var errs []error
	if c.ID == "" {
		errs = append(errs, b2bkit.Invalid("id", "must be set"))
	}
	if c.SKU == "" {
		errs = append(errs, b2bkit.Invalid("sku", "must be set"))
	}
	if (c.Buyer == "") == (c.Group == "") {
		errs = append(errs, b2bkit.Invalid("buyer", "exactly one of buyer and group must be set"))
	}
	if !checkNumber(c.Price) || c.Price.Sign() <= 0 {
		errs = append(errs, b2bkit.Invalid("price", "must be > 0 and in range"))
	}
	if !c.ValidFrom.IsZero() && !c.ValidUntil.IsZero() && !c.ValidUntil.After(c.ValidFrom) {
		errs = append(errs, b2bkit.Invalid("valid_until", "must be after valid_from"))
	}
	return errors.Join(errs...)
}

// covers reports whether the contract answers for a day.
func (c ContractPrice) covers(at time.Time) bool {
	return (c.ValidFrom.IsZero() || !at.Before(c.ValidFrom)) && (c.ValidUntil.IsZero() || at.Before(c.ValidUntil))
}

// A PriceList is an in-memory price list with contract prices, safe for concurrent use. The zero
// value is an empty list. A nil *PriceList reads as an empty list, as a nil map does, and refuses
// Set and SetContracts with an error matching b2bkit.ErrInvalid.
//
// Each call is atomic, not a sequence of them: Set and SetContracts are two writes, between which a
// quote may see new list prices with the old contracts, and QuoteMany and QuoteOrder read the list
// SKU by SKU, so a list changed during one of them may price its lines from different states. A host
// that changes prices while quoting, and needs one state per order, changes them between orders or
// quotes from an engine over a list it no longer changes.
type PriceList struct {
	mu     sync.RWMutex
	prices map[b2bkit.SKU]ListPrice
	// contracts holds each party's contract prices per SKU: a buyer's, or a group's.
	contracts map[contractKey][]ContractPrice
}

// errNilList is what a nil *PriceList answers to a write: there is no list to store into.
var errNilList = fmt.Errorf("pricing: %w", b2bkit.Invalid("price list", "nil: declare a PriceList or make one with NewPriceList"))

type contractKey struct {
	buyer b2bkit.CompanyID
	group string
	sku   b2bkit.SKU
}

// NewPriceList returns a price list holding prices; it fails like Set on the first bad one, and then
// holds nothing.
func NewPriceList(prices ...ListPrice) (*PriceList, error) {
	l := &PriceList{}
	if err := l.Set(prices...); err != nil {
		return nil, err
	}
	return l, nil
}

// Set stores the prices, replacing any of the same SKUs. If one is invalid, or carries a contract
// (a Contract with a price: contract prices are kept with SetContracts), it stores none of them and
// the error, matching b2bkit.ErrInvalid, names it ("prices[3].price"). A Contract with a zero price
// is none, whatever ID or group it names, and is not kept: ListPrice answers the contracts
// SetContracts stored.
func (l *PriceList) Set(prices ...ListPrice) error {
	if l == nil {
		return errNilList
	}
	for i, p := range prices {
		err := p.Validate()
		if err == nil && !p.Contract.Price.IsZero() {
			err = b2bkit.Invalid("contract", "contract prices are kept with SetContracts")
		}
		if err != nil {
			return fmt.Errorf("pricing: %w", b2bkit.InField(fmt.Sprintf("prices[%d]", i), err))
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.prices == nil {
		l.prices = make(map[b2bkit.SKU]ListPrice, len(prices))
	}
	for _, p := range prices {
		p.Prices, p.Attributes = maps.Clone(p.Prices), maps.Clone(p.Attributes)
		p.canonicalize()        // stored as the values they are
		p.Contract = Contract{} // none (see above): an ID without a price is no contract to answer
		l.prices[p.SKU] = p
	}
	return nil
}

// SetContracts stores contract prices, replacing any with the same party, SKU and ID. A contract
// that is invalid (matching b2bkit.ErrInvalid), or that overlaps in time another of the same party
// and SKU (matching b2bkit.ErrConflict: the list could not say which answers), stores none of them;
// the error names it ("contracts[2]").
func (l *PriceList) SetContracts(contracts ...ContractPrice) error {
	if l == nil {
		return errNilList
	}
	for i, c := range contracts {
		if err := c.Validate(); err != nil {
			return fmt.Errorf("pricing: %w", b2bkit.InField(fmt.Sprintf("contracts[%d]", i), err))
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	next := maps.Clone(l.contracts)
	if next == nil {
		next = map[contractKey][]ContractPrice{}
	}
	for i, c := range contracts {
		setPlaces(&c.Price) // stored as the value it is
		k := contractKey{c.Buyer, c.Group, c.SKU}
		kept := slices.DeleteFunc(slices.Clone(next[k]), func(x ContractPrice) bool { return x.ID == c.ID })
		for _, x := range kept {
			if overlap(x.ValidFrom, x.ValidUntil, c.ValidFrom, c.ValidUntil) {
				return fmt.Errorf("pricing: contracts[%d]: %w", i, &b2bkit.RecordError{Kind: "contract", ID: xerr.Echo(c.ID),
					Problem: fmt.Sprintf("overlaps contract %s of the same party for sku %s", xerr.Echo(x.ID), xerr.Echo(string(c.SKU))), Err: b2bkit.ErrConflict})
			}
		}
		next[k] = append(kept, c)
	}
	l.contracts = next
	return nil
}

// overlap reports whether two periods [from, until) share an instant; zero bounds are open.
func overlap(aFrom, aUntil, bFrom, bUntil time.Time) bool {
	return (bUntil.IsZero() || aFrom.IsZero() || aFrom.Before(bUntil)) && (aUntil.IsZero() || bFrom.IsZero() || bFrom.Before(aUntil))
}

// Delete removes the SKU's price; deleting an absent SKU does nothing.
func (l *PriceList) Delete(sku b2bkit.SKU) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.prices, sku)
}

// ListPrice returns what the list holds for q.SKU, with the contract price of q.Buyer valid at
// q.At, or else of q.Group, or an error matching b2bkit.ErrNotFound. The maps of the answer are
// the list's own: a caller reads them and does not change them.
func (l *PriceList) ListPrice(ctx context.Context, q PriceQuery) (ListPrice, error) {
	if err := ctx.Err(); err != nil {
		return ListPrice{}, err
	}
	if l == nil {
		return ListPrice{}, fmt.Errorf("pricing: %w", b2bkit.NotFound("sku", string(q.SKU)))
	}
	l.mu.RLock()
	p, ok := l.prices[q.SKU]
	if ok && len(l.contracts) > 0 {
		p.Contract = l.contract(q)
	}
	l.mu.RUnlock()
	if !ok {
		return ListPrice{}, fmt.Errorf("pricing: %w", b2bkit.NotFound("sku", string(q.SKU)))
	}
	return p, nil
}

// contract is the contract price answering q: the buyer's, or else the group's.
func (l *PriceList) contract(q PriceQuery) Contract {
	for _, party := range [2]struct {
		buyer b2bkit.CompanyID
		group string
	}{{q.Buyer, ""}, {"", q.Group}} {
		if party.buyer == "" && party.group == "" {
			continue
		}
		for _, c := range l.contracts[contractKey{party.buyer, party.group, q.SKU}] {
			if c.covers(q.At) {
				return Contract{ID: c.ID, Price: c.Price, Group: party.group}
			}
		}
	}
	return Contract{}
}

// SKUs returns the SKUs on the list, sorted.
func (l *PriceList) SKUs() []b2bkit.SKU {
	if l == nil {
		return nil
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	return slices.Sorted(maps.Keys(l.prices))
}

// sortedKeys are m's keys in order, so that errors come in the same order every time; none for an
// empty map, without sorting.
func sortedKeys[V any](m map[string]V) []string {
	if len(m) == 0 {
		return nil
	}
	return slices.Sorted(maps.Keys(m))
}
