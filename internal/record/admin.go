package record

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// OpenExisting opens the record for a command that reads or deletes what
// was recorded (stats, review, record purge): a SQLite file that is not
// there is a mistake in the path, reported by name, never a new empty
// file. With url set it is Open.
func OpenExisting(ctx context.Context, path, url string) (*DB, error) {
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
