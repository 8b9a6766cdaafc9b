package risk_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/risk"
)

// FuzzLoadWarningPolicy feeds the loader arbitrary bytes: it never panics, every error matches
// ErrInvalid, and a policy it accepts is valid, raises warnings without error and round-trips
// through JSON unchanged.
func FuzzLoadWarningPolicy(f *testing.F) {
	for _, s := range []string{
		`{}`,
		`{"volume_ratio":"0.7","slipping_days":"5","penetration_drop":"0.2","past_due_amount":"0"}`,
		`{"volume_ratio":0.65,"off":["key_person_gone","volume_falling"]}`,
		`{"penetration_drop":"1"}`,
		`{"slipping_days":"-1","off":["x","x"]}`,
		`{"past_due_amount":"1e9"}`,
		`{"volume_ratio":"0.7"} x`,
		`null`,
	} {
		f.Add([]byte(s))
	}
	set := warnSet("trend_3m_vs_9m", "0.5", "days_late_3m", "9", "days_late_prior_9m", "1", "penetration", "0.1",
		"penetration_prior", "0.4", "key_person_lost", "1", "overdue_90_plus", "12.5")
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := risk.LoadWarningPolicy(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, b2bkit.ErrInvalid) {
				t.Fatalf("error does not match ErrInvalid: %v", err)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("loaded policy is invalid: %v", err)
		}
		if _, err := risk.Warnings(set, &p); err != nil {
			t.Fatalf("warnings under a loaded policy: %v", err)
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		back, err := risk.LoadWarningPolicy(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("round trip of %s: %v", b, err)
		}
		if !back.VolumeRatio.Equal(p.VolumeRatio) || !back.SlippingDays.Equal(p.SlippingDays) ||
			!back.PenetrationDrop.Equal(p.PenetrationDrop) || !back.PastDueAmount.Equal(p.PastDueAmount) ||
			len(back.Off) != len(p.Off) {
			t.Fatalf("round trip changed the policy: %s", b)
		}
		for i := range p.Off {
			if back.Off[i] != p.Off[i] {
				t.Fatalf("round trip changed off[%d]", i)
			}
		}
	})
}
