package state

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkMemoryDistinctUsers puts 100,000 distinct users through the
// in-memory store, each sending one message the way the LINE adapter and
// the dialog use it (an event claim kept 24 h, a rate counter, and, for
// one in three, offered choices), and reports the live heap and the
// process's resident set afterwards: what a replica keeps for a burst of
// new users.
func BenchmarkMemoryDistinctUsers(b *testing.B) {
	const users = 100_000
	ctx := context.Background()
	for range b.N {
		evicted := 0
		m := NewBoundedMemory(time.Now, DefaultMaxEntries, func() { evicted++ })
		for i := range users {
			user := fmt.Sprintf("U%032x", i)
			m.Claim(ctx, fmt.Sprintf("line:01J%023d", i), 24*time.Hour)
			m.Count(ctx, "rate:line:"+user, time.Minute)
			if i%3 == 0 {
				m.PutChoices(ctx, "line:"+user, []string{"ja", "mailbox-quota", "imap", "login-how"}, 10*time.Minute)
			}
		}
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(ms.HeapInuse)/1e6, "heap-MB")
		b.ReportMetric(rssMB(), "rss-MB")
		b.ReportMetric(float64(m.Len()), "entries")
		b.ReportMetric(float64(evicted), "evictions")
		runtime.KeepAlive(m)
	}
}

// rssMB reads the resident set from /proc (Linux); 0 elsewhere.
func rssMB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}
