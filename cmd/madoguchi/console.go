package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/console"
	"github.com/oumail-alumni/madoguchi/internal/record"
	"github.com/oumail-alumni/madoguchi/internal/reload"
	"github.com/oumail-alumni/madoguchi/internal/server"
)

// startConsole builds the console and starts its own listener, served
// beside the webhooks until serve stops. The console reads and audits
// through the record when it is open, and lists the open handoffs when
// handoffs is not nil.
func startConsole(logger *slog.Logger, b *bot.Bot, rl *reload.Reloader, rec *record.Service, handoffs console.Handoffs, intents string, cc consoleConfig, a *Main) error {
	if cc.addr == "" {
		return nil
	}
	o := console.Options{Logger: logger.With("component", "console"), Bot: b, IntentsDir: intents, Reloader: rl, Handoffs: handoffs, Auth: cc.auth, Location: cc.location}
	if rec != nil && rec.DB != nil {
		o.Entries, o.Tickets, o.Audit, o.Marks, o.Drafts = rec.DB, rec.DB, rec.DB, rec.DB, rec.DB
	}
	con, err := console.New(o)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cc.addr)
	if err != nil {
		return fmt.Errorf("console: listen on %s: %w", cc.addr, err)
	}
	logger.Info("console listening", "addr", ln.Addr().String(), "slack_sign_in", cc.auth.ClientID != "", "dev_sign_in", cc.auth.DevOIDC, "password", cc.auth.PasswordHash != "")
	a.background = append(a.background, func(ctx context.Context) error { return server.ServeConsole(ctx, ln, con) })
	return nil
}

// runConsolePassword reads a password from stdin and prints its bcrypt
// hash, for MADOGUCHI_CONSOLE_PASSWORD_HASH.
func runConsolePassword(ctx context.Context, c *cli, fs *flag.FlagSet, args []string) error {
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return cmdUsageError{fs.Name(), "give the password on standard input, not as an argument (it would stay in the shell's history)"}
	}
	hash, err := console.ReadPasswordHash(c.stdin)
	if err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, hash)
	return nil
}
