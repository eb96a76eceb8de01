package catalogue

import (
	"strings"
	"testing"
)

// TestKustomizationProblems: every file left out and every listed file
// that does not exist is reported, in the same (sorted) order each run.
func TestKustomizationProblems(t *testing.T) {
	want := []string{
		"a.yaml is not listed",
		"m.yaml is not listed",
		"z.yaml is not listed",
		"lists b-gone.yaml, which does not exist",
		"lists gone.yaml, which does not exist",
		"lists zz-gone.yaml, which does not exist",
	}
	for run := 0; run < 5; run++ { // map order differs between runs
		ps := KustomizationProblems("testdata/kustomize")
		if len(ps) != len(want) {
			t.Fatalf("got %d problems, want %d:\n%s", len(ps), len(want), ps.Error())
		}
		for i, p := range ps {
			if !strings.Contains(p.Msg, want[i]) {
				t.Errorf("problem %d: got %q, want one containing %q", i, p.Msg, want[i])
			}
		}
	}
	if ps := KustomizationProblems("../../intents"); len(ps) != 0 {
		t.Errorf("the shipped intents: got\n%s\nwant no problems", ps.Error())
	}
	if ps := KustomizationProblems("testdata/does-not-exist"); len(ps) != 1 || !strings.Contains(ps[0].Msg, "cannot be read") {
		t.Errorf("a missing directory: got %v, want one problem saying it cannot be read", ps)
	}
}
