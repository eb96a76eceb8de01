// Command madoguchi is the alumni office helpdesk bot: it answers questions
// from the YAML intents in a directory, on LINE, on Slack and in a terminal,
// and checks and measures those intents for the admins who keep them.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// defaultMemoryLimit is the Go runtime's soft memory limit unless
// GOMEMLIMIT sets another: the runtime collects harder near it, which
// keeps serve's resident memory (the binary's pages besides) within its
// 50 MB budget (see BenchmarkServeRSS); without it, garbage from loading
// the catalogue lifted the peak past the budget.
const defaultMemoryLimit = 32 << 20

func main() {
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// usageError is a mistake in the command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// cmdUsageError is a mistake in one subcommand's command line: exit status
// 2, pointing at that subcommand's help.
type cmdUsageError struct{ cmd, msg string }

func (e cmdUsageError) Error() string { return e.cmd + ": " + e.msg }

// failError reports that a check failed (lint problems, quality floors):
// exit status 1, and its message has already been printed.
type failError struct{ msg string }

func (e failError) Error() string { return e.msg }

func exitCode(err error, stderr io.Writer) int {
	var ue usageError
	var ce cmdUsageError
	var fe failError
	switch {
	case err == nil || errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "madoguchi:", err)
		fmt.Fprintln(stderr, "Run 'madoguchi help' for usage.")
		return 2
	case errors.As(err, &ce):
		fmt.Fprintln(stderr, "madoguchi:", err)
		fmt.Fprintf(stderr, "Run 'madoguchi help %s' for usage.\n", ce.cmd)
		return 2
	case errors.As(err, &fe):
		return 1
	default:
		fmt.Fprintln(stderr, "madoguchi:", err)
		return 1
	}
}

// env reads the process environment; tests pass their own.
type env func(string) string

// command is one subcommand.
type command struct {
	name, args, summary string
	run                 func(ctx context.Context, c *cli, fs *flag.FlagSet, args []string) error
}

// cli is what every subcommand gets: the arguments' environment and streams.
type cli struct {
	getenv env
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// terminal says that stdin is a terminal, where a person can answer a
	// question (record purge asks before deleting recent questions).
	terminal bool
}

func commands() []command {
	return []command{
		{"ask", "[--explain] [QUESTION]", "print the bot's reply to a question (no question: interactive)", runAsk},
		{"match", "< questions.txt", "match one question per line, print one JSON object per line", runMatch},
		{"lint", "[--kustomize] [--lang ja] [--intents DIR | DIR]", "check the intent files and report every problem", runLint},
		{"test", "[--queries FILE.tsv] [--sweep] [--intents DIR | DIR]", "measure the matcher on the examples (leave-one-out) and labelled queries", runTest},
		{"import", "--out DIR FILE...", "write draft intents from the office's FAQ documents (CSV, TSV, Markdown, HTML, text)", runImport},
		{"search", "WORDS", "find intents by a few letters of their id or title", runSearch},
		{"serve", "[--addr ADDR] [--ops-addr ADDR] [--intents DIR]", "serve LINE and Slack, health checks and metrics", runServe},
		{"healthcheck", "[--addr ADDR]", "ask the local server whether it is alive (for containers)", runHealthcheck},
		{"version", "", "print the version", runVersion},
		{"stats", "[--since 30d] [--json]", "figures from the record of questions", runStats},
		{"review", "[--since 30d] [--json] [--write DIR (--only 1,4,7 | --new FILE) [--force]] [--dismiss 2,3]", "group the questions that went wrong and suggest intent changes", runReview},
		{"record", "purge [--older-than 90d] [--yes]", "delete recorded questions older than the retention", runRecord},
		{"line", "richmenu apply --image menu.png [--staff-image staff.png] | show | remove", "make, show or remove the LINE rich menu of the settings' rich_menu", runLine},
		{"console-password", "< password", "print the bcrypt hash of a password read from stdin, for MADOGUCHI_CONSOLE_PASSWORD_HASH", runConsolePassword},
	}
}

