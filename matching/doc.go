// Package matching is the match log (撮合记录) of a B2B platform and what it knows. Matching for its
// own sake, or bought with subsidies to put volume on the board, is worthless (R12); a match is worth
// something when it is recorded — who bought how much, at what price, when, on what terms — and the
// record prepares the next trade (R13).
//
// # The log is the record
//
// A Match is one deal the platform brought about: buyer, seller, SKU, quantity, unit price, currency,
// trade terms, time, status, the subsidy the platform paid to make it happen, whether the platform
// itself was seller of record (自营) or a third-party seller was (平台, R14), and the channel it came
// through. A Log is the durable record of matching and nothing else: every match appended, and every
// change of status — proposed -> accepted -> fulfilled, or cancelled from proposed or accepted — as
// a dated event saying who moved it and when, never an edit. Each entry gets a sequence number in
// commit order, and the log is read from a number onward (Log.Since), so any reader replays it from
// the start and follows it from where it stopped. Appends are idempotent on Match.ID and come in
// atomic batches, for importing history. The contract an adapter keeps is on Log;
// matchingtest.Run checks it. MemoryLog is the in-memory reference: the matches and the status
// changes, each in commit order in fixed-size chunks, and two indexes by match ID — where its match
// stands (a Go map keyed by a hash of the ID, checked against the ID stored) and where its last
// change stands. It holds a match in 144 bytes: names and payment schedules once, by number.
//
// # The book is a projection
//
// A Book keeps its own copy of what the log says, shaped for the questions it answers: a column per
// field, names interned and referred to by number, times as int64 nanoseconds, amounts as int64
// coefficients and exponents, each status change as the time it happened, and lists of each SKU's
// rows (and, once a question needs them, each buyer's and seller's) in time order — about 130 bytes
// a match, 145 with the buyer and seller lists. A SKU's list carries each row's price, terms and
// seller beside it, so a question on a busy SKU reads its window as one block. It builds the copy by replaying the log from sequence 0 and keeps it current by reading
// what was committed since its last entry, before every question or on Refresh. It reads every Log
// through Since alone, so it answers as fast over a host's database as over MemoryLog. A snapshot
// (SaveSnapshot, LoadSnapshot) lets a service restart from the copy and read only what came since.
//
// Every question is answered as of the book's clock: a match counts with the status it had then,
// so a report reproduces as of a past date by giving the book a clock set to it; matches made and
// changes dated after the clock are left out. The book, not the log, refuses to record a match or a
// change dated after its clock by more than Options.FutureSkew: the log has no clock and stores
// what it is given.
//
//   - ReferencePrice: what has this SKU really traded at, restated to the terms of the request at hand
//     (the quantity, payment and booking time of each past deal taken out with Engine.Normalize, the
//     request's put in) — median, quartiles, volume-weighted mean, and whether the market is thin;
//     with rules (ReferenceRules) that leave out subsidised trades and outliers and cap one buyer's
//     weight, each declared in the result with what it left out;
//   - Rhythm: how often a buyer re-orders a SKU, how much, when the next order is due, and whether the
//     buyer has gone quiet — or that two orders are too few to say;
//   - Rank: which sellers to offer a buyer's request, scored on the four needs 多快好省 — selection,
//     speed, quality, price — with at most two of them as the focus, which decides first (R14);
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
// count. The volume-weighted mean is sum(price x quantity) / sum(quantity), rounded once HalfUp at
// Options.MeanScale places. Sums run in integers at known scales, overflow checked, and fall back to
// exact decimals for amounts beyond them (capital goods priced in VND or IDR). Intervals between
// orders are calendar days in Options.Location and their statistics are float64.
//
// # Speed
//
// A reference price over a busy SKU asks the pricing engine once per distinct set of terms it has
// never seen and once per request, not once per match: Engine.Normalize is p x F(to) / F(from), so
// the book remembers each set of terms' factor against a canonical request and restates every price
// in integer arithmetic, exactly (see ReferencePriceWith). Health reads the window's matches and a
// table of each buyer's first order, not every buyer's history. No fast path is kept for MemoryLog
// that another store could not have.
package matching
