package console

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
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

// fakeOIDC is an OpenID provider on loopback, as Slack's: discovery,
// authorize (redirects straight back with a code), token (an RS256-signed
// ID token) and the keys.
type fakeOIDC struct {
	srv      *httptest.Server
	key      *rsa.PrivateKey
	clientID string

	mu sync.Mutex
	// Team and User are the claims of the next ID token; nonces maps
	// codes to the nonce their authorization carried.
	team, user string
	nonces     map[string]string
}

func newFakeOIDC(t testing.TB, clientID, team, user string) *fakeOIDC {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &fakeOIDC{key: key, clientID: clientID, team: team, user: user, nonces: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{
			"issuer": p.srv.URL, "authorization_endpoint": p.srv.URL + "/authorize", "token_endpoint": p.srv.URL + "/token",
			"jwks_uri": p.srv.URL + "/jwks", "id_token_signing_alg_values_supported": []string{"RS256"},
			"response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
		})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("client_id") != clientID || q.Get("response_type") != "code" {
			http.Error(w, "bad authorization request", http.StatusBadRequest)
			return
		}
		code := rand.Text()
		p.mu.Lock()
		p.nonces[code] = q.Get("nonce")
		p.mu.Unlock()
		back, err := url.Parse(q.Get("redirect_uri"))
		if err != nil {
			http.Error(w, "bad redirect_uri", http.StatusBadRequest)
			return
		}
		v := url.Values{"code": {code}, "state": {q.Get("state")}}
		back.RawQuery = v.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		id, sec, ok := r.BasicAuth()
		if !ok {
			id, sec = r.PostFormValue("client_id"), r.PostFormValue("client_secret")
		}
		p.mu.Lock()
		nonce, known := p.nonces[r.PostFormValue("code")]
		delete(p.nonces, r.PostFormValue("code"))
		team, user := p.team, p.user
		p.mu.Unlock()
		if id != clientID || sec != "client-secret" || !known {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":"invalid_grant"}`)
			return
		}
		now := time.Now()
		claims, _ := json.Marshal(map[string]any{
			"iss": p.srv.URL, "aud": clientID, "sub": user, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "nonce": nonce,
			"https://slack.com/team_id": team, "https://slack.com/user_id": user, "name": "Hanako",
		})
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: "k1"}}, (&jose.SignerOptions{}).WithType("JWT"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		jws, err := signer.Sign(claims)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		tok, _ := jws.CompactSerialize()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 3600, "id_token": tok})
	})
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *fakeOIDC) set(team, user string) {
	p.mu.Lock()
	p.team, p.user = team, user
	p.mu.Unlock()
}
