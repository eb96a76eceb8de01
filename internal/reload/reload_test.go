package reload

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/metrics"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

func setup(t *testing.T, dir string) (*bot.Bot, *Reloader, *metrics.Metrics) {
	t.Helper()
	cat, err := catalogue.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	b := bot.New(match.New(cat))
	m := metrics.New(prometheus.NewRegistry())
	return b, New(slog.New(slog.NewTextHandler(io.Discard, nil)), dir, b, m), m
}

// replaceFile writes a file the way editors and kubectl do: a temporary
// file renamed over the old one.
func replaceFile(t *testing.T, path, content string) {
	t.Helper()
	tmp := path + ".tmp~"
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestWatchReloadsAndRefuses(t *testing.T) {
	dir := t.TempDir()
	testkit.CopyIntentsTo(t, dir, os.DirFS("../../intents"))
	b, r, m := setup(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hup := make(chan os.Signal, 1)
	go r.Watch(ctx, hup)
	time.Sleep(50 * time.Millisecond) // let the watch start

	// A valid edit is picked up.
	path := filepath.Join(dir, "mailbox-quota.yaml")
	orig, _ := os.ReadFile(path)
	replaceFile(t, path, strings.Replace(string(orig), "50ギガバイト（50GB）", "100ギガバイト（100GB）", 1))
	waitFor(t, "the edit", func() bool { return strings.Contains(b.Ask("メールボックスの容量は？").Text, "100GB") })
	if got := testutil.ToFloat64(m.Reloads.WithLabelValues("ok")); got < 1 {
		t.Errorf("reloads ok = %v", got)
	}

	// A broken edit is refused: the last good catalogue stays.
	replaceFile(t, path, strings.Replace(string(orig), "answer:", "anwser:", 1))
	waitFor(t, "the refusal", func() bool { return !r.Status().OK })
	st := r.Status()
	if len(st.Problems) == 0 || !strings.Contains(strings.Join(st.Problems, "\n"), `mailbox-quota.yaml:`) || !strings.Contains(strings.Join(st.Problems, "\n"), `unknown field "anwser"`) {
		t.Errorf("problems = %q", st.Problems)
	}
	if !strings.Contains(b.Ask("メールボックスの容量は？").Text, "100GB") {
		t.Error("the bot stopped serving the last good catalogue")
	}
	if got := testutil.ToFloat64(m.Reloads.WithLabelValues("failed")); got < 1 {
		t.Errorf("reloads failed = %v", got)
	}

	// Fixed again, then SIGHUP reloads at once.
	if err := os.WriteFile(path, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	hup <- os.Interrupt
	waitFor(t, "the fix", func() bool {
		return r.Status().OK && strings.Contains(b.Ask("メールボックスの容量は？").Text, "50GB")
	})
}

// TestConfigMapSwap updates a directory the way the kubelet updates a
// mounted ConfigMap: files are links into ..data, itself a link swapped
// atomically to a new directory.
func TestConfigMapSwap(t *testing.T) {
	dir := t.TempDir()
	v1 := filepath.Join(dir, "..v1")
	os.Mkdir(v1, 0o755)
	testkit.CopyIntentsTo(t, v1, os.DirFS("../../intents"))
	if err := os.Symlink("..v1", filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(v1, "*.yaml"))
	for _, f := range files {
		os.Symlink(filepath.Join("..data", filepath.Base(f)), filepath.Join(dir, filepath.Base(f)))
	}
	b, r, _ := setup(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.Watch(ctx, nil)
	time.Sleep(50 * time.Millisecond)

	v2 := filepath.Join(dir, "..v2")
	os.Mkdir(v2, 0o755)
	testkit.CopyIntentsTo(t, v2, os.DirFS("../../intents"))
	p := filepath.Join(v2, "mailbox-quota.yaml")
	data, _ := os.ReadFile(p)
	os.WriteFile(p, []byte(strings.Replace(string(data), "50ギガバイト（50GB）", "75ギガバイト（75GB）", 1)), 0o644)
	os.Symlink("..v2", filepath.Join(dir, "..data_tmp"))
	if err := os.Rename(filepath.Join(dir, "..data_tmp"), filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the ConfigMap update", func() bool { return strings.Contains(b.Ask("メールボックスの容量は？").Text, "75GB") })
}

// TestDirectoryReplaced replaces the whole directory the way an admin
// does by hand, then edits a file: the edit must still be picked up.
func TestDirectoryReplaced(t *testing.T) {
	root := t.TempDir()
	dir, good := filepath.Join(root, "intents"), filepath.Join(root, "good")
	for _, d := range []string{dir, good} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		testkit.CopyIntentsTo(t, d, os.DirFS("../../intents"))
	}
	b, r, _ := setup(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- r.Watch(ctx, nil) }()
	waitFor(t, "the watch", func() bool { return r.Status().Watching })

	cmd := exec.Command("sh", "-c", "rm -rf intents && cp -r good intents")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("replace the directory: %v\n%s", err, out)
	}
	waitFor(t, "the watch on the new directory", func() bool { return r.Status().Watching })

	path := filepath.Join(dir, "mailbox-quota.yaml")
	orig, _ := os.ReadFile(path)
	if err := os.WriteFile(path, []byte(strings.Replace(string(orig), "50ギガバイト（50GB）", "80ギガバイト（80GB）", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the edit after the replace", func() bool { return strings.Contains(b.Ask("メールボックスの容量は？").Text, "80GB") })
	if st := r.Status(); !st.OK || !st.Watching || st.WatchFailed() {
		t.Errorf("status = %+v, want ok and watching", st)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Watch returned %v after ctx ended, want nil", err)
	}
}

// TestWatchFailureReported: a watcher that cannot watch says so in Status
// (which /readyz shows) instead of stopping silently.
func TestWatchFailureReported(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "intents")
	os.Mkdir(dir, 0o755)
	testkit.CopyIntentsTo(t, dir, os.DirFS("../../intents"))
	_, r, _ := setup(t, dir)
	if st := r.Status(); st.Watching || st.WatchFailed() {
		t.Errorf("before Watch: status = %+v, want not watching, no failure", st)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	err := r.Watch(context.Background(), nil)
	if err == nil {
		t.Fatal("Watch on a missing directory returned nil")
	}
	st := r.Status()
	if st.Watching || !st.WatchFailed() || !strings.Contains(st.WatchError, "intents") {
		t.Errorf("status = %+v, want watching false and a watch error naming the directory", st)
	}
	data, _ := json.Marshal(st)
	if !strings.Contains(string(data), `"watching":false`) || !strings.Contains(string(data), `"watch_error":`) {
		t.Errorf("JSON = %s, want watching false and watch_error", data)
	}
}
