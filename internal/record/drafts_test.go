package record

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// TestDrafts saves, lists, reads, deduplicates, deletes and purges drafts
// on both databases.
func TestDrafts(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			db := b.open(t)
			ctx := context.Background()
			base := time.UnixMilli(1_700_000_000_000)
			first := Draft{At: base, Source: "C1/1.2", Ticket: "t1", Lang: catalogue.Japanese,
				Questions: []string{"メールが見られない", "パスワードは [メール] に届く？"}, Answer: "再設定のページからどうぞ。", SavedBy: "USTAFF"}
			second := Draft{ID: "d2", At: base.Add(time.Hour), Source: "C1/3.4", Ticket: "t2", Lang: catalogue.English,
				Questions: []string{"how do I forward mail"}, Answer: "Settings, then Forwarding.", SavedBy: "USTAFF"}
			for _, tc := range []struct {
				name string
				d    Draft
				want bool
			}{
				{"first", first, true},
				{"second", second, true},
				{"same reply again", Draft{At: base.Add(2 * time.Hour), Source: "C1/1.2", Ticket: "t1", Answer: "other"}, false},
			} {
				saved, err := db.SaveDraft(ctx, tc.d)
				if err != nil || saved != tc.want {
					t.Errorf("%s: SaveDraft = %v, %v; want %v", tc.name, saved, err, tc.want)
				}
			}
			all, err := db.Drafts(ctx)
			if err != nil || len(all) != 2 || all[0].ID != "d2" || all[1].Answer != first.Answer ||
				!slices.Equal(all[1].Questions, first.Questions) || !all[1].At.Equal(base) || all[1].Lang != catalogue.Japanese {
				t.Fatalf("Drafts = %+v, %v; want d2 then the first, as saved", all, err)
			}
			if got, ok, err := db.Draft(ctx, "d2"); err != nil || !ok || got.Source != "C1/3.4" {
				t.Errorf("Draft(d2) = %+v, %v, %v", got, ok, err)
			}
			for i, want := range []bool{true, false} {
				if gone, err := db.DeleteDraft(ctx, "d2"); err != nil || gone != want {
					t.Errorf("DeleteDraft #%d = %v, %v; want %v", i, gone, err, want)
				}
			}
			if _, ok, err := db.Draft(ctx, "d2"); err != nil || ok {
				t.Errorf("Draft(d2) after delete: ok %v, err %v", ok, err)
			}
			if _, err := db.Purge(ctx, base.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
			if all, err := db.Drafts(ctx); err != nil || len(all) != 0 {
				t.Errorf("after the purge: %d drafts, %v; want none", len(all), err)
			}
		})
	}
}
