package server

import (
	"bufio"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/oumail-alumni/madoguchi/internal/bot"
)

const testSecret = "hook secret"

func signature(body string) string {
	m := hmac.New(sha256.New, []byte(testSecret))
	m.Write([]byte(body))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// signedHook is a webhook as the adapters are: it reads the body, answers
// 400 to a bad signature and 200 to a good one.
var signedHook = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "read: "+err.Error(), http.StatusBadRequest)
		return
	}
	if !hmac.Equal([]byte(r.Header.Get("X-Signature")), []byte(signature(string(b)))) {
		http.Error(w, "bad signature", http.StatusBadRequest)
		return
	}
	w.Write([]byte("{}"))
})

// signedPost is a complete request to /hook, signed when good.
func signedPost(body string, good bool) string {
	sig := signature(body)
	if !good {
		sig = "YmFk"
	}
	return fmt.Sprintf("POST /hook HTTP/1.1\r\nHost: x\r\nX-Signature: %s\r\nContent-Length: %d\r\n\r\n%s", sig, len(body), body)
}

const healthz = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"

// dialFrom connects to addr from the loopback address from (Linux answers
// on all of 127.0.0.0/8).
func dialFrom(t *testing.T, from, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// exchange writes req on c and reads the response's status; an error means
// the server closed the connection without answering.
func exchange(c net.Conn, req string) (int, error) {
	c.SetDeadline(time.Now().Add(10 * time.Second))
	defer c.SetDeadline(time.Time{})
	if _, err := io.WriteString(c, req); err != nil {
		return 0, err
	}
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

// newGuarded returns a Server with signedHook on /hook.
func newGuarded() *Server {
	s := New(slog.New(slog.DiscardHandler), bot.New(nil), prometheus.NewRegistry())
	s.Handle("POST /hook", signedHook)
	return s
}

// serveCapped serves h on loopback behind limitConns with the given caps.
func serveCapped(t *testing.T, h http.Handler, max, perAddr int, refused func(string)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := newHTTPServer(h)
	go srv.Serve(limitConns(ln, max, perAddr, refused))
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

func TestAddrKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"127.0.0.1:8080", "127.0.0.1/32"},
		{"[::ffff:127.0.0.2]:8080", "127.0.0.2/32"},
		{"[2001:db8:1:2:3:4:5:6]:443", "2001:db8:1:2::/64"},
		{"[2001:db8:1:2:ffff::1]:443", "2001:db8:1:2::/64"},
		{"[2001:db8:1:3::1]:443", "2001:db8:1:3::/64"},
		{"[fe80::1%lo]:443", "fe80::/64"},
	}
	for _, tt := range tests {
		if got := addrKey(tt.in); got.String() != tt.want {
			t.Errorf("addrKey(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
	if got := addrKey("not an address"); got != (netip.Prefix{}) {
		t.Errorf("addrKey of garbage = %s, want the zero prefix", got)
	}
}

// TestVerifiedConnectionsDoNotCount walks one address through its share of
// two unverified connections: a bad signature or a probe counts, a
// verified event frees its connection's place, a closed one frees it too.
func TestVerifiedConnectionsDoNotCount(t *testing.T) {
	refused := make(chan string, 10)
	addr := serveCapped(t, newGuarded(), 100, 2, func(reason string) { refused <- reason })
	conns := map[string]net.Conn{}
	steps := []struct {
		name, conn, req string
		want            int // 0: closed without an answer
	}{
		{"bad signature: counted", "a", signedPost(`{"n":1}`, false), 400},
		{"signed: verified, not counted", "b", signedPost(`{"n":2}`, true), 200},
		{"probe: counted, the share is full", "c", healthz, 200},
		{"over the share: closed", "d", healthz, 0},
		{"the verified connection is still served", "b", signedPost(`{"n":3}`, true), 200},
		{"so is the counted one", "a", healthz, 200},
	}
	for _, st := range steps {
		c, ok := conns[st.conn]
		if !ok {
			c = dialFrom(t, "127.0.0.2", addr)
			conns[st.conn] = c
		}
		got, err := exchange(c, st.req)
		if err != nil && st.want != 0 {
			t.Fatalf("%s: %v, want %d", st.name, err, st.want)
		}
		if got != st.want {
			t.Fatalf("%s: status %d, want %d", st.name, got, st.want)
		}
	}
	if got := <-refused; got != "connections_per_address" {
		t.Errorf("refusal reason %q, want connections_per_address", got)
	}
	// Another address has its own share.
	if got, err := exchange(dialFrom(t, "127.0.0.3", addr), healthz); err != nil || got != 200 {
		t.Errorf("another address: %d %v, want 200", got, err)
	}
	// Closing a counted connection gives its place back (once the server
	// has seen the close).
	conns["a"].Close()
	served := false
	for range 100 {
		if got, err := exchange(dialFrom(t, "127.0.0.2", addr), healthz); err == nil && got == 200 {
			served = true
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !served {
		t.Error("after a counted connection closed, a new one is still refused")
	}
}

// TestGuardShare: one address's slow bodies take at most its share of the
// slots; another address, or a verified connection, still gets one.
func TestGuardShare(t *testing.T) {
	lim := Limits{MaxBody: 1 << 20, SmallBody: 1 << 10, SmallSlots: 4, LargeSlots: 2, SmallPerAddr: 2, LargePerAddr: 1,
		BodyTimeout: time.Minute}
	reg := prometheus.NewRegistry()
	g := NewGuard(lim, reg)
	addr := serveCapped(t, g.Wrap(signedHook), 100, 100, func(string) {})

	// A connection from .1 verified before the flood.
	verified := dialFrom(t, "127.0.0.1", addr)
	if got, err := exchange(verified, signedPost("{}", true)); err != nil || got != 200 {
		t.Fatalf("signed request: %d %v, want 200", got, err)
	}
	// .1 sends slow bodies: two small and one large hold its share.
	for _, length := range []int{100, 100, 100 << 10} {
		c := dialFrom(t, "127.0.0.1", addr)
		io.WriteString(c, post(length)+"partial")
	}
	small, large := strings.Repeat("s", 100), strings.Repeat("l", 100<<10)
	tests := []struct {
		name, from, body string
		want             int
	}{
		{"third small body from the same address", "127.0.0.1", small, http.StatusServiceUnavailable},
		{"second large body from the same address", "127.0.0.1", large, http.StatusServiceUnavailable},
		{"small body from another address", "127.0.0.2", small, http.StatusOK},
		{"large body from another address", "127.0.0.2", large, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Until the slow bodies hold their slots, the same address may
			// still get one: retry a bounded number of times.
			got := 0
			for range 100 {
				var err error
				if got, err = exchange(dialFrom(t, tt.from, addr), signedPost(tt.body, true)); err == nil && got == tt.want {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			if got != tt.want {
				t.Errorf("status %d, want %d", got, tt.want)
			}
		})
	}
	if got, err := exchange(verified, signedPost(small, true)); err != nil || got != 200 {
		t.Errorf("verified connection from the busy address: %d %v, want 200", got, err)
	}
	if got := testutil.ToFloat64(g.shed.WithLabelValues("busy_per_address")); got < 2 {
		t.Errorf("shed busy_per_address = %v, want at least 2", got)
	}
}

// TestOneAddressCannotShutOutAnother floods the public listener, as Serve
// runs it, from 127.0.0.1 with more connections than the global cap: slow
// webhook bodies holding the guard's slots, then idle connections after a
// probe, one at a time. Only MaxUnverifiedPerAddr of them are kept; from
// 127.0.0.2, /healthz and a signed event are still served.
func TestOneAddressCannotShutOutAnother(t *testing.T) {
	s := newGuarded()
	addr := serveLoopback(t, s)
	slow := DefaultLimits().SmallPerAddr
	for range slow {
		c := dialFrom(t, "127.0.0.1", addr)
		io.WriteString(c, post(100)+"partial")
	}
	flood := MaxConns + 100
	served, closed := 0, 0
	for range flood - slow {
		c := dialFrom(t, "127.0.0.1", addr)
		if _, err := exchange(c, healthz); err != nil {
			closed++
			c.Close()
			continue
		}
		served++
	}
	if want := MaxUnverifiedPerAddr - slow; served != want {
		t.Errorf("flood from 127.0.0.1: %d idle connections kept, want %d", served, want)
	}
	if want := flood - MaxUnverifiedPerAddr; closed != want {
		t.Errorf("flood from 127.0.0.1: %d connections closed, want %d", closed, want)
	}
	if got := testutil.ToFloat64(s.guard.shed.WithLabelValues("connections_per_address")); int(got) != closed {
		t.Errorf("shed connections_per_address = %v, want %d", got, closed)
	}
	other := dialFrom(t, "127.0.0.2", addr)
	for _, req := range []string{healthz, signedPost(`{"events":[]}`, true)} {
		if got, err := exchange(other, req); err != nil || got != 200 {
			t.Errorf("from 127.0.0.2 during the flood, %.30q: %d %v, want 200", req, got, err)
		}
	}
	if got, err := exchange(dialFrom(t, "127.0.0.2", addr), signedPost(`{"events":[]}`, true)); err != nil || got != 200 {
		t.Errorf("signed event on a new connection from 127.0.0.2: %d %v, want 200", got, err)
	}
}
