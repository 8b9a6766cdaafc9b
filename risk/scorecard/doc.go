// Package scorecard builds a credit scorecard (评分卡开发) from data: the risk.Scorecard that
// risk.Scorecard.Score runs when a buyer asks for credit (授信). Credit teams usually build their
// cards in Python and then write them again by hand in the service that decides; here the card is
// built where it runs, from the platform's own trade features (risk.Features), deterministic and
// explained bin by bin.
//
// # The flow
//
//  1. Data: one Column per candidate variable, numeric or categorical, with the rows that are
//     missing marked (never a silent zero), and Bad, the outcome of every row (for instance 90 days
//     past due within the performance window). Collect reads risk.FeatureSet values from a stream.
//  2. Binning (分箱), BinColumn: manual breaks, equal frequency, ChiMerge or a tree split over fine
//     classes, with at most MaxBins bins of at least MinBinShare of the rows each, optionally with
//     a monotonic weight of evidence; a missing value always gets a bin of its own.
//  3. Weight of evidence and information value (WoE, IV) per bin, with R's scorecard package's
//     sign: WoE = ln((bad_i/bad) / (good_i/good)), so a positive WoE is a riskier bin. Variables
//     are filtered by IV, missing share and identical-value share.
//  4. Logistic regression of bad on the WoE of the variables kept (FitLogistic): iteratively
//     reweighted least squares, optional L2, standard errors, and an error matching
//     b2bkit.ErrInvalid when the design is singular or separable or the fit does not converge.
//  5. Scaling (Scaling): points to double the odds (PDO), base points at base odds. A higher score
//     is always better credit, as risk's grades, KS and AUC read it. Each bin's points are rounded
//     once, to Scaling.Places.
//  6. Validation (Assess): KS, AUC and Gini (risk.KS, risk.AUC), PSI against a baseline
//     (risk.PSI), and a gains table by score band.
//
// Build runs steps 2 to 6 and returns a Model: the risk.Scorecard, every bin with its counts and
// WoE, the coefficients with their standard errors, and why each variable left out was left out.
//
// # Conventions, declared
//
//   - Bins are left-closed, [a, b), as R's scorecard package and risk.Scorecard read them: a value
//     on a break belongs to the bin above it. RightClosed, (a, b], is there for comparing a binning
//     with tools that use it (pandas.cut); Build refuses it, since risk.Scorecard cannot run it.
//   - A computed break is the shortest decimal between the last value of one bin and the first of
//     the next (durations 10 and 12 cut at 11, amounts 1169 and 1175 at 1170), so a card reads
//     like one a person wrote, and every row of the data falls in the same bin whether it is read as
//     a float64 here or as a decimal by risk.Scorecard.Score. A number is compared as the shortest
//     decimal that reads back as the same float64 (decimal.NewFromFloat), which is the decimal itself
//     for any decimal of up to 15 significant digits, as risk's features are.
//   - The empty-cell rule is explicit (EmptyCell): by default, as R scorecard's iv(), a bin with no
//     good or no bad counts 0.99 of them, and the shares are recomputed from the counts so adjusted.
//     A manual bin with no rows at all weighs nothing (WoE and IV 0, as optbinning's binning table)
//     and takes no part in the rule, so the other bins weigh as R's woebin weighs them without it.
//   - Categories are put in order of their bad rate (ties by name) before they are merged, so merges
//     join categories of similar risk.
//   - Determinism: the same rows in any order give the same card, byte for byte, in JSON. Counts are
//     integers, values are sorted, and the regression runs on the distinct combinations of bins
//     (with their counts) in sorted order, so no floating-point sum depends on the order of rows.
//
// # Why gonum
//
// The regression needs a Cholesky factorisation and an inverse (for the standard errors) of a small
// symmetric matrix, solved well and failing loudly when the design is singular. That is numerical
// linear algebra, where a tested library is worth more than a hand-written solver, so this package
// (and only the numerical packages of b2bkit) imports gonum.org/v1/gonum/mat. Nothing of gonum
// appears in the API: designs are [][]float64 and results are plain Go values.
package scorecard
