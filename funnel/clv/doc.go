// Package clv says which customers will buy again, how much, and which are quietly leaving: the
// service team's view of the accounts a ground-sales campaign hands over after month 3 (R9), who work
// on penetration for years and need to know where to spend their visits.
//
// # Histories
//
// Summarize turns a stream of funnel.Purchase values (or, with SummarizeFunc, records of any type; Seq
// adapts a plain iter.Seq) into one History per customer at the end of a calibration period:
// purchases of one customer on one calendar day count as one, frequency is the number of repeat days
// (the first purchase is not a repeat), recency and age T run from the first purchase day, in weeks
// or days. It reproduces the published CDNOW summary exactly. ReadCSV loads histories summarised
// elsewhere.
//
// # How often: BG/NBD
//
// FitBGNBD fits the beta-geometric/negative binomial model (Fader, Hardie & Lee 2005, "Counting your
// customers the easy way") by maximum likelihood and reports the log-likelihood as a sum over
// customers. On the CDNOW sample it gives the published r = 0.2426, alpha = 4.4135, a = 0.7929,
// b = 2.4258, LL = -9582.43. From a fitted model, Predict gives the probability a customer is alive
// (P(alive), 1 for a customer who has not repeated, since in BG/NBD one drops out only right after a
// purchase) and the purchases expected in the next t; ExpectedPurchasesNew the purchases of a new
// customer by t. The expectations need the Gauss hypergeometric function 2F1: it is summed here from
// its series after Euler's transformation, which keeps it fast and accurate for frequent buyers where
// gonum's mathext.Hypergeo is not (see the tests).
//
// # How much: Gamma-Gamma
//
// FitGammaGamma fits the gamma-gamma spend model on the customers with a repeat purchase, from their
// average spend per repeat purchase day (the first day left out), and reports the correlation of
// frequency and spend that the model assumes away. On CDNOW it gives p = 6.25, q = 3.74,
// gamma = 15.44, the published figures. Model.Value joins both into the expected spend per purchase
// and the customer lifetime value over a horizon, discounted monthly: the figure a rep's lifetime
// attribution is paid on (R10).
//
// A fitted model is plain data: save it with json.Marshal and load it with LoadModel (or
// json.Unmarshal), which reads it strictly, to score accounts later without refitting.
//
// # The hand-off
//
// Rank scores a campaign's hand-off accounts (funnel.Report.HandOff), ranks them by value and
// probability alive, and flags the ones at risk of silent churn (沉默流失): unlikely to be alive
// although, by their own rhythm, they should have bought by now.
//
// # Why gonum
//
// A fit is a maximum-likelihood problem in four (or three) parameters with a likelihood that has long
// flat ridges; hand-written Newton or Nelder-Mead loops are where the Python `lifetimes` package's
// users met silent non-convergence. The fits here run gonum's optimize.BFGS on log-parameters with the
// exact gradient (digamma from gonum's mathext), from several starts, check the gradient at the
// answer themselves, and fail with a FitError rather than return a fit that did not converge or ran a
// parameter off to zero or infinity. gonum is used only for that numerical work.
//
// # Numbers
//
// Parameters, likelihoods, probabilities and expected counts are float64 statistics; money read from
// purchases is summed exactly in minor units, and money predicted (expected spend, lifetime value)
// is rounded once to ValueScale places, half to even (R26). Every error on bad input matches
// b2bkit.ErrInvalid and names the record or field; nothing panics.
package clv
