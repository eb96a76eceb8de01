package figures

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// intentsDir is the shipped catalogue.
const intentsDir = "../../intents"

// homeBot is the bot over the shipped intents.
func homeBot(tb testing.TB) *bot.Bot {
	tb.Helper()
	cat, err := catalogue.Load(intentsDir)
	if err != nil {
		tb.Fatal(err)
	}
	return bot.New(match.New(cat))
}

// TestHomeFigures: the Home tab counts today's questions only (since
// midnight in the office's time zone), groups the week's unanswered ones,
// links the console's review when there is one, and shows the
// week's self-resolution rate.
func TestHomeFigures(t *testing.T) {
	b := homeBot(t)
	loc := b.Index().Catalogue().Settings.Handoff.Location
	if loc == nil {
		t.Fatal("the shipped settings have no office time zone")
	}
	// 10:00 in the office: "today" began ten hours ago.
	y, m, d := time.Now().In(loc).Date()
	now := time.Date(y, m, d, 10, 0, 0, 0, loc)
	steps := []testkit.Step{
		{DaysAgo: 3, User: "line:a", Text: "図書館は何時まで開いていますか"},
		{DaysAgo: 1, User: "line:b", Text: "パスワードを忘れました"},
		{User: "line:c", Text: "パスワードを忘れました"},
		{User: "line:d", Text: "図書館の開館時間を教えて"},
		{User: "line:e", Text: "学食のメニューは？"},
	}
	db := testkit.Seed(t, intentsDir, filepath.Join(t.TempDir(), "record.db"), steps, now)
	for _, tc := range []struct {
		name      string
		reviewURL string
	}{
		{"console served", "https://console.example.ac.jp/review"},
		{"no console", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := NewHomeFigures(db, b.Index, tc.reviewURL).Home(context.Background(), now)
			if err != nil {
				t.Fatal(err)
			}
			if h.Questions != 3 || h.Answered != 1 || h.Escalated != 2 {
				t.Errorf("got today %d questions, %d answered, %d escalated; want 3, 1, 2", h.Questions, h.Answered, h.Escalated)
			}
			total := 0
			for _, g := range h.Groups {
				total += g.Count
			}
			if total != 3 {
				t.Errorf("got %d unanswered questions in the week's groups %+v, want 3 (two today, one three days ago)", total, h.Groups)
			}
			if h.ReviewURL != tc.reviewURL {
				t.Errorf("got review %q, want %q", h.ReviewURL, tc.reviewURL)
			}
			// The week's judged questions: line:b's answer a day ago, no
			// further question (assumed resolved), and three escalations;
			// today's answer waits a day.
			if h.SelfResolved == nil || *h.SelfResolved != 0.25 {
				t.Errorf("got self-resolution %v, want 1 of 4 judged", h.SelfResolved)
			}
		})
	}
}

// TestHomeFiguresReused: opening the tab again within HomeFresh reads
// nothing (here, from a closed record); later it reads again.
func TestHomeFiguresReused(t *testing.T) {
	b := homeBot(t)
	now := time.Now()
	db := testkit.Seed(t, intentsDir, filepath.Join(t.TempDir(), "record.db"), []testkit.Step{{User: "line:a", Text: "パスワードを忘れました"}}, now)
	h := NewHomeFigures(db, b.Index, "")
	if got, err := h.Home(context.Background(), now); err != nil || got.Questions != 1 {
		t.Fatalf("first opening: %+v, %v; want 1 question", got, err)
	}
	db.Close()
	for _, tc := range []struct {
		after   time.Duration
		wantErr bool
	}{
		{time.Minute, false},
		{HomeFresh + time.Second, true},
	} {
		got, err := h.Home(context.Background(), now.Add(tc.after))
		if (err != nil) != tc.wantErr || err == nil && got.Questions != 1 {
			t.Errorf("after %v: got %+v, %v; want an error %v", tc.after, got, err, tc.wantErr)
		}
	}
}

// BenchmarkHomeFigures is the Home tab's figures computed afresh over a
// week of 2,000 recorded questions (about half unanswered): reading the
// record, today's figures, the groups of the latest homeGrouped.
func BenchmarkHomeFigures(b *testing.B) {
	bt := homeBot(b)
	texts := []string{"パスワードを忘れました", "転送先を変更したい", "図書館の開館時間を教えて %d", "学食のメニュー %d は？", "How do I change my forwarding address?", "parking permit %d"}
	var steps []testkit.Step
	for i := range 2000 {
		s := texts[i%len(texts)]
		steps = append(steps, testkit.Step{DaysAgo: i % 7, User: fmt.Sprintf("line:u%d", i), Text: fmt.Sprintf(s, i)})
	}
	now := time.Now()
	db := testkit.Seed(b, intentsDir, filepath.Join(b.TempDir(), "record.db"), steps, now)
	b.ResetTimer()
	for b.Loop() {
		if _, err := NewHomeFigures(db, bt.Index, "").Home(context.Background(), now); err != nil {
			b.Fatal(err)
		}
	}
}
