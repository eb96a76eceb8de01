package bot

import (
	"context"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/state"
)

// handoffMemRecorder is a memRecorder that also keeps handoffs.
type handoffMemRecorder struct {
	memRecorder
	handoffs []string
}

func (m *handoffMemRecorder) Handoff(user string, _ time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.handoffs = append(m.handoffs, user)
}

func TestHandedOff(t *testing.T) {
	rec := &handoffMemRecorder{}
	d := NewDialog(New(match.New(shipped(t))), state.NewMemory(time.Now), 0, nil, WithRecorder(rec, []byte("key"), nil))
	d.Message(context.Background(), "line:abc", "担当者と話したい")
	d.HandedOff("line:abc")
	if len(rec.handoffs) != 1 || len(rec.questions) != 1 || rec.handoffs[0] != rec.questions[0].User {
		t.Fatalf("handoffs %v for questions by %v, want the asker's pseudonym", rec.handoffs, rec.questions)
	}
	// Without a recorder, or with one that keeps no handoffs, nothing happens.
	NewDialog(New(match.New(shipped(t))), nil, 0, nil).HandedOff("line:abc")
	NewDialog(New(match.New(shipped(t))), nil, 0, nil, WithRecorder(&memRecorder{}, []byte("k"), nil)).HandedOff("line:abc")
}
