package record

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
)

// TestNewTerminal: the terminal (NewTerminal, then OpenTerminal)'s questions are in the record once it is
// closed, under one pseudonym from one run to the next.
func TestNewTerminal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cat, err := catalogue.Load("../../intents")
	if err != nil {
		t.Fatal(err)
	}
	b := bot.New(match.New(cat))
	path := filepath.Join(t.TempDir(), "record.db")
	opens := []func() (bot.Terminal, func() error){
		func() (bot.Terminal, func() error) { return NewTerminal(ctx, quiet(), openSQLite(t, path), b, "") },
		func() (bot.Terminal, func() error) {
			term, closeRecord, err := OpenTerminal(ctx, quiet(), path, "", b, "")
			if err != nil {
				t.Fatal(err)
			}
			return term, closeRecord
		},
	}
	for i, q := range []string{"パスワードを忘れました", "転送先を変更したい"} {
		term, closeRecord := opens[i]()
		if r := term.Ask(q); r.Text == "" {
			t.Errorf("%q: got an empty reply", q)
		}
		if err := closeRecord(); err != nil {
			t.Fatal(err)
		}
	}
	db := openSQLite(t, path)
	es, err := db.Entries(ctx, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 || es[0].User != es[1].User || es[0].User == TerminalUser {
		t.Fatalf("got %d entries (%+v), want 2 under one pseudonym", len(es), es)
	}
}
