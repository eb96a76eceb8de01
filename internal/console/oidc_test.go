package console

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestSignInWithSlack(t *testing.T) {
	t.Parallel()
	p := newFakeOIDC(t, "client-id", "T-OFFICE", "U-ADMIN")
	f := newFixture(t, func(o *Options, u string) {
		o.Auth = Auth{Issuer: p.srv.URL, ClientID: "client-id", ClientSecret: "client-secret", Team: "T-OFFICE", Users: []string{"U-ADMIN"}, URL: u}
	})
	tests := []struct {
		name, team, user string
		status           int
		want             string
	}{
		{"another workspace", "T-OTHER", "U-ADMIN", http.StatusForbidden, "may not use the console"},
		{"not on the list", "T-OFFICE", "U-SOMEONE", http.StatusForbidden, "may not use the console"},
		{"admin", "T-OFFICE", "U-ADMIN", http.StatusOK, "slack:U-ADMIN (Hanako)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p.set(tt.team, tt.user)
			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar, Timeout: time.Minute}
			r := do(t, c, "GET", f.srv.URL+"/auth/slack?next=%2Fintents", nil, "Accept-Language", "en")
			if r.status != tt.status || !strings.Contains(r.body, tt.want) {
				t.Errorf("got %d, want %d with %q:\n%s", r.status, tt.status, tt.want, r.body)
			}
		})
	}
	// A callback that did not start in this browser is refused.
	c := client(t)
	r := do(t, c, "GET", f.srv.URL+"/auth/callback?"+url.Values{"code": {"x"}, "state": {"forged"}}.Encode(), nil)
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "did not start here") {
		t.Errorf("forged callback: %d, want 400 with a clear message", r.status)
	}
}

func TestSlackProviderDown(t *testing.T) {
	t.Parallel()
	p := newFakeOIDC(t, "client-id", "T-OFFICE", "U-ADMIN")
	f := newFixture(t, func(o *Options, u string) {
		o.Auth = Auth{Issuer: p.srv.URL, ClientID: "client-id", ClientSecret: "client-secret", Team: "T-OFFICE", URL: u}
	})
	p.srv.Close()
	r := do(t, client(t), "GET", f.srv.URL+"/auth/slack", nil, "Accept-Language", "en")
	if r.status != http.StatusBadGateway || !strings.Contains(r.body, "Slack could not be reached") {
		t.Errorf("provider down: %d, want 502 with a clear message", r.status)
	}
}
