package record

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/pgtest"
	"github.com/oumail-alumni/madoguchi/internal/state"
)

// benchQuestions are what LINE users ask, answered, asked back and
// escalated, some with personal data for the redaction to work on.
var benchQuestions = []string{
	"パスワードを忘れました", "ログインできない", "変更したい", "I forgot my password",
	"メールが届かない 連絡先は taro@example.com です", "転送先を変えたい", "図書館の開館時間", "how big is my mailbox",
	"電話 090-1234-5678 に連絡ください", "担当者と話したい",
}

// benchRate is the LINE load the issue asks for: events per second.
const benchRate = 5000

// benchDialog measures Dialog.Message as the LINE adapter calls it, with
// the record written to db (nil: recording off). Eight workers (serve's
// default) share a schedule of benchRate events a second, so that the
// figures are those of that load, not of a closed loop that starves the
// writer: the events per second achieved, the 99th percentile of one call,
// and the writes dropped (which must be 0 at this load). The adapter's
// own HTTP work is not in it: the adapters are measured by the load
// benchmarks in cmd/madoguchi.
func benchDialog(b *testing.B, db *DB) {
	cat, err := catalogue.Load("../../intents")
	if err != nil {
		b.Fatal(err)
	}
	var opts []bot.Option
	var rec *Recorder
	if db != nil {
		rec = New(quiet(), db, Options{})
		opts = append(opts, bot.WithRecorder(rec, []byte("bench"), nil))
	}
	d := bot.NewDialog(bot.New(match.New(cat)), state.NewMemory(time.Now), 0, nil, opts...)
	ctx := context.Background()
	events := b.N
	lat := make([]time.Duration, events)
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= events {
					return
				}
				if wait := time.Until(start.Add(time.Duration(i) * time.Second / benchRate)); wait > 0 {
					time.Sleep(wait)
				}
				t0 := time.Now()
				d.Message(ctx, fmt.Sprintf("line:%016x", i%5000), benchQuestions[i%len(benchQuestions)])
				lat[i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if rec != nil {
		if err := rec.Close(ctx); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(rec.Dropped()), "dropped")
	}
	slices.Sort(lat)
	b.ReportMetric(float64(events)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

func BenchmarkDialogNoRecord(b *testing.B) { benchDialog(b, nil) }

func BenchmarkDialogRecordSQLite(b *testing.B) {
	benchDialog(b, openSQLite(b, filepath.Join(b.TempDir(), "bench.db")))
}

func BenchmarkDialogRecordPostgres(b *testing.B) {
	benchDialog(b, openPostgres(b, pgtest.Start(b)))
}
