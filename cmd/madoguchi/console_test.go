package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/oumail-alumni/madoguchi/internal/handoff"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

func TestConsolePassword(t *testing.T) {
	out, _, code := runCmd(t, "a long enough secret\n", "console-password")
	if code != 0 || bcrypt.CompareHashAndPassword([]byte(strings.TrimSpace(out)), []byte("a long enough secret")) != nil {
		t.Errorf("console-password: exit %d, %q does not verify the password", code, out)
	}
	if _, errOut, code := runCmd(t, "short\n", "console-password"); code != 1 || !strings.Contains(errOut, "at least 12 characters") {
		t.Errorf("short password: exit %d %q, want 1 saying why", code, errOut)
	}
	if _, errOut, code := runCmd(t, "", "console-password", "on-the-command-line"); code != 2 || !strings.Contains(errOut, "standard input") {
		t.Errorf("password as an argument: exit %d %q, want 2 saying why", code, errOut)
	}
}

func TestServeConsole(t *testing.T) {
	hash, _ := bcrypt.GenerateFromPassword([]byte("console secret!"), bcrypt.MinCost)
	addr, consoleAddr := freeAddr(t), freeAddr(t)
	// serve needs a platform whose token is accepted: a fake LINE.
	fake := testkit.NewLINE(t)
	env := map[string]string{"MADOGUCHI_INTENTS": intentsDir, "MADOGUCHI_DB": filepath.Join(t.TempDir(), "r.db"),
		"MADOGUCHI_ADDR": addr, "MADOGUCHI_OPS_ADDR": freeAddr(t), "MADOGUCHI_CONSOLE_ADDR": consoleAddr, "MADOGUCHI_CONSOLE_PASSWORD_HASH": string(hash),
		"LINE_CHANNEL_SECRET": testChannelSecret, "LINE_CHANNEL_TOKEN": "t", "LINE_API_ENDPOINT": fake.URL}
	for _, tt := range []struct {
		name string
		env  map[string]string
		code int
		want string
	}{
		{"same port", map[string]string{"MADOGUCHI_CONSOLE_ADDR": addr}, 2, "must differ from --addr"},
		{"no sign-in", map[string]string{"MADOGUCHI_CONSOLE_PASSWORD_HASH": ""}, 1, "no way to sign in"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := map[string]string{}
			for k, v := range env {
				e[k] = v
			}
			for k, v := range tt.env {
				e[k] = v
			}
			if _, errOut, code := runEnv(t, e, "serve"); code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d %q, want %d with %q", code, errOut, tt.code, tt.want)
			}
		})
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, &bytes.Buffer{})
	}()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	base := "http://" + consoleAddr
	var resp *http.Response
	var err error
	for range 100 {
		if resp, err = c.Get(base + "/login"); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("the console never answered: %v", err)
	}
	resp.Body.Close()
	resp, err = c.PostForm(base+"/login", url.Values{"password": {"console secret!"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `<dd id="questions">0</dd>`) {
		t.Errorf("signed in: %d, want the overview of an empty record:\n%s", resp.StatusCode, body)
	}
	if resp, err := http.Get("http://" + addr + "/login"); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("the webhook port serves /login: %d, want 404", resp.StatusCode)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve: %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("serve did not stop")
	}
	if _, err := http.Get(base + "/login"); err == nil {
		t.Error("the console still answers after serve stopped")
	}
}

// TestServeConsoleHandoffs: with LINE, Slack and the staff handoff on, serve
// gives the console the handoff, so that an admin who signs in sees an open
// conversation on the Handoffs page.
func TestServeConsoleHandoffs(t *testing.T) {
	hash, _ := bcrypt.GenerateFromPassword([]byte("console secret!"), bcrypt.MinCost)
	fl, fs := testkit.NewLINE(t), testkit.NewSlack(t)
	consoleAddr := freeAddr(t)
	s := startServe(t, map[string]string{
		"LINE_CHANNEL_SECRET": testChannelSecret, "LINE_CHANNEL_TOKEN": "t", "LINE_API_ENDPOINT": fl.URL,
		"SLACK_SIGNING_SECRET": testSigningSecret, "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": fs.URL + "/",
		"SLACK_HANDOFF_CHANNEL":  deskChannel,
		"MADOGUCHI_CONSOLE_ADDR": consoleAddr, "MADOGUCHI_CONSOLE_PASSWORD_HASH": string(hash),
	})
	waitReady(t, "http://"+s.ops, 200, `"ready":true`)
	lineUser := func(ev map[string]any) {
		t.Helper()
		body := webhookBody(ev)
		req, _ := http.NewRequest(http.MethodPost, "http://"+s.public+"/line/webhook", bytes.NewReader(body))
		req.Header.Set("X-Line-Signature", sign(body))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("webhook: %d, want 200", res.StatusCode)
		}
		fl.Next(t) // the bot's answer
	}
	lineUser(textEvent("c-ask", "rt-ask", "担当者と話したい"))
	lineUser(postbackEvent("c-consent", handoff.PostbackConsent+"|ja"))
	lineUser(postbackEvent("c-start", handoff.PostbackStart+"|ja"))
	fs.Next(t) // the ticket in the desk channel

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	base := "http://" + consoleAddr
	resp, err := c.PostForm(base+"/login", url.Values{"password": {"console secret!"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sign in: %d, want 200", resp.StatusCode)
	}
	resp, err = c.Get(base + "/handoffs")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(body)
	if resp.StatusCode != http.StatusOK || strings.Contains(page, `id="handoffs-off"`) || !strings.Contains(page, `<td data-label="Platform">LINE `) {
		t.Errorf("Handoffs page: %d, want the open LINE conversation listed:\n%s", resp.StatusCode, page)
	}
	if strings.Contains(page, testUser) {
		t.Error("the Handoffs page shows the raw LINE user id")
	}
}
