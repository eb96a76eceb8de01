package evaluate

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
)

func TestZZRank(t *testing.T) {
	if os.Getenv("ZZ") == "" {
		t.Skip()
	}
	cat, _ := catalogue.Load("../../intents")
	x := match.New(cat)
	s, err := Measure(x, strings.Split(os.Getenv("ZZ"), ","))
	if err != nil {
		t.Fatal(err)
	}
	lams := []float64{0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 1}
	for _, set := range s.Sets {
		n := 0
		hits := make([]int, len(lams))
		for _, o := range set.Outcomes {
			if len(o.Accept) == 0 || len(o.Result.Candidates) == 0 {
				continue
			}
			n++
			for li, l := range lams {
				best, bv := -1, -1.0
				for i, c := range o.Result.Candidates {
					v := (1-l)*c.Score/o.Result.Candidates[0].Score + l*c.Belief
					if v > bv {
						best, bv = i, v
					}
				}
				if accepted(o, best) {
					hits[li]++
				}
			}
		}
		fmt.Printf("%s n=%d", set.Name, n)
		for li, l := range lams {
			fmt.Printf(" λ%.1f:%.1f", l, 100*float64(hits[li])/float64(n))
		}
		fmt.Println()
	}
}
