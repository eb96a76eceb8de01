package main

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/line"
	"github.com/oumail-alumni/madoguchi/internal/redistest"
	"github.com/oumail-alumni/madoguchi/internal/secret"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// replicas starts n instances of serve's handler sharing one Redis and one
// fake LINE API.
func replicas(t *testing.T, n int, redisURL string, fake *testkit.LINE) ([]*httptest.Server, []*Main) {
	t.Helper()
	var webs []*httptest.Server
	var apps []*Main
	for range n {
		cfg := Config{intents: intentsDir, workers: 4, queue: 64, redisURL: redisURL, line: &line.Config{
			ChannelSecret: secret.Secret(testChannelSecret), ChannelToken: secret.Secret("t"), Endpoint: fake.URL, RetryBase: time.Millisecond,
		}}
		a := testApp(t, slog.New(slog.NewTextHandler(io.Discard, nil)), cfg)
		web := httptest.NewServer(a.handler)
		t.Cleanup(web.Close)
		webs, apps = append(webs, web), append(apps, a)
	}
	return webs, apps
}

// sendToAll posts one event to every replica at the same moment.
func sendToAll(t *testing.T, webs []*httptest.Server, body []byte) {
	t.Helper()
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, w := range webs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, w.URL+"/line/webhook", bytes.NewReader(body))
			req.Header.Set("X-Line-Signature", sign(body))
			<-start
			if res, err := http.DefaultClient.Do(req); err == nil {
				if res.StatusCode != 200 {
					t.Errorf("replica answered %d", res.StatusCode)
				}
				res.Body.Close()
			}
		}()
	}
	close(start)
	wg.Wait()
}

func TestReplicasShareRedis(t *testing.T) {
	srv := redistest.Start(t)
	fake := testkit.NewLINE(t)
	webs, apps := replicas(t, 2, srv.URL(), fake)
	drain := func() {
		for _, a := range apps {
			a.Close(t.Context())
		}
	}

	// The same event, delivered to both replicas at once, is answered once.
	for i := range 20 {
		sendToAll(t, webs, webhookBody(textEvent(fmt.Sprint("both-", i), fmt.Sprint("rt-", i), "パスワードを忘れました")))
	}
	waitCalls(t, fake, 20)
	time.Sleep(100 * time.Millisecond) // room for a duplicate to show up
	if n := fake.Count(replyPath); n != 20 {
		t.Fatalf("%d replies to 20 events sent to both replicas, want 20", n)
	}

	// Redis down: an event cannot be stored, so the webhook answers 503
	// and LINE delivers it again later, rather than it being acknowledged
	// and lost; /readyz says why.
	srv.Stop()
	body := webhookBody(textEvent("down-1", "rt-down", "I forgot my password"))
	for _, w := range webs {
		req, _ := http.NewRequest(http.MethodPost, w.URL+"/line/webhook", bytes.NewReader(body))
		req.Header.Set("X-Line-Signature", sign(body))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("webhook with Redis down answered %d, want 503", res.StatusCode)
		}
	}
	ops := httptest.NewServer(apps[0].ops)
	defer ops.Close()
	res, err := http.Get(ops.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	rbody, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(rbody), `"redis":"unreachable`) {
		t.Errorf("/readyz with Redis down: %d %s", res.StatusCode, rbody)
	}

	// Redis back: LINE's redelivery is answered, and dedup resumes.
	srv.Restart(t)
	before := fake.Count(replyPath)
	deadline := time.Now().Add(10 * time.Second) // the clients reconnect on their own
	for {
		req, _ := http.NewRequest(http.MethodPost, webs[1].URL+"/line/webhook", bytes.NewReader(body))
		req.Header.Set("X-Line-Signature", sign(body))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("webhook still answers %d 10s after Redis came back", res.StatusCode)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for i := range 4 {
		sendToAll(t, webs, webhookBody(textEvent(fmt.Sprint("back-", i), fmt.Sprint("rtb-", i), "パスワードを忘れました")))
	}
	waitCalls(t, fake, before+5)
	time.Sleep(100 * time.Millisecond) // room for a duplicate to show up
	drain()
	if n := fake.Count(replyPath) - before; n != 5 {
		t.Errorf("%d replies to 5 events after Redis came back, want 5", n)
	}
}

func waitCalls(t *testing.T, f *testkit.LINE, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for f.Count(replyPath) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d replies, want at least %d", f.Count(replyPath), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
