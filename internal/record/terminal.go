package record

import (
	"context"
	"log/slog"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/state"
)

// TerminalUser is the user key of questions asked in a terminal.
const TerminalUser = "cli:local"

// OpenTerminal opens (and migrates) the record at path or url, waiting at
// most 30 seconds, for NewTerminal.
func OpenTerminal(ctx context.Context, logger *slog.Logger, path, url string, b *bot.Bot, key string) (bot.Terminal, func() error, error) {
	octx, cancel := context.WithTimeout(ctx, commandWait)
	defer cancel()
	db, err := Open(octx, path, url)
	if err != nil {
		return bot.Terminal{}, nil, err
	}
	term, closeRecord := NewTerminal(ctx, logger, db, b, key)
	return term, closeRecord, nil
}

// NewTerminal is a terminal (`madoguchi ask --record`) whose questions to b
// are recorded in db as serve records them, as TerminalUser's. No button
// is clicked in a terminal: key ("" for a fixed one) only keeps the
// pseudonym of TerminalUser the same from one run to the next. The
// function returned writes what is still held, closes db and returns the
// error of writing.
func NewTerminal(ctx context.Context, logger *slog.Logger, db *DB, b *bot.Bot, key string) (bot.Terminal, func() error) {
	rec := New(logger, db, Options{Retention: func() time.Duration { return b.Index().Catalogue().Settings.Record.Retention() }})
	k := []byte(key)
	if len(k) == 0 {
		k = []byte("madoguchi ask")
	}
	d := bot.NewDialog(b, state.NewMemory(time.Now), 0, nil, bot.WithRecorder(rec, k, nil))
	return bot.DialogTerminal(ctx, d, TerminalUser), func() error {
		defer db.Close()
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return rec.Close(cctx)
	}
}
