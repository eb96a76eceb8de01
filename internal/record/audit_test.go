package record

import (
	"context"
	"testing"
	"time"
)

func TestAuditLog(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			db := b.open(t)
			ctx := context.Background()
			base := time.UnixMilli(1_700_000_000_000)
			for i, what := range []string{"first", "second", "third"} {
				if err := db.Audit(ctx, AuditEntry{At: base.Add(time.Duration(i) * time.Minute), Who: "admin", Action: "apply", Detail: what}); err != nil {
					t.Fatal(err)
				}
			}
			got, err := db.AuditLog(ctx, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got[0].Detail != "third" || got[1].Detail != "second" || !got[0].At.Equal(base.Add(2*time.Minute)) || got[0].Who != "admin" {
				t.Errorf("got %+v, want third then second, newest first", got)
			}
		})
	}
}
