// Package risk is supply-chain finance (供应链金融) on the platform's own trades: who may buy on
// credit and how much, whether a trade is real, and whether a receivable or a lot of goods can be
// financed. Its edge is the data of real transactions (R17): the platform sees every order, shipment,
// invoice and payment, which no bank and no spreadsheet of a buyer's accounts can.
//
// # Credit: from trades to a decision on one order
//
// The credit half follows the way a credit desk works:
//
//  1. Features (FeaturesContext with options) turns a buyer's History — its orders, shipments, invoices and payments as streams
//     (iter.Seq2[T, error], read once, so a failing database cursor fails the features), its wallet
//     estimates and its key persons' job changes — into a FeatureSet as of a date: tenure, monthly
//     volume and its trend and volatility, on-time payment, days past due (逾期) and the overdue
//     buckets, disputes, seller concentration, penetration, a key person lost. Nothing dated after the
//     date is read, and a feature that cannot be computed (a new buyer has no trend) is Missing, never
//     a silent zero. The loops add money in int64 minor units and convert once.
//  2. A Scorecard (plain data, JSON) scores the features: each attribute puts its feature in a bin
//     and gives its points; the total gives a grade; the reason codes name the attributes that lost
//     the most points against their best bin, worst first, with the value that put them there.
//     DefaultScorecard is a starting point for trade credit, not a validated model: build your own
//     from your data with the risk/scorecard package (binning, WoE/IV, logistic regression, scaling).
//     Score with a compiled card: compile the card once (Scorecard.Compile) and keep it. It scores
//     exactly as the card does, comparing integers where the card compares decimals, without
//     allocating; the Result builds its points and reasons when asked.
//  3. A LimitPolicy turns the grade into a credit line (授信额度): a multiple of the buyer's average
//     monthly volume times the credit months of its usual terms (账期), capped per grade, zero for the
//     worst, rounded down to a step, with a review date and a log a person can read line by line.
//  4. ExposureAt adds up what the buyer owes or will owe (敞口): unpaid invoices, orders not yet
//     invoiced, and financed amounts outstanding (FinancedOutstanding reads them from the registry).
//  5. CheckOrder weighs one order against the limit less the exposure: the credit an order adds is its
//     total times the share of its payment terms due after delivery, so prepaid and cash on delivery
//     add none. It approves, holds or rejects — and when the order does not fit it proposes terms that
//     do (the smallest deposit in 5-point steps, or cash on delivery), each priced by the same
//     pricing.Engine the sales desk quotes with, so a rep can say what 40% down costs the buyer.
//  6. Warnings reads the features for early warning (预警, R21): volume falling against its own
//     baseline, payments slipping, penetration falling, a key person gone, anything 90 days past due;
//     each signal has a code, a severity and a suggested action (review, freeze the limit, cut it).
//  7. PSI, KS and AUC monitor a scorecard in use: whether this month's scores still look like the ones
//     it was built on, and whether they still separate the buyers who paid from those who did not.
//
// # Trade finance: real trades, financed once
//
// Supply-chain finance loses money on trades that never happened and on receivables financed twice.
//
//   - VerifyTrade checks the three flows of one trade against each other (三流合一, R15, R18): the
//     order, its shipments and receipts, its invoices and credit notes, its payments. Every exception
//     has a stable code, the record it concerns and the figures on both sides; money paid by anyone but
//     the buyer, or to anyone but the seller, is one. The verdict says how much the flows support
//     financing: the least of what was received, invoiced and left unpaid.
//   - The receivables registry (R19): FingerprintOf fingerprints each invoice from its normalised
//     number (case, spaces, dashes and full-width characters do not hide a rewritten number), seller,
//     debtor, amount, currency and due date, and a Ledger follows it through offered, confirmed by the
//     debtor (确权), financed and repaid, each step dated and attributed. Financing what another lender
//     holds is a conflict naming the holder. The Ledger writes through the Registry's version check,
//     so the rule holds on any Registry under concurrency; MemoryRegistry is the in-memory default and
//     risk/risktest the conformance suite an adapter passes, 64 goroutines racing to finance one
//     receivable included. FinancedOutstanding feeds the exposure.
//   - Eligibility (R16, R20, 要么做链,要么做货): ReceivableEligibility says a trade paid 100% cash
//     against goods (现款现货) has no financial side; ChainEligibility needs at least two linked trades
//     whose goods, quantities and dates agree; GoodsEligibility checks, in this order and stopping at
//     the first failure, that the goods can be valued (判得准: a reference price from the match log
//     through a Valuer, which *matching.Book is, not a thin market), held (看得住: custody or title)
//     and sold (卖得掉: how many days such goods take to sell here); the advance is the valuation less
//     a haircut that grows as liquidity falls (a HaircutSchedule).
//
// # Numbers
//
// Money is decimal and exact (R26): limits, exposures, credits and financeable amounts are
// decimals at the currency's scale. Scores, points and the monitoring statistics are float64: they are
// statistics, not money.
package risk
