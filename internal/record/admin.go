package record

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// commandWait bounds how long a command waits to open (and migrate) the
// record.
const commandWait = 30 * time.Second

// OpenExisting opens the record for a command that reads or deletes what
// was recorded (stats, review, record purge), waiting at most 30 seconds:
// a SQLite file that is not there is a mistake in the path, reported by
// name, never a new empty file. With url set it is Open.
func OpenExisting(ctx context.Context, path, url string) (*DB, error) {
	ctx, cancel := context.WithTimeout(ctx, commandWait)
	defer cancel()
	if url == "" {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no record of questions at %s: give the file serve records to with --db (or MADOGUCHI_DB), or DATABASE_URL for PostgreSQL", path)
		} else if err != nil {
			return nil, fmt.Errorf("record %s: %w", path, err)
		}
	}
	return Open(ctx, path, url)
}

// ConfirmBelow is the age under which a purge asks before deleting: a
// week keeps last week's questions for review.
const ConfirmBelow = 7 * 24 * time.Hour

// ConfirmPurge asks on w before deleting every question recorded before
// cutoff, some of them less than a week old, and reads the answer from r:
// true for y or yes.
func (d *DB) ConfirmPurge(w io.Writer, r io.Reader, cutoff time.Time) bool {
	fmt.Fprintf(w, "Delete every question recorded before %s (%s), including some less than a week old? [y/N] ", cutoff.UTC().Format(time.DateTime), d.Where)
	answer, _ := bufio.NewReader(r).ReadString('\n')
	a := strings.ToLower(strings.TrimSpace(answer))
	return a == "y" || a == "yes"
}

// WritePurge deletes the questions recorded before cutoff (Purge) and
// writes to w how many it deleted.
func (d *DB) WritePurge(ctx context.Context, w io.Writer, cutoff time.Time) error {
	n, err := d.Purge(ctx, cutoff)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "deleted %d questions recorded before %s (%s)\n", n, cutoff.UTC().Format(time.DateTime), d.Where)
	return nil
}

// ParseAge reads an age: a number of days ("30d") or a Go duration
// ("36h"), not negative.
func ParseAge(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("%q is not a number of days, like 30d", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not an age, like 30d or 36h", s)
	}
	return d, nil
}
