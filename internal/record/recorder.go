package record

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/redact"
)

// Options tune a Recorder; the zero value is usable.
type Options struct {
	// Buffer is how many writes may wait (16384: three seconds of the
	// 5,000 events/s load, through a slow checkpoint); past it writes are
	// dropped rather than slow the bot.
	Buffer int
	// Batch is the most writes in one transaction (256).
	Batch int
	// Interval is the longest a write waits for its batch to fill (200 ms).
	Interval time.Duration
	// Timeout bounds one batch's transaction (5 s), so that a database
	// that hangs costs the buffer, not the bot.
	Timeout time.Duration
	// Retention returns how long questions are kept (read at each purge,
	// so a reloaded catalogue's retention_days applies); nil: 90 days.
	Retention func() time.Duration
	// PurgeEvery is how often old questions are deleted (24 h).
	PurgeEvery time.Duration
	// Dropped hears of writes dropped, by reason ("full", "error",
	// "closed"): the metric. It is called from several goroutines.
	Dropped func(reason string, n int)
	// Reopened hears that the SQLite file was deleted or replaced while
	// open, and its path opened again: the metric.
	Reopened func()
	// Now is the clock (time.Now).
	Now func() time.Time
}

func (o *Options) defaults() {
	if o.Buffer <= 0 {
		o.Buffer = 16384
	}
	if o.Batch <= 0 {
		o.Batch = 256
	}
	if o.Interval <= 0 {
		o.Interval = 200 * time.Millisecond
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	if o.Retention == nil {
		o.Retention = func() time.Duration { return 90 * 24 * time.Hour }
	}
	if o.PurgeEvery <= 0 {
		o.PurgeEvery = 24 * time.Hour
	}
	if o.Dropped == nil {
		o.Dropped = func(string, int) {}
	}
	if o.Reopened == nil {
		o.Reopened = func() {}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// op is one queued write.
type op struct {
	question *bot.Question
	feedback *feedbackOp
	handoff  *handoffOp
	ticket   *ticketOp
	forget   *forgetOp
	// flushed, when set, is closed once everything queued before it is
	// written (or dropped).
	flushed chan struct{}
}

type feedbackOp struct {
	id   string
	good bool
	at   time.Time
}

type handoffOp struct {
	user string
	at   time.Time
}

// ticketOp is one moment of a conversation with staff: opened at at,
// first replied to (replied set, at the opening), or rated (score > 0,
// at the rating).
type ticketOp struct {
	id            string
	at, replied   time.Time
	score, levels int
}

type forgetOp struct {
	user string
	done chan forgetResult
}

type forgetResult struct {
	n   int64
	err error
}

// Recorder is the bot.Recorder that writes to a DB in the background.
type Recorder struct {
	db      *DB
	logger  *slog.Logger
	opts    Options
	ops     chan op
	dropped atomic.Int64
	stop    chan struct{}
	wg      sync.WaitGroup
	once    sync.Once
	// lastLog rate-limits the "dropping" warnings to one a second.
	lastLog atomic.Int64
	health  health
}

var _ bot.Recorder = (*Recorder)(nil)

// New starts a Recorder writing to db, and its daily purge; Close stops
// both.
func New(logger *slog.Logger, db *DB, opts Options) *Recorder {
	opts.defaults()
	r := &Recorder{db: db, logger: logger, opts: opts, ops: make(chan op, opts.Buffer), stop: make(chan struct{})}
	r.wg.Add(2)
	go r.write()
	go r.purgeLoop()
	return r
}

// Record queues a question; it never blocks.
func (r *Recorder) Record(q bot.Question) { r.enqueue(op{question: &q}) }

// Feedback queues a 👍 or 👎 for question id; it never blocks.
func (r *Recorder) Feedback(id string, good bool, at time.Time) {
	r.enqueue(op{feedback: &feedbackOp{id, good, at}})
}

// Handoff marks user's latest question as handed to staff; it never
// blocks. The handoff flow calls it when staff take a conversation.
func (r *Recorder) Handoff(user string, at time.Time) {
	r.enqueue(op{handoff: &handoffOp{user, at}})
}

// TicketOpened notes that a conversation with staff opened; it never
// blocks. With TicketReplied and Rated it is the handoff's Journal.
func (r *Recorder) TicketOpened(id string, at time.Time) {
	r.enqueue(op{ticket: &ticketOp{id: id, at: at}})
}

// TicketReplied notes the first staff reply, at at, in ticket id opened
// at opened (a later call for the same ticket changes nothing); it never
// blocks.
func (r *Recorder) TicketReplied(id string, opened, at time.Time) {
	r.enqueue(op{ticket: &ticketOp{id: id, at: opened, replied: at}})
}

// Rated stores the user's rating (1..levels) of a closed conversation;
// the first counts. It never blocks.
func (r *Recorder) Rated(id string, score, levels int, at time.Time) {
	r.enqueue(op{ticket: &ticketOp{id: id, at: at, score: score, levels: levels}})
}

func (r *Recorder) enqueue(o op) {
	select {
	case <-r.stop:
		r.drop("closed", 1, nil)
		return
	default:
	}
	select {
	case r.ops <- o:
	default:
		r.drop("full", 1, nil)
	}
}

// Dropped returns how many writes were dropped since New.
func (r *Recorder) Dropped() int64 { return r.dropped.Load() }

func (r *Recorder) drop(reason string, n int, err error) {
	r.dropped.Add(int64(n))
	r.opts.Dropped(reason, n)
	r.health.dropped(r.opts.Now(), reason, n, err)
	now := time.Now().UnixNano()
	if last := r.lastLog.Load(); now-last >= int64(time.Second) && r.lastLog.CompareAndSwap(last, now) {
		r.logger.Warn("record: writes dropped; answering goes on", "reason", reason, "n", n, "db", r.db.Where, "err", err)
	}
}

// Forget deletes every record of user, after whatever of theirs is still
// queued, and waits for it.
func (r *Recorder) Forget(ctx context.Context, user string) (int64, error) {
	done := make(chan forgetResult, 1)
	select {
	case r.ops <- op{forget: &forgetOp{user, done}}:
	case <-r.stop:
		return 0, errClosed
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	select {
	case res := <-done:
		return res.n, res.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// Flush waits until everything queued so far is written or dropped.
func (r *Recorder) Flush(ctx context.Context) error {
	done := make(chan struct{})
	select {
	case r.ops <- op{flushed: done}:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close writes what is queued (within ctx) and stops the recorder. The DB
// stays open.
func (r *Recorder) Close(ctx context.Context) error {
	err := r.Flush(ctx)
	r.once.Do(func() { close(r.stop) })
	r.wg.Wait()
	return err
}

// write is the one goroutine that writes: it batches queued ops and writes
// a batch when it is full, when Interval passes, or before a forget or
// flush (so that they come after what was queued before them).
func (r *Recorder) write() {
	defer r.wg.Done()
	tick := time.NewTicker(r.opts.Interval)
	defer tick.Stop()
	var batch []op
	for {
		select {
		case o := <-r.ops:
			switch {
			case o.forget != nil:
				batch = r.flush(batch)
				ctx, cancel := context.WithTimeout(context.Background(), r.opts.Timeout)
				n, err := r.db.Forget(ctx, o.forget.user)
				cancel()
				o.forget.done <- forgetResult{n, err}
			case o.flushed != nil:
				batch = r.flush(batch)
				close(o.flushed)
			default:
				if batch = append(batch, o); len(batch) >= r.opts.Batch {
					batch = r.flush(batch)
				}
			}
		case <-tick.C:
			batch = r.flush(batch)
		case <-r.stop:
			r.flush(batch)
			return
		}
	}
}

// flush writes batch, redacting each question's text first, and returns
// the emptied batch for reuse.
func (r *Recorder) flush(batch []op) []op {
	r.watchFile()
	if len(batch) == 0 {
		return batch
	}
	for _, o := range batch {
		if o.question != nil {
			o.question.Text = redact.Text(o.question.Text)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), r.opts.Timeout)
	defer cancel()
	if err := r.db.write(ctx, batch); err != nil {
		r.drop("error", len(batch), err)
	} else {
		r.health.wrote()
	}
	clear(batch)
	return batch[:0]
}

// purgeLoop deletes old questions at start and then every PurgeEvery.
func (r *Recorder) purgeLoop() {
	defer r.wg.Done()
	tick := time.NewTicker(r.opts.PurgeEvery)
	defer tick.Stop()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		n, err := r.db.Purge(ctx, r.opts.Now().Add(-r.opts.Retention()))
		cancel()
		if err != nil {
			r.logger.Warn("record: purge failed; will try again", "err", err)
		} else if n > 0 {
			r.logger.Info("record: purged old questions", "n", n)
		}
		select {
		case <-tick.C:
		case <-r.stop:
			return
		}
	}
}
