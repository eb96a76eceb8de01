package figures

import (
	"context"
	"encoding/json"
	"io"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/review"
)

// WriteStats reads the record of src since since and writes `madoguchi
// stats`: the record's counts (review.Stats), then the figures judged at
// now; with asJSON, both side by side in one JSON object (their JSON names
// differ).
func WriteStats(ctx context.Context, w io.Writer, src Source, since, now time.Time, asJSON bool) error {
	es, err := src.Entries(ctx, since)
	if err != nil {
		return err
	}
	ts, err := src.Tickets(ctx, since)
	if err != nil {
		return err
	}
	s, f := review.Summarize(es, since), Compute(es, ts, since, now)
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			review.Stats
			Figures
		}{s, f})
	}
	review.WriteStats(w, s)
	if s.Questions > 0 {
		WriteText(w, f)
	}
	return nil
}
