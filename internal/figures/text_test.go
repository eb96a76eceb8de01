package figures

import (
	"bytes"
	"strings"
	"testing"
)

func TestWriteText(t *testing.T) {
	es, ts, now := known()
	for _, tc := range []struct {
		name string
		f    Figures
		want []string
	}{
		{"known", Compute(es, ts, t0, now), []string{
			"self-resolution 50.0%: confirmed 10.0% (1), assumed 40.0% (4), of 10 questions judged; 1 answered in the last 24 h wait for their verdict",
			`answers rated "solved": 66.7% of 3 rated`,
			"handoffs per day 0.20; median time to the first staff reply 15m0s (3 conversations)",
			"satisfied after a handoff (csat): 60.0% of 5 ratings",
			"2026-11-02     3   33.3%   33.3%    1",
		}},
		{"no ratings, no replies", Compute(es, nil, t0, now), []string{
			"median time to the first staff reply - (0 conversations)",
			"satisfied after a handoff (csat): - of 0 ratings",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			WriteText(&b, tc.f)
			for _, w := range tc.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("got\n%s\nwant a line with %q", b.String(), w)
				}
			}
		})
	}
}
