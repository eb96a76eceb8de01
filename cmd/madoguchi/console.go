package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/console"
	"github.com/oumail-alumni/madoguchi/internal/reload"
	"github.com/oumail-alumni/madoguchi/internal/secret"
	"github.com/oumail-alumni/madoguchi/internal/server"
)

// consoleConfig is the web console's listener and sign-in; addr "" keeps
// it off.
type consoleConfig struct {
	addr string
	auth console.Auth
}

// consoleFlag adds serve's --console-addr.
func (c *cli) consoleFlag(fs *flag.FlagSet) *string {
	return c.envFlag(fs, "console-addr", "MADOGUCHI_CONSOLE_ADDR", "", "serve the admins' web console on this `address`, e.g. 127.0.0.1:8081 (off when empty)")
}

// consoleConfig reads the console's sign-in from the environment.
func (c *cli) consoleConfig(addr, webhookAddr string) (consoleConfig, error) {
	cc := consoleConfig{addr: addr}
	if addr == "" {
		return cc, nil
	}
	if addr == webhookAddr {
		return cc, usageError{"--console-addr must differ from --addr: the console never shares the webhook port"}
	}
	cc.auth = console.Auth{
		PasswordHash: secret.Secret(c.getenv("MADOGUCHI_CONSOLE_PASSWORD_HASH")),
		Issuer:       c.getenv("MADOGUCHI_CONSOLE_OIDC_ISSUER"),
		ClientID:     c.getenv("SLACK_CLIENT_ID"),
		ClientSecret: secret.Secret(c.getenv("SLACK_CLIENT_SECRET")),
		Team:         c.getenv("MADOGUCHI_CONSOLE_TEAM"),
		URL:          c.getenv("MADOGUCHI_CONSOLE_URL"),
	}
	for _, u := range strings.Split(c.getenv("MADOGUCHI_CONSOLE_USERS"), ",") {
		if u = strings.TrimSpace(u); u != "" {
			cc.auth.Users = append(cc.auth.Users, u)
		}
	}
	if cc.auth.URL == "" {
		cc.auth.URL = console.LocalURL(addr)
	}
	return cc, nil
}

// startConsole builds the console and starts its own listener, served
// beside the webhooks until serve stops. The console reads and audits
// through the record when it is open, and lists the open handoffs when
// handoffs is not nil.
func startConsole(logger *slog.Logger, b *bot.Bot, rl *reload.Reloader, rec recording, handoffs console.Handoffs, intents string, cc consoleConfig, a *Main) error {
	if cc.addr == "" {
		return nil
	}
	o := console.Options{Logger: logger.With("component", "console"), Bot: b, IntentsDir: intents, Reloader: rl, Handoffs: handoffs, Auth: cc.auth}
	if rec.db != nil {
		o.Entries, o.Audit = rec.db, rec.db
	}
	con, err := console.New(o)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cc.addr)
	if err != nil {
		return fmt.Errorf("console: listen on %s: %w", cc.addr, err)
	}
	logger.Info("console listening", "addr", ln.Addr().String(), "slack_sign_in", cc.auth.ClientID != "", "password", cc.auth.PasswordHash != "")
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
	sc := bufio.NewScanner(c.stdin)
	sc.Scan()
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read the password: %w", err)
	}
	pw := strings.TrimRight(sc.Text(), "\r")
	switch {
	case len([]rune(pw)) < 12:
		return errors.New("the password must be at least 12 characters long")
	case len(pw) > 72:
		return errors.New("the password must be at most 72 bytes long (bcrypt ignores the rest)")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(pw), 12)
	if err != nil {
		return fmt.Errorf("hash the password: %w", err)
	}
	fmt.Fprintln(c.stdout, string(hash))
	return nil
}
