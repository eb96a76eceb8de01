package record

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Service is the record as serve runs it: opened at start-up, closed last.
// A database it could not open never stops the bot answering: it serves
// without recording, and says so in the log, in Report (for /readyz) and
// in madoguchi_record_healthy.
type Service struct {
	// Recorder writes the questions; nil when the database could not be
	// opened.
	Recorder *Recorder
	// DB is the record's database, for the console; nil with Recorder.
	DB *DB
	// failed says why the record could not be opened at start-up.
	failed string
}

// Start opens (and migrates) the record at path (SQLite) or url
// (PostgreSQL) and starts its writer with opts.
//
// Its health is exported on reg for alerting: madoguchi_record_healthy (1
// when writes reach the database, 0 when the record could not be opened,
// or writes failed or were dropped in the last minute, or its file was
// deleted or replaced and opened again) and
// madoguchi_record_reopened_total.
func Start(ctx context.Context, logger *slog.Logger, reg prometheus.Registerer, path, url string, opts Options) *Service {
	s := &Service{}
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "madoguchi_record_healthy",
		Help: "1 when the record's writes reach its database; 0 when it could not be opened, writes failed or were dropped in the last minute, or its SQLite file was deleted or replaced (see /readyz on the operations port).",
	}, func() float64 {
		if s.Health().Status == StatusOK {
			return 1
		}
		return 0
	}))
	reopened := prometheus.NewCounter(prometheus.CounterOpts{
		Name: "madoguchi_record_reopened_total",
		Help: "Times the record's SQLite file was deleted or replaced while open, and its path opened again.",
	})
	reg.MustRegister(reopened)
	octx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	db, err := Open(octx, path, url)
	if err != nil {
		logger.Error("the record of questions is unavailable; answering without recording", "err", err)
		s.failed = err.Error()
		return s
	}
	opts.Reopened = reopened.Inc
	s.Recorder, s.DB = New(logger, db, opts), db
	logger.Info("recording questions", "db", db.Where)
	return s
}

// Health is the record's health without pinging the database: failing
// when it could not be opened at start-up.
func (s *Service) Health() Health {
	if s.Recorder == nil {
		return Health{Status: StatusFailing, Problem: "not recording (restart once the database is reachable): " + s.failed}
	}
	return s.Recorder.Health()
}

// Report is the record's part of /readyz: its health, failing while the
// database does not answer.
func (s *Service) Report(ctx context.Context) any {
	h := s.Health()
	if s.DB == nil {
		return h
	}
	if err := s.DB.Ping(ctx); err != nil {
		h.Status, h.Problem = StatusFailing, "unreachable (questions are not recorded meanwhile): "+err.Error()
	}
	return h
}

// Close writes what the recorder still holds and closes the database, so
// that a graceful shutdown loses no record either.
func (s *Service) Close(ctx context.Context) error {
	if s.Recorder == nil {
		return nil
	}
	err := s.Recorder.Close(ctx)
	s.DB.Close()
	return err
}
