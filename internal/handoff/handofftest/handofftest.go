// Package handofftest is the contract every handoff store keeps, written
// once and run by each implementation's tests: the memory store in
// internal/handoff, Redis in internal/redis. Only tests import it.
package handofftest

import (
	"context"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/handoff"
)

// Monday10 is a time the office is open: Monday 2026-11-23 10:00 in Tokyo.
var Monday10 = time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)

// RunStore runs the contract on s, an empty store: a ticket is found by
// user, thread and id while open, and by thread only once closed (without
// the user's id or the conversation); touches only move forward; the
// first staff reply, a close and a claim each happen once.
func RunStore(t *testing.T, s handoff.Store) {
	ctx := context.Background()
	tk := handoff.Ticket{ID: "t1", Handle: "h1", Platform: "line", To: "Uraw", Lang: catalogue.English,
		Desk: handoff.DeskRef{Channel: "C1", TS: "1.1"}, Status: handoff.StatusOpen, Opened: Monday10, Activity: Monday10,
		Recent: []handoff.Exchange{{User: "q", Bot: "a"}}, Guesses: []handoff.Guess{{IntentID: "i", Title: "T"}}}
	if err := s.Create(ctx, tk); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.ByUser(ctx, "h1")
	if err != nil || !ok || got.ID != "t1" || got.To != "Uraw" || got.Lang != catalogue.English ||
		!got.Opened.Equal(Monday10) || len(got.Recent) != 1 || got.Guesses[0].Title != "T" {
		t.Fatalf("ByUser = %+v, %v, %v", got, ok, err)
	}
	if got, ok, _ := s.ByThread(ctx, handoff.DeskRef{Channel: "C1", TS: "1.1"}); !ok || got.ID != "t1" {
		t.Errorf("ByThread = %+v, %v", got, ok)
	}
	if _, ok, _ := s.ByThread(ctx, handoff.DeskRef{Channel: "C1", TS: "9.9"}); ok {
		t.Error("ByThread found an unknown thread")
	}
	later := Monday10.Add(time.Hour)
	s.Touch(ctx, "t1", later)
	s.Touch(ctx, "t1", Monday10) // older: ignored
	s.Take(ctx, "t1", "USTAFF")
	s.Touch(ctx, "missing", later)
	if got, _, _ := s.Get(ctx, "t1"); !got.Activity.Equal(later) || got.Taker != "USTAFF" {
		t.Errorf("after touch and take: activity %v taker %q", got.Activity, got.Taker)
	}
	if _, ok, _ := s.Get(ctx, "missing"); ok {
		t.Error("touch created a missing ticket")
	}
	for i, want := range []bool{true, false} {
		if first, err := s.FirstReply(ctx, "t1", later); err != nil || first != want {
			t.Errorf("FirstReply #%d = %v, %v; want %v", i, first, err, want)
		}
	}
	if open, err := s.Open(ctx); err != nil || len(open) != 1 {
		t.Errorf("Open = %d tickets, %v; want 1", len(open), err)
	}
	for i, want := range []bool{true, false} {
		if closed, err := s.CloseTicket(ctx, "t1", "USTAFF", handoff.ReasonStaff, later); err != nil || closed != want {
			t.Errorf("CloseTicket #%d = %v, %v; want %v", i, closed, err, want)
		}
	}
	if _, ok, _ := s.ByUser(ctx, "h1"); ok {
		t.Error("ByUser finds a closed ticket")
	}
	if got, ok, _ := s.ByThread(ctx, handoff.DeskRef{Channel: "C1", TS: "1.1"}); !ok || got.Status != handoff.StatusClosed ||
		got.Reason != handoff.ReasonStaff || got.ClosedBy != "USTAFF" || got.To != "" || len(got.Recent) != 0 {
		t.Errorf("closed ticket by thread = %+v, %v", got, ok)
	}
	if open, _ := s.Open(ctx); len(open) != 0 {
		t.Errorf("Open after close = %d, want 0", len(open))
	}
	for i, want := range []bool{true, false} {
		if ok, err := s.Claim(ctx, "k", time.Minute); err != nil || ok != want {
			t.Errorf("Claim #%d = %v, %v; want %v", i, ok, err, want)
		}
	}
	s.Release(ctx, "k")
	if ok, _ := s.Claim(ctx, "k", time.Minute); !ok {
		t.Error("Claim after Release refused")
	}
}
