package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"

	"github.com/oumail-alumni/madoguchi/internal/match"
)

// matchLine is the batch evaluation contract: one JSON object per question.
type matchLine struct {
	Query      string           `json:"query"`
	Decision   match.Decision   `json:"decision"`
	Intent     string           `json:"intent"`
	Score      float64          `json:"score"`
	Candidates []matchCandidate `json:"candidates"`
}

type matchCandidate struct {
	Intent string  `json:"intent"`
	Score  float64 `json:"score"`
}

func runMatch(ctx context.Context, c *cli, fs *flag.FlagSet, args []string) error {
	dir := c.intentsFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{"match reads questions from standard input, one per line; it takes no arguments"}
	}
	x, err := c.load(*dir)
	if err != nil {
		return err
	}
	out := bufio.NewWriter(c.stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	sc := bufio.NewScanner(c.stdin)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		if err := ctx.Err(); err != nil {
			return err
		}
		q := sc.Text()
		res := x.Match(q)
		line := matchLine{Query: q, Decision: res.Decision, Score: round(res.Score()), Candidates: []matchCandidate{}}
		if in := res.Intent(); in != nil {
			line.Intent = in.ID
		}
		for _, cd := range res.Candidates {
			line.Candidates = append(line.Candidates, matchCandidate{cd.Intent.ID, round(cd.Score)})
		}
		if err := enc.Encode(line); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		out.Flush()
		return fmt.Errorf("read questions: %w", err)
	}
	return out.Flush()
}

func round(f float64) float64 { return math.Round(f*1e4) / 1e4 }
