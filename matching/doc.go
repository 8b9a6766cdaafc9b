// Package matching is the match log (撮合记录) of a B2B platform and what it knows. Matching for its
// own sake, or bought with subsidies to put volume on the board, is worthless (R12); a match is worth
// something when it is recorded — who bought how much, at what price, when, on what terms — and the
// record prepares the next trade (R13).
//
// # The log
//
// A Match is one deal the platform brought about: buyer, seller, SKU, quantity, unit price, currency,
// trade terms, time, status, the subsidy the platform paid to make it happen, whether the platform
// itself was seller of record (自营) or a third-party seller was (平台, R14), and the channel it came
// through. A Log keeps matches append-only and idempotent on Match.ID; the only change it allows is
// the status moving forward: proposed -> accepted -> fulfilled, or cancelled from proposed or
// accepted; a change the stored status forbids is a conflict. MemoryLog is the in-memory default, indexed by SKU, buyer and seller; matchingtest.Run
// is the conformance suite every Log must pass.
//
// # The book
//
// A Book reads a Log with a pricing.Engine and answers the questions a trading desk asks every
// morning:
//
//   - ReferencePrice: what has this SKU really traded at, restated to the terms of the request at hand
//     (the quantity, payment and booking time of each past deal taken out with Engine.Normalize, the
//     request's put in) — median, quartiles, volume-weighted mean, and whether the market is thin;
//   - Rhythm: how often a buyer re-orders a SKU, how much, when the next order is due, and whether the
//     buyer has gone quiet;
//   - Rank: which sellers to offer a buyer's request, scored on the four needs 多快好省 — selection,
//     speed, quality, price — with at most two of them as the focus (R14);
//   - Health: how many matches turn into fulfilled trades, how much of the volume depends on
//     subsidies and whether subsidised buyers come back — with a later order, unsubsidised and
//     fulfilled (R12) — and the platform/self-operated split;
//   - Demand: how much of a SKU the buyers' rhythms say will be ordered over a horizon, for stocking.
//
// # Statistics
//
// Prices stay exact decimals. A percentile is the nearest-rank percentile: the value at rank
// ceil(p/100 x n) of the n values sorted ascending, so it is always one of the prices that was
// actually paid (normalised); the median is the 50th percentile, the lower middle value for an even
// count. The volume-weighted mean is sum(price x quantity) / sum(quantity), divided once with
// DivRound (HalfUp) at Options.MeanScale places. Intervals between orders are calendar days in
// Options.Location and their statistics are float64.
//
// # Size and speed
//
// MemoryLog stores a match in about 110 bytes, its record a 64-byte cache line: buyer, seller, SKU
// and currency names, payment schedules, time zones and amounts that repeat are kept once and
// referred to by number, times are int64 nanoseconds, and IDs sit back to back in an arena, so the
// records hold no pointers for the garbage collector to follow. Its indexes keep each SKU's,
// buyer's and seller's matches in time order, so a Scan for one SKU reads that SKU's matches in its
// period and nothing else; the seller index is built by the first scan that asks for a seller
// (Rank does) and kept from then on. Append takes about a microsecond with millions of matches
// stored, a good part of it the first touch of the memory the log grows into: it finds the ID in an
// open-addressing table, and indexes matches that arrive in time order in batches, which a reader
// completes first.
//
// A reference price over a busy SKU asks the pricing engine once per distinct set of terms in the
// window, not once per match: Engine.Normalize is p x F(to) / F(from), so the book asks for the
// ratio of each set of terms once and restates every price with it in integer arithmetic, exactly
// (see ReferencePrice). It reads every Log the same way, through Scan: no fast path is kept for
// MemoryLog that another store could not have.
package matching
