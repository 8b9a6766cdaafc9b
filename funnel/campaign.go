package funnel

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// MaxTargets is the most companies a campaign's target list may hold.
const MaxTargets = 5_000_000

// A Campaign is one ground-sales push (地推) in one territory: a frozen list of target companies the
// team must reach, starting on the first day of month 1. Every window of the campaign is a calendar
// month anchored on that day in the campaign's time zone.
type Campaign struct {
	// ID names the campaign for the host; optional.
	ID string `json:"id,omitempty"`
	// Territory is the city or district the team works, as the host names it ("Hangzhou-Xihu").
	// Touches recorded in another territory are reported apart.
	Territory string `json:"territory"`
	// Start is the first day of month 1, a calendar date in TimeZone: month 1 runs from midnight of
	// that date in TimeZone to midnight of the same day one month later (where the zone skips a
	// midnight, the day begins when its clocks jump forward). Give it as midnight of the
	// date, in TimeZone or in any other location: midnight UTC of 1 March ("2026-03-01T00:00:00Z")
	// means 1 March, also for a campaign in New York, where that instant is still 28 February. Any
	// other instant must fall on the same date where it was given and in TimeZone; one that does not
	// (16:30 UTC on 31 January is 1 February in Shanghai) is ambiguous and refused, never shifted a day.
	Start time.Time `json:"start"`
	// TimeZone is the IANA name of the zone the windows are counted in ("Asia/Shanghai"). Empty
	// means UTC.
	TimeZone string `json:"time_zone,omitempty"`
	// Targets is the frozen target list: the companies the team must reach. The list is fixed when
	// the campaign starts; a company added later is not a target, so the rates cannot be gamed by
	// growing or shrinking the denominator.
	Targets []b2bkit.CompanyID `json:"targets"`
}

// Location loads the campaign's time zone: UTC when TimeZone is empty.
func (c Campaign) Location() (*time.Location, error) {
	if c.TimeZone == "" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return nil, b2bkit.Invalid("time_zone", "unknown time zone %q", xerr.Echo(c.TimeZone))
	}
	return loc, nil
}

// Validate reports every problem with the campaign: no territory, no start, an unknown time zone,
// an empty target list, too many targets, an empty or repeated target. Errors match b2bkit.ErrInvalid
// and name the field ("targets[3]").
func (c Campaign) Validate() error {
	_, err := prepare([]Campaign{c}, false)
	return err
}

// fieldProblems lists the campaign's problems other than those of single targets.
func (c Campaign) fieldProblems() []error {
	var errs []error
	if c.Territory == "" {
		errs = append(errs, b2bkit.Invalid("territory", "must be set"))
	}
	if c.Start.IsZero() {
		errs = append(errs, b2bkit.Invalid("start", "must be set"))
	}
	if loc, err := c.Location(); err != nil {
		errs = append(errs, err)
	} else if !c.Start.IsZero() {
		if _, _, _, err := startDate(c.Start, loc); err != nil {
			errs = append(errs, err)
		}
	}
	switch {
	case len(c.Targets) == 0:
		errs = append(errs, b2bkit.Invalid("targets", "must list at least one company"))
	case len(c.Targets) > MaxTargets:
		errs = append(errs, b2bkit.Invalid("targets", "must list at most %d companies", MaxTargets))
	}
	return errs
}

// plainCampaign is a Campaign without its methods, as it is decoded.
type plainCampaign Campaign

// UnmarshalJSON reads a campaign strictly: unknown fields and trailing data are errors matching
// b2bkit.ErrInvalid. It does not validate; LoadCampaign does.
func (c *Campaign) UnmarshalJSON(b []byte) error {
	var p plainCampaign
	if err := wire.DecodeStrict(b, &p); err != nil {
		return err
	}
	*c = Campaign(p)
	return nil
}

// LoadCampaign reads one campaign as JSON from r, at most b2bkit.MaxJSONBytes, rejecting unknown
// fields, and validates it. Errors match b2bkit.ErrInvalid.
func LoadCampaign(r io.Reader) (Campaign, error) {
	if r == nil {
		return Campaign{}, fmt.Errorf("funnel: campaign: %w", b2bkit.Invalid("", "no reader"))
	}
	data, err := io.ReadAll(io.LimitReader(r, b2bkit.MaxJSONBytes+1))
	if err != nil {
		return Campaign{}, fmt.Errorf("funnel: campaign: read: %w", err)
	}
	// Decoded as a plain campaign, once: decoded as a Campaign, the document was checked and read a
	// second time, whole, by Campaign.UnmarshalJSON.
	var p plainCampaign
	if err := wire.DecodeStrict(data, &p); err != nil {
		// A refused document is named as it was, decoded as a Campaign: that checks every key for
		// duplicates before any name, and names a document that is not JSON by the decoder's message
		// ("unexpected EOF"), not as a value that is not an object.
		var c Campaign
		if again := wire.DecodeStrict(data, &c); again != nil {
			err = again
		}
		return Campaign{}, fmt.Errorf("funnel: campaign: %w", err)
	}
	c := Campaign(p)
	if err := c.Validate(); err != nil {
		return Campaign{}, err
	}
	return c, nil
}

// MarshalJSON writes the campaign with its fields in snake_case and Start in RFC 3339.
func (c Campaign) MarshalJSON() ([]byte, error) {
	type plain Campaign
	return json.Marshal(plain(c))
}

// startDate is the calendar date start stands for in loc (see Campaign.Start): the date of an instant
// that is midnight in loc, else the date as written of a midnight in start's own location, else the
// date both agree on. An instant that falls on different dates is refused.
func startDate(start time.Time, loc *time.Location) (int, time.Month, int, error) {
	in := start.In(loc)
	y, m, d := in.Date()
	oy, om, od := start.Date()
	midnight := func(t time.Time) bool {
		h, mi, sec := t.Clock()
		return h == 0 && mi == 0 && sec == 0 && t.Nanosecond() == 0
	}
	switch {
	case y == oy && m == om && d == od:
		return y, m, d, nil
	case midnight(in) && !midnight(start):
		return y, m, d, nil
	case midnight(start) && !midnight(in):
		return oy, om, od, nil
	}
	return 0, 0, 0, b2bkit.Invalid("start", "%s is %04d-%02d-%02d where it was given but %04d-%02d-%02d in %s: give the start as midnight of its date",
		start.Format(time.RFC3339), oy, om, od, y, m, d, loc)
}

// monthStart is the first instant of campaign month k (1-based) in loc: the start of the start's day
// of month, k-1 months later, clamped to the month's last day (a campaign starting on 31 January
// has month 2 from 28 or 29 February). The calendar is worked out in UTC, which skips no midnight.
func monthStart(y int, m time.Month, d int, k int, loc *time.Location) time.Time {
	first := time.Date(y, m+time.Month(k-1), 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(first.Year(), first.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return b2bkit.DayStart(first.Year(), first.Month(), min(d, last), loc)
}
