package funnel

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// A City is one territory to cover: how many target companies it holds.
type City struct {
	Name    string `json:"name"`
	Targets int    `json:"targets"`
}

// A Step is one city of a Deployment: when the concentrated team covers it, and what spreading the
// same reps evenly over all cities would give it instead.
type Step struct {
	City    string `json:"city"`
	Targets int    `json:"targets"`
	// Month is the campaign month (1-based) in which the concentrated team starts the city, Months
	// how many months it takes and Workdays how many working days.
	Month    int `json:"month"`
	Months   int `json:"months"`
	Workdays int `json:"workdays"`
	// FitsInMonth is true when the whole team covers the city within one month, as R8 asks; when
	// false the city is too big for the team and should be split.
	FitsInMonth bool `json:"fits_in_month"`
	// SpreadReps is the city's share of the reps when they are spread evenly; SpreadMonths how many
	// months they need to cover it (0: never, no rep was left for it); SpreadMonth1 the share of its
	// targets they reach in month 1, at RateScale.
	SpreadReps   int             `json:"spread_reps"`
	SpreadMonths int             `json:"spread_months"`
	SpreadMonth1 decimal.Decimal `json:"spread_month1"`
}

// A Deployment is a plan for covering cities with one team (集中用兵, R8): the whole team in one city at
// a time, each city fully covered within its month so conversion can start the next, against the
// same reps spread evenly, which leaves every city half-covered for months.
type Deployment struct {
	// Capacity is the team's visits per month: reps x visits per rep per day x workdays per month.
	Capacity int    `json:"capacity"`
	Steps    []Step `json:"steps"`
	// ConcentratedMonths is how long the concentrated sequence takes; SpreadMonths how long until the
	// last city is fully covered when spread (0 when some city is never covered).
	ConcentratedMonths int `json:"concentrated_months"`
	SpreadMonths       int `json:"spread_months"`
}

// Plan sequences cities, in the order given (the host's priority), for a team of reps that each make
// visitsPerRepPerDay visits on workdaysPerMonth working days a month. Each city takes the whole team
// for ceil(targets / capacity) months; spread evenly, each city gets reps/len(cities) reps, the
// remainder going one each to the largest cities. All inputs must be > 0, workdays at most 31, city
// names set and distinct, and the team's visits a month must fit an int (a 32-bit one holds about
// 2.1e9); errors match b2bkit.ErrInvalid.
func Plan(reps int, cities []City, visitsPerRepPerDay, workdaysPerMonth int) (Deployment, error) {
	var errs []error
	if reps <= 0 || reps > 1_000_000 {
		errs = append(errs, b2bkit.Invalid("reps", "must be between 1 and 1000000"))
	}
	if visitsPerRepPerDay <= 0 || visitsPerRepPerDay > 1000 {
		errs = append(errs, b2bkit.Invalid("visits_per_rep_per_day", "must be between 1 and 1000"))
	}
	if workdaysPerMonth <= 0 || workdaysPerMonth > 31 {
		errs = append(errs, b2bkit.Invalid("workdays_per_month", "must be between 1 and 31"))
	}
	if len(cities) == 0 {
		errs = append(errs, b2bkit.Invalid("cities", "must list at least one city"))
	}
	seen := map[string]bool{}
	for i, c := range cities {
		f := fmt.Sprintf("cities[%d]", i)
		if c.Name == "" {
			errs = append(errs, b2bkit.Invalid(f+".name", "must be set"))
		} else if seen[c.Name] {
			errs = append(errs, b2bkit.Invalid(f+".name", "repeats city %q", xerr.Echo(c.Name)))
		}
		seen[c.Name] = true
		if c.Targets <= 0 || c.Targets > MaxTargets {
			errs = append(errs, b2bkit.Invalid(f+".targets", "must be between 1 and %d", MaxTargets))
		}
	}
	if len(errs) == 0 && int64(reps)*int64(visitsPerRepPerDay)*int64(workdaysPerMonth) > math.MaxInt {
		// Up to 3.1e10 visits a month: more than a 32-bit int holds, where it would wrap silently.
		errs = append(errs, b2bkit.Invalid("reps", "%d reps x %d visits a day x %d workdays is more visits a month than an int holds here",
			reps, visitsPerRepPerDay, workdaysPerMonth))
	}
	if len(errs) > 0 {
		return Deployment{}, fmt.Errorf("funnel: plan: %w", errors.Join(errs...))
	}
	perDay := reps * visitsPerRepPerDay // <= 1e9, fits
	d := Deployment{Capacity: perDay * workdaysPerMonth}

	// Spread: reps/n each, the remainder to the largest cities (ties: earlier first).
	n := len(cities)
	spread := make([]int, n)
	for i := range spread {
		spread[i] = reps / n
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(cities[b].Targets, cities[a].Targets) })
	for _, i := range order[:reps%n] {
		spread[i]++
	}

	month := 1
	for i, c := range cities {
		days := ceilDiv(c.Targets, perDay)
		months := ceilDiv(days, workdaysPerMonth)
		s := Step{City: c.Name, Targets: c.Targets, Month: month, Months: months, Workdays: days,
			FitsInMonth: months == 1, SpreadReps: spread[i], SpreadMonth1: decimal.Zero}
		month += months
		if spread[i] > 0 {
			capMonth := spread[i] * visitsPerRepPerDay * workdaysPerMonth
			s.SpreadMonths = ceilDiv(c.Targets, capMonth)
			s.SpreadMonth1 = fraction(int64(min(capMonth, c.Targets)), int64(c.Targets))
		}
		d.Steps = append(d.Steps, s)
	}
	d.ConcentratedMonths = month - 1
	for _, s := range d.Steps {
		if s.SpreadMonths == 0 {
			d.SpreadMonths = 0
			break
		}
		d.SpreadMonths = max(d.SpreadMonths, s.SpreadMonths)
	}
	return d, nil
}

// ceilDiv is a/b rounded up, for a, b > 0, without forming a+b (which may not fit).
func ceilDiv(a, b int) int { return (a-1)/b + 1 }
