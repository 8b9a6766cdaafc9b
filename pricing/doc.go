// Package pricing quotes B2B deals by their trade terms (交易条件, R11). In B2B a price is never just
// a number on a list: 10,000 units are not priced like 100, 30% deposit and 70% on delivery is not
// cash against goods (现款现货) and net 60 (账期) is neither, and an order wanted tomorrow is not one
// booked two months ahead. This is why B2B prices are not transparent (价格不透明): each buyer's price
// is his own. The package makes that price exact and makes it explain itself, line by line — for
// one line, for a whole catalogue, and for a whole order.
//
// # Policy
//
// A Policy is a pricing procedure, like an SAP pricing procedure: an ordered list of steps, plain
// data loaded from JSON with LoadPolicy and checked as a whole with Validate. The line steps are:
//
//   - base: the starting price — the list price from the PriceSource, a contract price (协议价),
//     or a formula on a figure the source gives: cost plus a margin ("formula": "cost",
//     "percent": "25"), another price list less a percent ("list:distributor", "-5"), or the
//     buyer's contract price held in the host's database ("contract"); the base line says where
//     each figure came from;
//   - quantity: volume breaks (every unit at the band's rate) or graduated breaks (each band's units
//     at its own rate) on the line quantity — or, for a mixed-case rule (Rule.Mix), in QuoteOrder,
//     on the units of all the order's lines the rule matches (any 12 bottles of the category);
//   - payment: the time value of the schedule, price x rate x (CreditDays(request) −
//     CreditDays(reference)) / 365, with the annual rate per tier or risk grade and cash on delivery
//     as the default reference, so a deposit earns a discount and credit costs money; it may also
//     offer an early-payment alternative ("2/10 net 30") on the buyer's own schedule: the
//     installments still owed after the discount days (never a deposit) less the discount, but
//     never so little that the buyer pays less in all than the quote for paying them on the last
//     discount day, so that paying early never beats paying then on schedule; its yearly return is
//     worked out against the buyer's own due dates (EarlyPaymentOffer);
//   - lead_time: bands over the booking time (Terms.LeadDays): a rush surcharge for tomorrow, a
//     discount for booking two months ahead;
//   - tier: a customer tier's privilege (特权特价, R4), a percentage or a fixed amount — or any
//     percentage rule scoped by the goods, such as a category's promotion;
//   - guardrail: a floor (cost plus a minimum margin) and a maximum total discount against the base
//     price; a breach either clamps the price or marks the quote NeedsApproval, as the rule says.
//     The limits hold for the final price: they are checked again after the rounding, which raises
//     a clamped price to the next price on its grid that keeps to them, or asks for approval;
//   - rounding: scale, mode and increment of the unit price; the total is round(unit price x
//     quantity) at the same scale and mode, except under graduated breaks (below).
//
// The order steps (Policy.Order), which QuoteOrder runs after pricing the lines, are order_discount
// (bands over the value of the lines a rule applies to, or a fixed amount: a discount or a
// small-order surcharge), freight (by weight, in bands of kilograms with a rate per kilogram, or by
// value, in percent, plus a fixed amount, waived from an order value) and free_goods ("buy 50, get
// 1 free", as goods of their own that cost nothing).
//
// Policy.Units says what a quote does with a quantity that is not a whole number of the SKU's packs
// or is below its minimum order quantity (起订量): refuse it (the default) or round it up and say so.
// Policy.Tax says the prices are with VAT (含税价) or without it (不含税价); a quote then shows the VAT
// of each line at its SKU's rate, rounded per line or per invoice (per rate, allocated to the lines)
// as declared, and the schedule is of what the buyer pays.
//
// # Rules
//
// Rules within a step are scoped — by buyer, buyer group (集团: a restaurant chain, a purchasing
// group), tier, risk grade, SKU, and any SKU attribute the price source gives (a category, a brand,
// an origin; a category tree is one attribute per level) — and may carry validity dates, matched
// against the date of the quote (the engine's clock), or against the order date where the rule
// says so (ByOrderDate); a backdated order does not revive an expired promotion. Each step says how
// matching rules combine, in policy order: the most specific wins, the best for the buyer wins, they
// add, they compound, or the first that applies wins (a declared priority, like an SAP access
// sequence). Which scope is the more specific is the step's declared Precedence (by default buyer,
// group, tier, grade, SKU; a step with attribute rules declares it, "sku", "brand", "category"),
// and two rules that tie are a Validate error, not a runtime surprise.
//
// A rule may exclude later steps (Rule.Excludes): a contract price that must not also take the
// volume and tier discounts, or an order discount. A skipped step still shows in the quote, naming
// the rule that would have applied and the one that excluded it ("tier skipped: contract price").
//
// # Price sources
//
// A PriceSource answers a PriceQuery — a SKU, for a buyer and its group, on the quote's day — with
// what the catalogue says: the list price, the cost, the buyer's (or else its group's) contract
// price valid that day, prices on other price lists, the attributes, the VAT rate, the pack size,
// the minimum order quantity and the weight. Per-customer prices live in the host's database, not in
// the policy. PriceList is the in-memory default, with contract prices (SetContracts);
// pricingtest.Run is the conformance suite an adapter over a database runs; a BatchPriceSource
// answers a block of queries at once.
//
// # Quotes
//
// NewEngine compiles a validated policy (rules indexed by SKU and by attribute value, percents
// turned into fractions) and Engine.Quote prices a Request: the quote echoes the request, carries
// one Adjustment per rule that applied (or that an exclusion skipped), the quantity priced, the
// unit price and total, the VAT, the payment schedule (exact: the installments sum to what is
// paid), the early-payment alternative, NeedsApproval with its reasons, the policy's version (the
// SHA-256 of its canonical JSON) and a validity date from the clock in Options. Under graduated
// breaks the quote prices each band's units at that band's rate: the line is cut at the band
// bounds, each part is priced through the whole policy (so the later steps, the guardrails and the
// rounding apply to each band's price), Quote.Bands lists the parts, the total is their sum
// rounded once, and the unit price is derived from it (total / quantity, rounded alike); the
// quantity line shows the effective rate over the whole quantity, the rounding line ends at the
// unit price so derived, and a part whose price a guardrail raised says so. Quote.Explain renders
// it for a person; the same inputs give the same bytes. Engine.Compare puts alternative terms side
// by side; Engine.QuoteMany prices a whole catalogue for one buyer, reusing the work that depends
// only on the terms; Engine.QuoteOrder prices a whole order, its order steps allocated to its lines
// with b2bkit.Allocate so that the lines and the order reconcile exactly (OrderQuote);
// Engine.Normalize restates a price agreed under one quantity and terms as the price under others,
// which package matching uses for reference prices.
//
// # JSON
//
// Policy, Request, ListPrice, Quote and their parts read and write JSON with snake_case names,
// enums as words ("lead_time", "best_for_buyer", "half_up"), decimals as strings and times in RFC
// 3339. Reading is strict: unknown fields, keys not written exactly as the field's name
// (encoding/json would match "Valid_Days" or "valid_dayſ"), a key given twice in one object, null
// for an object or a list's element (which encoding/json reads as a zero band: open, from 0),
// numbers with exponents ("1e999999") and oversized documents are errors matching
// b2bkit.ErrInvalid, naming the field by its path ("policy.steps[3].rules[0].bands[2].percent").
// The names of attributes and price lists follow the same rule: lower-case snake_case.
//
// # Cost
//
// NewEngine does the per-policy work once (validation, percent-to-fraction conversion, rules indexed
// by SKU and attribute, every number the steps read also kept as an integer coefficient and
// exponent), so a quote looks its SKU and attributes up once and only walks the rules that can
// match. The walk through the steps works in integers — 64-bit coefficients with 128-bit products
// — that give exactly the digits and the exponent the decimal operations would, and takes the
// decimal path only for a number that does not fit; it makes no decimal and no line. The quote is
// written out after the walk: a decimal is made only for a number the quote returns, once, and a
// price a line leaves unchanged is the same decimal. The walks that only want a price — the same
// request on the terms that bound an early-payment offer, which resumes at the first payment step
// since nothing before it depends on the schedule, and each part of a graduated line — make no
// decimal at all; the price on the offer's terms is mostly not walked but replayed: the quote's own
// lines from the payment step on, worked out again on the other payment fraction (the same rules
// apply on any terms), with the guardrails and the rounding applied to it. A schedule is split in
// minor units from the shares the terms analysis keeps. An engine keeps a pool of the working
// memory of its quotes, so a quote allocates only what it returns, and Quote makes the lines,
// bases, offer and schedule of its quote in one allocation. For Quote, which a host calls line by
// line, an engine also keeps (bounded, per distinct terms) the terms analysis, due dates, payment
// fractions and early-payment constants, and (per buyer, group, tier and grade, when no rule
// without a SKU is dated) the rules without a SKU that match: what QuoteMany shares within a call.
//
// QuoteMany shares what does not depend on the line: the clock reading and validity date, the terms
// analysis, due dates and early-payment terms for consecutive requests with the same terms, and the
// buyer's rules without a SKU. It makes the lines, dues, breaches, bases and early-payment offers of
// all its quotes in chunks of at most 32 KiB. A source that is also a BatchPriceSource is asked for
// 256 SKUs at a time. QuoteOrder prices its lines the same way and works out the order steps and the
// VAT in minor units at the order's scale. b2bkit.Terms.Validate passes plainly valid terms without
// allocating, which Quote and Normalize rely on.
//
// Most of a quote's cost is its explanation: a line per step, each with the decimals it shows. A
// host that prices a catalogue only to publish or compare prices sets Options.PricesOnly, and Quote
// and QuoteMany leave the lines out (Quote.Steps is nil; every other field is the same).
//
// # Exactness
//
// Money is shopspring/decimal. Nothing divides with Div: the payment step and graduated breaks
// divide with DivRound at FractionScale places, every per-unit adjustment is rounded HalfUp to
// AmountScale places when it is made, and the rounding step is the one declared point where the
// unit price takes its final scale. Order-level amounts are rounded to the order's scale and split
// among the lines with b2bkit.Allocate, whose parts sum to the whole.
package pricing