// run is the whole program: main only wires the process to it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	c := &cli{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr, terminal: isTerminal(stdin)}
	if len(args) == 0 {
		usage(stderr)
		return usageError{"no command given"}
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(rest) == 0 {
			usage(stdout)
			return nil
		}
		// help COMMAND is COMMAND -h, printed where it was asked for.
		name, rest = rest[0], []string{"-h"}
		c.stderr = stdout
	case "-version", "--version":
		name = "version"
	}
	for _, cmd := range commands() {
		if cmd.name == name {
			err := cmd.run(ctx, c, c.flags(cmd), rest)
			// A mistake in a command's line points at that command's help,
			// whichever part of it found the mistake.
			var ue usageError
			if errors.As(err, &ue) {
				return cmdUsageError{cmd.name, ue.msg}
			}
			return err
		}
	}
	return usageError{fmt.Sprintf("unknown command %q", name)}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "madoguchi — the alumni office helpdesk bot")
	fmt.Fprintln(w, "\nUsage: madoguchi COMMAND [flags] [arguments]\n\nCommands:")
	width := 0
	for _, cmd := range commands() {
		width = max(width, len(cmd.name))
	}
	for _, cmd := range commands() {
		fmt.Fprintf(w, "  %-*s  %s\n", width, cmd.name, cmd.summary)
	}
	fmt.Fprintln(w, "\nRun 'madoguchi help COMMAND' for a command's flags.")
}

// flags returns the flag set of a subcommand. The flag package's own
// output is discarded: it would print a bad flag's error and the whole
// usage, and exitCode prints the error once more. parse prints the
// usage for -h only.
func (c *cli) flags(cmd command) *flag.FlagSet {
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(c.stderr, "Usage: madoguchi %s %s\n\n%s.\n\nFlags:\n", cmd.name, cmd.args, cmd.summary)
		fs.SetOutput(c.stderr)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parse parses flags, mapping a bad flag to a usage error (exit 2) and -h to
// flag.ErrHelp (exit 0) after printing the command's usage.
func parse(fs *flag.FlagSet, args []string) error {
	usage := fs.Usage
	fs.Usage = func() {} // the flag package calls it on errors too
	err := fs.Parse(args)
	fs.Usage = usage
	switch {
	case errors.Is(err, flag.ErrHelp):
		usage()
		return err
	case err != nil:
		return cmdUsageError{fs.Name(), err.Error()}
	}
	return nil
}

// noArgs is a usage error naming the first argument of a command that
// takes none (after its flags), else nil.
func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return cmdUsageError{fs.Name(), fmt.Sprintf("unexpected argument %q: %s takes none", fs.Arg(0), fs.Name())}
	}
	return nil
}

// isTerminal reports whether r is a terminal (a character device), not a
// pipe, a file or nothing.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// intentsFlag adds --intents, defaulting to $MADOGUCHI_INTENTS or "intents".
func (c *cli) intentsFlag(fs *flag.FlagSet) *string {
	def := c.getenv("MADOGUCHI_INTENTS")
	if def == "" {
		def = "intents"
	}
	return fs.String("intents", def, "the intents `directory` (env MADOGUCHI_INTENTS)")
}

// intentsArg returns the intents directory of a command that also takes
// it as its one optional argument (lint, test): the argument, else the
// --intents flag (or its environment default). Both at once must agree.
func intentsArg(fs *flag.FlagSet, flagDir string) (string, error) {
	switch fs.NArg() {
	case 0:
		return flagDir, nil
	case 1:
		set := false
		fs.Visit(func(f *flag.Flag) { set = set || f.Name == "intents" })
		if dir := fs.Arg(0); !set || dir == flagDir {
			return dir, nil
		}
		return "", cmdUsageError{fs.Name(), fmt.Sprintf("--intents %s and the argument %s disagree; give one", flagDir, fs.Arg(0))}
	default:
		return "", cmdUsageError{fs.Name(), fmt.Sprintf("want one directory, got %d arguments", fs.NArg())}
	}
}
