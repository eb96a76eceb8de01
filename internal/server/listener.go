package server

import (
	"net"
	"sync"
)

// MaxConns bounds the public listener's open connections. Each costs a
// goroutine and buffers (about 20 KiB); LINE and Slack keep a handful
// each, so 1,024 leaves them ample room while ten thousand idle
// connections from anyone could not take the container's memory.
const MaxConns = 1024

// capListener closes connections accepted beyond max at once, rather than
// leaving them in the kernel's queue: a client over the cap sees a reset
// and retries, and nothing is held for it.
type capListener struct {
	net.Listener
	slots   chan struct{}
	refused func()
}

// limitConns returns ln with at most max connections open at a time;
// refused is called for each connection closed over the cap.
func limitConns(ln net.Listener, max int, refused func()) net.Listener {
	return &capListener{Listener: ln, slots: make(chan struct{}, max), refused: refused}
}

func (l *capListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		select {
		case l.slots <- struct{}{}:
			return &slotConn{Conn: c, release: func() { <-l.slots }}, nil
		default:
			c.Close()
			l.refused()
		}
	}
}

// slotConn gives its slot back once, when closed.
type slotConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *slotConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
