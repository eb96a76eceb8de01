package handoff

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// Status is where a ticket stands.
type Status string

// The states of a ticket.
const (
	StatusOpen   Status = "open"
	StatusClosed Status = "closed"
)

// Reason is why a conversation closed.
type Reason string

// The reasons a conversation closes.
const (
	ReasonUser       Reason = "user"
	ReasonStaff      Reason = "staff"
	ReasonInactivity Reason = "inactivity"
)

// DeskRef locates a ticket's message at the desk (a Slack channel and the
// message's ts, which is also its thread's ts).
type DeskRef struct {
	Channel string
	TS      string
}

// Ticket is one conversation handed to staff.
type Ticket struct {
	ID string
	// Handle is the user's pseudonym (a keyed hash of platform and id).
	Handle   string
	Platform string
	// To is the raw platform id that pushes go to; it is kept only while
	// the ticket is, and never logged.
	To   string
	Name string
	Lang catalogue.Lang
	Desk DeskRef

	Status   Status
	Taker    string
	ClosedBy string
	Reason   Reason

	Opened, Activity, FirstReply, Closed time.Time

	Recent  []Exchange
	Guesses []Guess
}

// ClosedRetention is how long a closed ticket is kept, so that a late
// thread message or button gets "this conversation is closed" rather than
// "unknown ticket".
const ClosedRetention = 30 * 24 * time.Hour

// Exchange is one question and the bot's answer, shown on the ticket.
type Exchange struct {
	User string
	Bot  string
}

// Guess is one of the bot's candidate answers, offered to staff with a
// "Send this answer" button.
type Guess struct {
	IntentID string
	Title    string
}

// Store keeps tickets where every replica sees them. Each method is
// atomic on its own; the flow needs nothing more.
type Store interface {
	// Create saves a new open ticket and indexes it by user and thread.
	Create(ctx context.Context, t Ticket) error
	// Get returns the ticket with id, open or recently closed.
	Get(ctx context.Context, id string) (Ticket, bool, error)
	// ByUser returns the open ticket of the user with handle.
	ByUser(ctx context.Context, handle string) (Ticket, bool, error)
	// ByThread returns the ticket whose desk thread is ref.
	ByThread(ctx context.Context, ref DeskRef) (Ticket, bool, error)
	// Touch records activity at t.
	Touch(ctx context.Context, id string, t time.Time) error
	// Take records who took the ticket.
	Take(ctx context.Context, id, staff string) error
	// FirstReply records the first staff reply at t and reports whether
	// this call was the first.
	FirstReply(ctx context.Context, id string, t time.Time) (bool, error)
	// CloseTicket marks the ticket closed and frees the user for a new one; it
	// reports whether this call closed it (false if already closed). A
	// closed ticket keeps no user id, name or conversation: only what a
	// late message or button needs to be told it is closed.
	CloseTicket(ctx context.Context, id, by string, reason Reason, t time.Time) (bool, error)
	// Open lists the open tickets, oldest first.
	Open(ctx context.Context) ([]Ticket, error)
	// Claim sets key for ttl unless set and reports whether this call set
	// it: the dedup of events across retries and replicas.
	Claim(ctx context.Context, key string, ttl time.Duration) (bool, error)
	// Release removes a claim.
	Release(ctx context.Context, key string) error
}

var _ Store = (*Memory)(nil)

// Memory is a Store for one replica; its state ends with the process.
type Memory struct {
	mu      sync.Mutex
	tickets map[string]*Ticket
	users   map[string]string
	threads map[DeskRef]string
	claims  map[string]time.Time
	// readTokens are the open tickets' mark-as-read tokens (store_read.go).
	readTokens map[string]string
	now        func() time.Time
}

// NewMemory returns an empty in-memory store; now tells claims' expiry.
func NewMemory(now func() time.Time) *Memory {
	if now == nil {
		now = time.Now
	}
	return &Memory{tickets: map[string]*Ticket{}, users: map[string]string{}, threads: map[DeskRef]string{},
		claims: map[string]time.Time{}, now: now}
}

// Create implements Store.
func (m *Memory) Create(_ context.Context, t Ticket) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, old := range m.tickets {
		if old.Status == StatusClosed && m.now().Sub(old.Closed) > ClosedRetention {
			delete(m.tickets, id)
			delete(m.threads, old.Desk)
		}
	}
	c := t
	m.tickets[t.ID] = &c
	m.users[t.Handle] = t.ID
	m.threads[t.Desk] = t.ID
	return nil
}

// Get implements Store.
func (m *Memory) Get(_ context.Context, id string) (Ticket, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.get(id)
}

func (m *Memory) get(id string) (Ticket, bool, error) {
	t, ok := m.tickets[id]
	if !ok {
		return Ticket{}, false, nil
	}
	return *t, true, nil
}

// ByUser implements Store.
func (m *Memory) ByUser(_ context.Context, handle string) (Ticket, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.get(m.users[handle])
}

// ByThread implements Store.
func (m *Memory) ByThread(_ context.Context, ref DeskRef) (Ticket, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.get(m.threads[ref])
}

// Touch implements Store.
func (m *Memory) Touch(_ context.Context, id string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if t, ok := m.tickets[id]; ok && at.After(t.Activity) {
		t.Activity = at
	}
	return nil
}

// Take implements Store.
func (m *Memory) Take(_ context.Context, id, staff string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if t, ok := m.tickets[id]; ok {
		t.Taker = staff
	}
	return nil
}

// FirstReply implements Store.
func (m *Memory) FirstReply(_ context.Context, id string, at time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tickets[id]
	if !ok || !t.FirstReply.IsZero() {
		return false, nil
	}
	t.FirstReply = at
	return true, nil
}

// CloseTicket implements Store.
func (m *Memory) CloseTicket(_ context.Context, id, by string, reason Reason, at time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tickets[id]
	if !ok || t.Status == StatusClosed {
		return false, nil
	}
	t.Status, t.ClosedBy, t.Reason, t.Closed = StatusClosed, by, reason, at
	t.To, t.Name, t.Recent, t.Guesses = "", "", nil, nil
	delete(m.readTokens, id)
	if m.users[t.Handle] == id {
		delete(m.users, t.Handle)
	}
	return true, nil
}

// Open implements Store.
func (m *Memory) Open(context.Context) ([]Ticket, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Ticket
	for _, t := range m.tickets {
		if t.Status == StatusOpen {
			out = append(out, *t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Opened.Before(out[j].Opened) })
	return out, nil
}

// Claim implements Store.
func (m *Memory) Claim(_ context.Context, key string, ttl time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if exp, ok := m.claims[key]; ok && now.Before(exp) {
		return false, nil
	}
	// Forget expired claims now and then so the map does not grow forever.
	if len(m.claims) > 10000 {
		for k, exp := range m.claims {
			if !now.Before(exp) {
				delete(m.claims, k)
			}
		}
	}
	m.claims[key] = now.Add(ttl)
	return true, nil
}

// Release implements Store.
func (m *Memory) Release(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.claims, key)
	return nil
}
