package server

import (
	"context"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
)

// MaxConns bounds the public listener's open connections. Each costs a
// goroutine and buffers (about 20 KiB); LINE and Slack keep a handful
// each, so 1,024 leaves them ample room while ten thousand idle
// connections from anyone could not take the container's memory.
const MaxConns = 1024

// MaxUnverifiedPerAddr bounds the connections one address (an IPv6 /64)
// may hold open before any request on them has been verified, so that one
// host cannot fill MaxConns and shut out LINE, Slack and the probes. A
// connection stops counting once a webhook request on it is verified
// (see Guard.Wrap): behind a reverse proxy every connection comes from
// the proxy's address, and the proxy's connections that carry real events
// are then not limited. 128 is far above what LINE, Slack or a proxy hold
// unverified at a time and leaves 7/8 of the global cap to others.
const MaxUnverifiedPerAddr = 128

// capListener closes connections accepted beyond its caps at once, rather
// than leaving them in the kernel's queue: a client over a cap sees a
// reset and retries, and nothing is held for it.
type capListener struct {
	net.Listener
	slots   chan struct{}
	perAddr int
	refused func(reason string)

	mu         sync.Mutex
	unverified map[netip.Prefix]int // open connections not yet verified, per address
}

// limitConns returns ln with at most max connections open at a time and at
// most perAddr unverified ones from one address; refused is called for
// each connection closed over a cap, with the reason "connections" (the
// global cap) or "connections_per_address".
func limitConns(ln net.Listener, max, perAddr int, refused func(reason string)) net.Listener {
	return &capListener{Listener: ln, slots: make(chan struct{}, max), perAddr: perAddr, refused: refused,
		unverified: map[netip.Prefix]int{}}
}

func (l *capListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		// The address is checked first, so that a flooding host never
		// holds a global slot, even for a moment.
		key := addrKey(c.RemoteAddr().String())
		// Counted before the close, so that a client that sees the close
		// finds it counted.
		if !l.take(key) {
			l.refused("connections_per_address")
			c.Close()
			continue
		}
		select {
		case l.slots <- struct{}{}:
			return &slotConn{Conn: c, l: l, key: key}, nil
		default:
			l.give(key)
			l.refused("connections")
			c.Close()
		}
	}
}

// take counts one more unverified connection from key, unless key holds
// its share already.
func (l *capListener) take(key netip.Prefix) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.unverified[key] >= l.perAddr {
		return false
	}
	l.unverified[key]++
	return true
}

// give counts one unverified connection from key less.
func (l *capListener) give(key netip.Prefix) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.unverified[key]--; l.unverified[key] <= 0 {
		delete(l.unverified, key)
	}
}

// addrKey is the address a connection is counted under: its IP, or its
// /64 for IPv6, since one host commonly has a whole /64 to choose from.
// Addresses that cannot be read share one key. hostport is a
// connection's remote address, "ip:port".
func addrKey(hostport string) netip.Prefix {
	ap, err := netip.ParseAddrPort(hostport)
	if err != nil {
		return netip.Prefix{}
	}
	ip := ap.Addr().Unmap()
	bits := 32
	if ip.Is6() {
		bits = 64
	}
	p, _ := ip.WithZone("").Prefix(bits)
	return p
}

// Connection states of a slotConn.
const (
	connUnverified int32 = iota
	connVerified
	connClosed
)

// slotConn gives its global slot back when closed, and its address's
// unverified slot back when verified or closed, whichever comes first.
type slotConn struct {
	net.Conn
	l     *capListener
	key   netip.Prefix
	state atomic.Int32
}

// verify marks the connection verified: it no longer counts against its
// address.
func (c *slotConn) verify() {
	if c.state.CompareAndSwap(connUnverified, connVerified) {
		c.l.give(c.key)
	}
}

func (c *slotConn) Close() error {
	err := c.Conn.Close()
	switch c.state.Swap(connClosed) {
	case connUnverified:
		c.l.give(c.key)
		<-c.l.slots
	case connVerified:
		<-c.l.slots
	}
	return err
}

// connKey is the context key under which the server keeps a request's
// connection, for Guard to mark it verified.
type connKey struct{}

// withConn is the http.Server's ConnContext: it keeps the connection in
// the context of the requests read from it.
func withConn(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, connKey{}, c)
}

// verifiedConn marks the connection that ctx's request came on verified,
// when it is one of a capListener's.
func verifiedConn(ctx context.Context) {
	if c, ok := ctx.Value(connKey{}).(*slotConn); ok {
		c.verify()
	}
}

// connVerifiedFor reports whether the connection of ctx's request has been
// verified already.
func connVerifiedFor(ctx context.Context) bool {
	c, ok := ctx.Value(connKey{}).(*slotConn)
	return ok && c.state.Load() == connVerified
}
