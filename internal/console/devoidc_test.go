package console

import (
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"
)

// TestDevSignIn signs in through the development provider the console
// serves itself, as a browser following the redirects would.
func TestDevSignIn(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(o *Options, u string) { o.Auth = Auth{DevOIDC: true, URL: u} })
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Jar: jar, Timeout: time.Minute}
	r := do(t, c, "GET", f.srv.URL+"/login", nil, "Accept-Language", "en")
	if !strings.Contains(r.body, `id="slack-signin"`) || !strings.Contains(r.body, `id="dev-signin"`) {
		t.Fatalf("login page: want the Slack button and the development warning:\n%s", r.body)
	}
	r = do(t, c, "GET", f.srv.URL+"/auth/slack?next=/intents", nil, "Accept-Language", "en")
	if r.status != http.StatusOK || !strings.Contains(r.body, `<span class="user">slack:U-DEV (Developer)</span>`) || !strings.Contains(r.body, "<h1>Intents</h1>") {
		t.Errorf("after the development sign-in: %d, want the Intents page signed in as slack:U-DEV (Developer):\n%s", r.status, r.body)
	}
	// The provider gives no token for a code it did not give out.
	tok := do(t, client(t), "POST", f.srv.URL+"/dev-oidc/token", map[string][]string{"code": {"made-up"}, "client_id": {devClientID}, "client_secret": {"guess"}})
	if tok.status != http.StatusBadRequest || !strings.Contains(tok.body, "invalid_grant") {
		t.Errorf("token for a made-up code: %d %s, want 400 invalid_grant", tok.status, tok.body)
	}
}

// TestDevSignInRefused: the development sign-in never runs where others
// can reach the console, nor beside a real Slack app.
func TestDevSignInRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		auth Auth
		want string // in New's error; "" when it starts
	}{
		{"loopback", Auth{DevOIDC: true, URL: "http://127.0.0.1:8081"}, ""},
		{"localhost", Auth{DevOIDC: true, URL: "http://localhost:8081"}, ""},
		{"IPv6 loopback", Auth{DevOIDC: true, URL: "http://[::1]:8081"}, ""},
		{"no URL (listening on all addresses)", Auth{DevOIDC: true}, "loopback"},
		{"a network address", Auth{DevOIDC: true, URL: "http://10.0.0.5:8081"}, "loopback"},
		{"a public name", Auth{DevOIDC: true, URL: "https://console.example.ac.jp"}, "loopback"},
		{"beside Slack", Auth{DevOIDC: true, URL: "http://127.0.0.1:8081", ClientID: "id", ClientSecret: "s", Team: "T"}, "replaces Sign in with Slack"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil)
			o := f.console.o
			o.Auth = tt.auth
			_, err := New(o)
			if got := ""; err != nil {
				got = err.Error()
				if tt.want == "" || !strings.Contains(got, tt.want) {
					t.Errorf("New: got %q, want %q", got, tt.want)
				}
			} else if tt.want != "" {
				t.Errorf("New: started, want an error with %q", tt.want)
			}
		})
	}
}

func TestAuthFromEnvDevOIDC(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr, url, dev string
		wantURL        string
		wantDev        bool
	}{
		{"127.0.0.1:8081", "", "1", "http://127.0.0.1:8081", true},
		// The URL cannot move the development sign-in off the listen
		// address.
		{"0.0.0.0:8081", "http://127.0.0.1:8081", "1", "", true},
		{":8081", "", "1", "", true},
		{"127.0.0.1:8081", "https://console.example.ac.jp", "", "https://console.example.ac.jp", false},
		{"127.0.0.1:8081", "", "yes", "http://127.0.0.1:8081", false},
	}
	for _, tt := range tests {
		env := map[string]string{"MADOGUCHI_CONSOLE_URL": tt.url, "MADOGUCHI_CONSOLE_DEV_OIDC": tt.dev}
		a := AuthFromEnv(func(k string) string { return env[k] }, tt.addr)
		if a.URL != tt.wantURL || a.DevOIDC != tt.wantDev {
			t.Errorf("addr %s URL %q DEV_OIDC %q: got URL %q dev %v, want %q %v", tt.addr, tt.url, tt.dev, a.URL, a.DevOIDC, tt.wantURL, tt.wantDev)
		}
	}
}
