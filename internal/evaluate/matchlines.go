package evaluate

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"

	"github.com/oumail-alumni/madoguchi/internal/match"
)

// MatchLine is the batch evaluation contract (`madoguchi match`): one JSON
// object per question, its scores rounded to four places.
type MatchLine struct {
	Query      string           `json:"query"`
	Decision   match.Decision   `json:"decision"`
	Intent     string           `json:"intent"` // "" unless the decision is to answer
	Score      float64          `json:"score"`
	Candidates []MatchCandidate `json:"candidates"` // never null
}

// MatchCandidate is one candidate intent of a MatchLine.
type MatchCandidate struct {
	Intent string  `json:"intent"`
	Score  float64 `json:"score"`
}

// newMatchLine is what x makes of the question q, as a MatchLine.
func newMatchLine(x *match.Index, q string) MatchLine {
	res := x.Match(q)
	line := MatchLine{Query: q, Decision: res.Decision, Score: round4(res.Score()), Candidates: []MatchCandidate{}}
	if in := res.Intent(); in != nil {
		line.Intent = in.ID
	}
	for _, cd := range res.Candidates {
		line.Candidates = append(line.Candidates, MatchCandidate{cd.Intent.ID, round4(cd.Score)})
	}
	return line
}

// WriteMatches reads questions from r, one a line, and writes a MatchLine
// for each to w, until r ends or ctx is done.
func WriteMatches(ctx context.Context, x *match.Index, r io.Reader, w io.Writer) error {
	out := bufio.NewWriter(w)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := enc.Encode(newMatchLine(x, sc.Text())); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		out.Flush()
		return fmt.Errorf("read questions: %w", err)
	}
	return out.Flush()
}

func round4(f float64) float64 { return math.Round(f*1e4) / 1e4 }
