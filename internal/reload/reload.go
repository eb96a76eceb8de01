// Package reload replaces the catalogue of a running bot when its files
// change (or on SIGHUP): the new catalogue is loaded, validated and indexed
// completely, then swapped in as one step. A catalogue with problems is
// refused and the bot keeps serving the last good one.
package reload

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/metrics"
)

// Debounce is how long the directory must be quiet before a reload: an
// editor's save or a ConfigMap update is several file events.
const Debounce = 300 * time.Millisecond

// Status describes the last reload attempt and the watch on the
// directory, for /readyz.
type Status struct {
	At       time.Time `json:"at"`
	OK       bool      `json:"ok"`
	Intents  int       `json:"intents"`
	Seconds  float64   `json:"seconds"`
	Problems []string  `json:"problems,omitempty"`
	Error    string    `json:"error,omitempty"`
	// Watching is true while edits to the directory are being picked up.
	// It is false before Watch starts, while the directory is missing
	// (between an rm -rf and its copy), and after the watcher failed.
	Watching bool `json:"watching"`
	// WatchError says why the watcher failed: edits are no longer
	// picked up until the process restarts, so the instance is not ready.
	WatchError string `json:"watch_error,omitempty"`
}

// WatchFailed reports whether the watcher stopped for good: the bot
// still answers, but with a catalogue that no edit will change.
func (s Status) WatchFailed() bool { return s.WatchError != "" }

// Reloader reloads one intents directory into one bot.
type Reloader struct {
	dir     string
	bot     *bot.Bot
	log     *slog.Logger
	metrics *metrics.Metrics
	mu      sync.Mutex // one reload at a time
	status  Status
	watchMu sync.Mutex // guards the watch fields, apart from reloads
	watch   watchState
}

// watchState is the watcher's part of Status, kept apart so that it is
// not overwritten by a reload.
type watchState struct {
	watching bool
	err      string
}

// New returns a reloader for the catalogue in dir, served by b, which was
// loaded from dir at start.
func New(logger *slog.Logger, dir string, b *bot.Bot, m *metrics.Metrics) *Reloader {
	n := len(b.Index().Catalogue().Intents)
	m.Intents.Set(float64(n))
	return &Reloader{dir: dir, bot: b, log: logger, metrics: m, status: Status{At: time.Now(), OK: true, Intents: n}}
}

// Reload loads the directory and, if it is valid, swaps it in.
func (r *Reloader) Reload() Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	start := time.Now()
	st := Status{At: start}
	cat, err := catalogue.Load(r.dir)
	if err == nil {
		x := match.New(cat)
		r.bot.Swap(x)
		st.OK, st.Intents = true, len(cat.Intents)
		r.metrics.Intents.Set(float64(st.Intents))
		r.metrics.Reloads.WithLabelValues("ok").Inc()
	} else {
		var ps catalogue.Problems
		if errors.As(err, &ps) {
			for _, p := range ps {
				st.Problems = append(st.Problems, p.String())
			}
		} else {
			st.Error = err.Error()
		}
		st.Intents = len(r.bot.Index().Catalogue().Intents)
		r.metrics.Reloads.WithLabelValues("failed").Inc()
	}
	st.Seconds = time.Since(start).Seconds()
	r.status = st
	if st.OK {
		r.log.Info("catalogue reloaded", "intents", st.Intents, "seconds", st.Seconds)
	} else {
		r.log.Error("catalogue refused; still serving the last good one", "problems", st.Problems, "err", st.Error)
	}
	return st
}

// Status returns the last reload's status and the watcher's.
func (r *Reloader) Status() Status {
	r.mu.Lock()
	st := r.status
	r.mu.Unlock()
	r.watchMu.Lock()
	st.Watching, st.WatchError = r.watch.watching, r.watch.err
	r.watchMu.Unlock()
	return st
}

// setWatch records the watcher's state; a non-empty failure is logged
// as an error since edits are no longer picked up.
func (r *Reloader) setWatch(watching bool, failure string) {
	r.watchMu.Lock()
	r.watch = watchState{watching: watching, err: failure}
	r.watchMu.Unlock()
	if failure != "" {
		r.log.Error("not watching the intents directory any more; edits are ignored until restart", "dir", r.dir, "err", failure)
	}
}

// Watch reloads after the directory changes (debounced) and whenever hup
// delivers, until ctx ends. It watches the parent directory too, so that
// a directory that is removed and created again (rm -rf intents && cp -r
// good intents) is watched again and reloaded. If the watcher fails, Watch
// returns the error and Status reports it.
func (r *Reloader) Watch(ctx context.Context, hup <-chan os.Signal) error {
	err := r.watchLoop(ctx, hup)
	if err != nil && ctx.Err() == nil {
		r.setWatch(false, err.Error())
		return err
	}
	r.setWatch(false, "")
	return nil
}

func (r *Reloader) watchLoop(ctx context.Context, hup <-chan os.Signal) error {
	dir, err := filepath.Abs(r.dir)
	if err != nil {
		return fmt.Errorf("watch %s: %w", r.dir, err)
	}
	dir = filepath.Clean(dir)
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch %s: %w", r.dir, err)
	}
	defer w.Close()
	// The parent: the only place that says the directory itself was
	// removed, renamed or created again.
	parent := filepath.Dir(dir)
	if parent != dir {
		if err := w.Add(parent); err != nil {
			return fmt.Errorf("watch %s: %w", parent, err)
		}
	}
	// The directory, not its files: editors and Kubernetes replace files
	// by renaming, which a watch on the old file would miss.
	if err := w.Add(dir); err != nil {
		return fmt.Errorf("watch %s: %w", dir, err)
	}
	r.setWatch(true, "")
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return errors.New("the watcher's event channel closed")
			}
			if filepath.Dir(ev.Name) == parent && ev.Name != dir {
				continue // a sibling of the intents directory
			}
			r.log.Debug("intents changed", "file", ev.Name, "op", ev.Op.String())
			if ev.Name == dir {
				r.dirChanged(w, dir, ev)
			}
			timer.Reset(Debounce)
		case err, ok := <-w.Errors:
			if !ok {
				return errors.New("the watcher's error channel closed")
			}
			// An overflow loses events, not the watch: reload to be
			// sure nothing was missed.
			r.log.Warn("watching intents", "err", err)
			timer.Reset(Debounce)
		case <-hup:
			r.log.Info("SIGHUP: reloading the catalogue")
			r.Reload()
		case <-timer.C:
			r.Reload()
		}
	}
}

// dirChanged follows the intents directory itself: gone (the kernel drops
// its watch), or back, when it is watched again. Files copied into it
// before the new watch started are caught by the reload that follows.
func (r *Reloader) dirChanged(w *fsnotify.Watcher, dir string, ev fsnotify.Event) {
	switch {
	case ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename):
		if _, err := os.Stat(dir); err == nil {
			return // already back (a rename over it)
		}
		r.log.Warn("intents directory removed; serving the last good catalogue until it is back", "dir", r.dir)
		_ = w.Remove(dir) // usually gone with the directory already
		r.setWatch(false, "")
	case ev.Has(fsnotify.Create):
		if err := w.Add(dir); err != nil {
			r.log.Warn("intents directory back but not watchable yet", "dir", r.dir, "err", err)
			return
		}
		r.log.Info("intents directory back; watching it again", "dir", r.dir)
		r.setWatch(true, "")
	}
}
