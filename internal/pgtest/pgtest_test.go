package pgtest

import (
	"context"
	"database/sql"
	"testing"
)

func TestStartStopRestart(t *testing.T) {
	s := Start(t)
	db, err := sql.Open("pgx", s.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE TABLE t (n int); INSERT INTO t VALUES (7)"); err != nil {
		t.Fatal(err)
	}
	s.Stop()
	if err := db.PingContext(ctx); err == nil {
		t.Fatal("ping succeeded with the server stopped")
	}
	s.Restart(t)
	var n int
	if err := db.QueryRowContext(ctx, "SELECT n FROM t").Scan(&n); err != nil || n != 7 {
		t.Errorf("after restart got %d, %v; want 7 kept", n, err)
	}
}
