// Package reload replaces the catalogue of a running bot when its files
// change (or on SIGHUP): the new catalogue is loaded, validated and indexed
// completely, then swapped in as one step. A catalogue with problems is
// refused and the bot keeps serving the last good one.
package reload

import (
	"context"
	"errors"
	"log/slog"
	"os"
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

// Status describes the last reload attempt, for /readyz.
type Status struct {
	At       time.Time `json:"at"`
	OK       bool      `json:"ok"`
	Intents  int       `json:"intents"`
	Seconds  float64   `json:"seconds"`
	Problems []string  `json:"problems,omitempty"`
	Error    string    `json:"error,omitempty"`
}

// Reloader reloads one intents directory into one bot.
type Reloader struct {
	dir     string
	bot     *bot.Bot
	log     *slog.Logger
	metrics *metrics.Metrics
	mu      sync.Mutex // one reload at a time
	status  Status
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

// Status returns the last reload's status.
func (r *Reloader) Status() Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.status
}

// Watch reloads after the directory changes (debounced) and whenever hup
// delivers, until ctx ends.
func (r *Reloader) Watch(ctx context.Context, hup <-chan os.Signal) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	// The directory, not its files: editors and Kubernetes replace files
	// by renaming, which a watch on the old file would miss.
	if err := w.Add(r.dir); err != nil {
		return err
	}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			r.log.Debug("intents changed", "file", ev.Name, "op", ev.Op.String())
			timer.Reset(Debounce)
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			r.log.Warn("watching intents", "err", err)
		case <-hup:
			r.log.Info("SIGHUP: reloading the catalogue")
			r.Reload()
		case <-timer.C:
			r.Reload()
		}
	}
}
