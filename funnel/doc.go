// Package funnel measures a ground-sales campaign (地推) the way a B2B founder runs it: one rate at a
// time — coverage (覆盖率) in month 1, conversion (转换率) in month 2, repurchase (复购率) in month 3 —
// and then penetration (渗透率), the platform's share of each customer's purchasing, which takes years
// (R6-R10).
//
// Event funnels count the visitors who showed up. A campaign counts against a frozen target list
// (Campaign.Targets): the restaurants of one district nobody has reached yet are in the denominator.
//
// # Windows
//
// Every rate is counted over a calendar month anchored on the campaign's start, in the campaign's
// time zone: month 1 is [start, start + 1 month), month 2 the next, and so on. The start is a
// calendar date in that zone, never shifted a day by the location it was given in (see
// Campaign.Start); a start on the 31st makes the later months begin on the last day of shorter
// months. A Rate keeps its exact fraction (Numerator/Denominator) and a Value rounded once to
// RateScale places; it is Complete only once its window has closed at the report's asOf, and nothing
// dated after asOf is ever counted.
//
//   - coverage: targets touched (visit, call or onboarding) in month 1, of all targets;
//   - conversion: of those, the ones that ordered in month 2 — an order in month 1 or a late one in
//     month 3 does not count, and a company that had ordered before the start was a customer
//     already: the campaign cannot claim it, and it is counted apart (Report.Existing);
//   - repurchase: of the converted, the ones that ordered again in month 3;
//   - penetration: over the last closed months (up to three), each customer's spend on the platform
//     divided by its wallet — the estimated purchasing of the category from every supplier — and
//     the spend-weighted total. Band places a share in its band (R7) exactly at the boundaries.
//
// # Streams and bad input
//
// Evaluate reads touches, purchases and wallets as iter.Seq2[T, error] streams, each once, so a host
// streams from its database and a cursor that fails half-way fails the report instead of yielding one
// on partial data (b2bkit.Stream adapts an in-memory slice). Memory grows with the target list, not
// with the streams. Each amount is read as whole minor units at MinorScale places and added in
// 128-bit sums, so no campaign's totals overflow, even in dong or rupiah. Records that are not the
// campaign's — companies off the list, touches in another territory, touches and purchases before
// the start, anything after asOf — are counted apart in Report.Excluded, never silently dropped or
// counted; a wallet estimate made before the start still stands. Records of
// targets that are wrong in themselves — a negative purchase amount, a negative wallet, a missing time
// — stop Evaluate with an error matching b2bkit.ErrInvalid naming the record by company, time and
// position; so do a record without a company, an empty target list and an asOf before the start. A
// wrong record of a company off the list is set apart like the company's other records. A purchase
// of zero (a free sample) is counted apart, not as an order; a wallet of zero is not divided by: the
// customer is counted in Penetration.ZeroWallet.
//
// # After the rates
//
// A Report also says which phase the team is in and so which rate to chase now, lists the accounts
// to hand to the service team once month 3 has closed (R9), shows the mix of manual, semi-automatic
// and fully automatic orders per month and its shift (三把枪, R10), attributes each customer's
// lifetime purchases and gross profit to the rep who first reached it (R10), and warns when the team's
// touches are spread over other territories (集中用兵, R8). Plan lays out a concentrated deployment city
// by city against spreading the same reps; Cohorts lines many campaigns up in one table.
//
// # Many campaigns
//
// A platform runs a campaign per territory. EvaluateAll measures them all in one pass over the
// streams, with the same reports as one Evaluate per campaign: each record goes to the campaigns
// whose target list holds its company, and each campaign's concentration sees every touch of its
// team — the reps who worked its territory — wherever it was made, and no other team's.
//
// # At scale
//
// A platform that measures the same campaigns every morning, over years of purchases, prepares them
// once with NewCampaigns and calls Campaigns.Evaluate, which gives the same reports and differs in
// three ways. Amounts may come in minor units (MinorPurchase, MinorWallet), so a host that keeps
// money as integers makes no decimal per row. The purchases may come in parts — separate cursors,
// ranges of a slice — read at the same time on as many goroutines as there are processors, each part
// stopped when another fails; a host whose touches and wallets can be read beside them too says so
// (Input.Concurrent), and they are. And the per-company lists, the hand-off and each customer's share, are
// built only when Options asks for them; the rates, counts, totals and bands always are.
//
// Memory grows with the targets, not the records: the streams are read a chunk at a time, each
// chunk put in the order of a hash of the company id and walked along the targets kept in the same
// order, as a database joins two sorted inputs, so that every chunk reads and updates the targets'
// state from start to end instead of at random. On the SQL peers' synthetic campaign (10 territories,
// 100k targets, 2M purchases; see BenchmarkTenTerritories2M) it gives the answer of the peers'
// funnel.sql (../shared/peers/funnel beside the project root, not in this repository) for every
// territory.
package funnel
