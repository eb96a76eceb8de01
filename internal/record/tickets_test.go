package record

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"
)

// TestTickets writes the moments of three conversations with staff, on
// both databases, and reads back what the figures use: the first reply
// only, the first rating only, a rating of a ticket opened before the
// period, and the purge of old ones.
func TestTickets(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			db := be.open(t)
			ctx := context.Background()
			now := time.Now().Truncate(time.Millisecond)
			rec := New(quiet(), db, Options{})
			rec.TicketOpened("old", now.Add(-48*time.Hour))
			rec.TicketOpened("t1", now)
			// The reply may be written before the opening (another
			// replica's batch): the same ticket either way.
			rec.TicketReplied("t3", now.Add(time.Minute), now.Add(3*time.Minute))
			rec.TicketOpened("t3", now.Add(time.Minute))
			rec.TicketReplied("t1", now, now.Add(5*time.Minute))
			rec.TicketReplied("t1", now, now.Add(9*time.Minute)) // not the first
			rec.Rated("t1", 3, 3, now.Add(time.Hour))
			rec.Rated("t1", 1, 3, now.Add(2*time.Hour)) // the first tap counts
			rec.TicketOpened("t2", now.Add(time.Second))
			rec.TicketOpened("t2", now.Add(time.Minute)) // a second open changes nothing
			rec.Rated("old", 4, 5, now.Add(time.Minute))
			if err := rec.Close(ctx); err != nil {
				t.Fatal(err)
			}
			got, err := db.Tickets(ctx, now.Add(-time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			sort.Slice(got, func(i, j int) bool { return got[i].ID < got[j].ID })
			want := []Ticket{
				{ID: "old", Rating: 4, Levels: 5, Rated: now.Add(time.Minute)},
				{ID: "t1", Opened: now, FirstReply: now.Add(5 * time.Minute), Rating: 3, Levels: 3, Rated: now.Add(time.Hour)},
				{ID: "t2", Opened: now.Add(time.Second)},
				{ID: "t3", Opened: now.Add(time.Minute), FirstReply: now.Add(3 * time.Minute)},
			}
			if len(got) != len(want) {
				t.Fatalf("got %d tickets %+v, want %d", len(got), got, len(want))
			}
			for i := range want {
				g, w := got[i], want[i]
				if g.ID != w.ID || !g.Opened.Equal(w.Opened) || !g.FirstReply.Equal(w.FirstReply) || g.Rating != w.Rating || g.Levels != w.Levels || !g.Rated.Equal(w.Rated) {
					t.Errorf("ticket %d = %+v, want %+v", i, g, w)
				}
			}
			if _, err := db.Purge(ctx, now.Add(30*time.Minute)); err != nil {
				t.Fatal(err)
			}
			got, err = db.Tickets(ctx, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].ID != "t1" || got[0].Rating != 3 || !got[0].Opened.IsZero() {
				t.Errorf("after the purge got %+v, want only t1's rating (its ticket opened before the cutoff)", got)
			}
		})
	}
}

// TestOpenPathWithURISyntax: a SQLite path holding '#', '?' or '%' (as
// the temporary directory of a subtest named "#00" does) opens that very
// file, not one its URI cuts short.
func TestOpenPathWithURISyntax(t *testing.T) {
	for _, name := range []string{"a#00", "b?x=1", "c%41"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, name, "record.db")
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			db := openSQLite(t, path)
			if err := db.Ping(context.Background()); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(path); err != nil {
				t.Errorf("no database at %s: %v", path, err)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 || entries[0].Name() != name {
				var got []string
				for _, e := range entries {
					got = append(got, e.Name())
				}
				t.Errorf("%s holds %q, want only %q", dir, got, name)
			}
		})
	}
}
