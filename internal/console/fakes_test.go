package console

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/crypto/bcrypt"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/metrics"
	"github.com/oumail-alumni/madoguchi/internal/record"
	"github.com/oumail-alumni/madoguchi/internal/reload"
	"github.com/oumail-alumni/madoguchi/internal/secret"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

func quiet() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
}

// seedSteps are the seeded conversations: the review's three needs that
// went wrong, and answered questions on earlier days for the chart.
var seedSteps = []testkit.Step{
	{DaysAgo: 3, User: "line:p", Text: "パスワードを忘れました"},
	{DaysAgo: 3, User: "line:p", Feedback: +1},
	{DaysAgo: 3, User: "line:q", Text: "I forgot my password"},
	{DaysAgo: 2, User: "line:r", Text: "転送先を変更したい"},
	{DaysAgo: 2, User: "line:r", Feedback: +1},
	{DaysAgo: 1, User: "slack:j", Text: "転送先を変更してログインしたいです"},
	{DaysAgo: 1, User: "slack:j", Pick: 2},
	{User: "line:a", Text: "inbox is full"},
	{User: "line:b", Text: "my inbox is full"},
	{User: "slack:c", Text: "Inbox full?"},
	{User: "line:d", Text: "図書館は何時まで開いていますか"},
	{User: "line:e", Text: "図書館の開館時間を教えて"},
	{User: "line:f", Text: "メールの転送先を変更してログインしたい"},
	{User: "line:f", Pick: 2},
	{User: "line:g", Text: "パスワードを変えたい"},
	{User: "line:g", Feedback: -1},
	{User: "line:h", Text: "パスワードを忘れました"},
	{User: "line:h", Feedback: +1},
	{User: "line:i", Text: "I cannot log in"},
}

// fixture is a console over seeded intents and record.
type fixture struct {
	dir     string
	db      *record.DB
	bot     *bot.Bot
	console *Console
	srv     *httptest.Server
}

const testPassword = "correct horse battery staple"

// newFixture starts a console with the admin password (and the options
// edit changes) over a copy of the test intents and a seeded record.
func newFixture(t testing.TB, edit func(o *Options, url string)) *fixture {
	t.Helper()
	f := &fixture{dir: testkit.Intents(t)}
	now := time.Now()
	f.db = testkit.Seed(t, f.dir, filepath.Join(t.TempDir(), "record.db"), seedSteps, now)
	cat, err := catalogue.Load(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	f.bot = bot.New(match.New(cat))
	hash, err := bcrypt.GenerateFromPassword([]byte(testPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Logger: quiet(), Bot: f.bot, IntentsDir: f.dir, Entries: f.db, Audit: f.db, Marks: f.db,
		Reloader: reload.New(quiet(), f.dir, f.bot, metrics.New(prometheus.NewRegistry())),
		Auth:     Auth{PasswordHash: secret.Secret(hash)}}
	// The console's URL (for the OpenID redirect) is known once its
	// listener is.
	f.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { f.console.ServeHTTP(w, r) }))
	if edit != nil {
		edit(&o, "http://"+f.srv.Listener.Addr().String())
	}
	if f.console, err = New(o); err != nil {
		t.Fatal(err)
	}
	f.srv.Start()
	t.Cleanup(f.srv.Close)
	return f
}

// fakeOIDC is the development OpenID provider on its own loopback
// server, as Slack's would be.
type fakeOIDC struct {
	*devProvider
	srv *httptest.Server
}

func newFakeOIDC(t testing.TB, clientID, team, user string) *fakeOIDC {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	p, err := newDevProvider("http://"+srv.Listener.Addr().String(), clientID, "client-secret", team, user, "Hanako")
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = p
	srv.Start()
	t.Cleanup(srv.Close)
	return &fakeOIDC{p, srv}
}
