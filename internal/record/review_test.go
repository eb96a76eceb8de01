package record

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestReviewMarksAndForget: marks are kept per question and read back;
// forgetting a user deletes their marks and takes their questions' texts
// out of the audit log, leaving other users' as they were.
func TestReviewMarksAndForget(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			db := be.open(t)
			ctx := context.Background()
			now := time.Now().Truncate(time.Millisecond)
			rec := New(quiet(), db, Options{})
			rec.Record(question("a1", "line:aa", "転送先を変えてログインしたい", now))
			rec.Record(question("b1", "line:bb", "受信箱がいっぱいです", now.Add(time.Second)))
			if err := rec.Close(ctx); err != nil {
				t.Fatal(err)
			}
			marks := []ReviewMark{
				{QuestionID: "a1", At: now, Who: "admin", Action: Dismissed},
				{QuestionID: "a1", At: now.Add(time.Minute), Who: "admin", Action: Applied, Intent: "forward-change"},
				{QuestionID: "b1", At: now, Who: "staff", Action: Dismissed},
			}
			if err := db.MarkReviewed(ctx, marks); err != nil {
				t.Fatal(err)
			}
			got, err := db.ReviewMarks(ctx, now.Add(-time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			if m := got["a1"]; len(got) != 2 || m.Action != Applied || m.Intent != "forward-change" || m.Who != "admin" || !m.At.Equal(now.Add(time.Minute)) {
				t.Fatalf("marks %+v, want a1 applied to forward-change (the latest) and b1", got)
			}
			detail := "added 2 examples to forward-change: 「転送先を変えてログインしたい」「受信箱がいっぱいです」"
			if err := db.Audit(ctx, AuditEntry{At: now, Who: "admin", Action: "review.add-examples", Detail: detail}); err != nil {
				t.Fatal(err)
			}
			if n, err := db.Forget(ctx, "line:aa"); err != nil || n != 1 {
				t.Fatalf("Forget = %d, %v; want 1", n, err)
			}
			got, err = db.ReviewMarks(ctx, now.Add(-time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := got["a1"]; ok || len(got) != 1 {
				t.Errorf("marks after forget %+v, want only b1", got)
			}
			log, err := db.AuditLog(ctx, 10)
			if err != nil {
				t.Fatal(err)
			}
			want := "added 2 examples to forward-change: 「(forgotten)」「受信箱がいっぱいです」"
			if len(log) != 1 || log[0].Detail != want {
				t.Errorf("audit after forget %+v, want detail %q", log, want)
			}
			if strings.Contains(log[0].Detail, "転送先") {
				t.Error("the forgotten user's text stayed in the audit log")
			}
		})
	}
}
