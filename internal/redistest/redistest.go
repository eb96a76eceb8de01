// Package redistest runs a real, throwaway redis-server on a loopback port
// for tests, and can stop and restart it to test outages.
package redistest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// Server is a redis-server process listening on 127.0.0.1.
type Server struct {
	Port int
	dir  string
	cmd  *exec.Cmd
	// persistence are the server's persistence options.
	persistence []string
}

// Persistence are the persistence options the shipped compose file and
// Kubernetes manifest give Redis: an append-only file written to the OS
// on every write and synced to disk every second, no snapshots.
var Persistence = []string{"--appendonly", "yes", "--appendfsync", "everysec", "--save", ""}

// Start runs redis-server on a free port; it is stopped when the test ends.
// Without redis-server the test is skipped, unless MADOGUCHI_REQUIRE_REDIS
// is set (as .ci/run does), when it fails.
func Start(t testing.TB) *Server {
	t.Helper()
	return start(t, false)
}

// StartPersistent runs redis-server as Start does, with the shipped
// Persistence: Restart then finds what it had written.
func StartPersistent(t testing.TB) *Server {
	t.Helper()
	return start(t, true)
}

func start(t testing.TB, persistent bool) *Server {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		if os.Getenv("MADOGUCHI_REQUIRE_REDIS") != "" {
			t.Fatal("redis-server is not installed (apt-get install redis-server)")
		}
		t.Skip("redis-server is not installed (apt-get install redis-server); .ci/run installs it")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	s := &Server{Port: port, dir: t.TempDir(), persistence: []string{"--save", "", "--appendonly", "no"}}
	if persistent {
		s.dir, s.persistence = memoryDir(t), Persistence
	}
	s.Restart(t)
	t.Cleanup(s.Stop)
	return s
}

// memoryDir is a new directory for a persistent server's files, in memory
// (/dev/shm) where the machine has it. Stop kills the process, not the
// machine, so what must survive is what Redis wrote before it answered; on
// a busy disk, Redis with appendfsync everysec postpones that write for up
// to 2 s while a sync is still running (its documented trade), and a kill
// then loses acknowledged writes whatever its clients do.
func memoryDir(t testing.TB) string {
	t.Helper()
	if fi, err := os.Stat("/dev/shm"); err != nil || !fi.IsDir() {
		return t.TempDir()
	}
	dir, err := os.MkdirTemp("/dev/shm", "redistest-")
	if err != nil {
		return t.TempDir()
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// URL is the server's address for REDIS_URL.
func (s *Server) URL() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", s.Port) }

// Stop kills the server (SIGKILL: a crash, as far as clients and the
// server's files can tell).
func (s *Server) Stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
		s.cmd = nil
	}
}

// Restart starts the server again on the same port, and waits until it
// accepts connections (and has loaded its append-only file, if any): empty
// unless started with StartPersistent.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	args := append([]string{"--port", strconv.Itoa(s.Port), "--bind", "127.0.0.1", "--dir", s.dir}, s.persistence...)
	s.cmd = exec.Command("redis-server", args...)
	s.cmd.SysProcAttr = procAttr()
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start redis-server: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", s.Port), 100*time.Millisecond)
		if err == nil {
			c.Write([]byte("PING\r\n"))
			buf := make([]byte, 7)
			c.SetReadDeadline(time.Now().Add(time.Second))
			n, _ := c.Read(buf)
			c.Close()
			if string(buf[:n]) == "+PONG\r\n" {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("redis-server did not start within 10s")
}
