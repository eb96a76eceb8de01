package console

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/crypto/bcrypt"
	"golang.org/x/oauth2"

	"github.com/oumail-alumni/madoguchi/internal/secret"
)

// Auth is how admins sign in: Sign in with Slack (OpenID Connect, when
// ClientID is set), one admin password (when PasswordHash is set), or both.
type Auth struct {
	// PasswordHash is the bcrypt hash of the admin password.
	PasswordHash secret.Secret
	// Issuer is the OpenID provider: https://slack.com, or a fake in tests.
	Issuer       string
	ClientID     string
	ClientSecret secret.Secret
	// Team is the Slack workspace (team id) whose members may sign in;
	// Users, when set, narrows them to these user ids.
	Team  string
	Users []string
	// URL is the console's external base URL, for the OpenID redirect and
	// the cookies' Secure flag: cookies are Secure except on
	// http://127.0.0.1, http://[::1] and http://localhost, where a local
	// browser talks plain HTTP to the console.
	URL string
	// DevOIDC replaces Slack with a development OpenID provider the
	// console serves itself (under /dev-oidc/), which signs in a made-up
	// user of Team without asking: a way to try Sign in with Slack
	// without a Slack app. Anyone who reaches the console signs in, so
	// New refuses it unless URL is plain HTTP on a loopback address.
	DevOIDC bool
}

// ReviewURL is the console's review page under URL, for links from Slack
// (the Home tab); "" without a URL (no console served).
func (a Auth) ReviewURL() string {
	if a.URL == "" {
		return ""
	}
	return strings.TrimSuffix(a.URL, "/") + "/review"
}

// Development sign-in: where the provider is served, and who signs in.
const (
	devPath     = "/dev-oidc"
	devClientID = "madoguchi-dev"
	devTeam     = "T-DEV"
	devUser     = "U-DEV"
	devName     = "Developer"
)

// devSignIn checks that the development sign-in is on loopback, points
// a's OpenID settings at it and returns the provider to serve.
func devSignIn(a *Auth) (*devProvider, error) {
	u, err := url.Parse(a.URL)
	if a.URL == "" || err != nil || u.Scheme != "http" || !isLoopback(u.Hostname()) {
		return nil, errors.New("console: the development sign-in (MADOGUCHI_CONSOLE_DEV_OIDC) lets anyone who reaches the console in, so it runs only with the console on a loopback address such as 127.0.0.1:8081")
	}
	if a.ClientID != "" {
		return nil, errors.New("console: the development sign-in replaces Sign in with Slack: unset SLACK_CLIENT_ID or MADOGUCHI_CONSOLE_DEV_OIDC")
	}
	base := strings.TrimSuffix(a.URL, "/")
	a.Issuer, a.ClientID, a.ClientSecret = base+devPath, devClientID, secret.Secret(randomID())
	if a.Team == "" {
		a.Team = devTeam
	}
	p, err := newDevProvider(a.Issuer, a.ClientID, string(a.ClientSecret), a.Team, devUser, devName)
	if err != nil {
		return nil, err
	}
	p.redirect = base + "/auth/callback"
	return p, nil
}

// Cookie names and lifetimes.
const (
	sessionCookie = "madoguchi_console"
	oidcCookie    = "madoguchi_oidc"
	langCookie    = "madoguchi_lang"
	sessionTTL    = 12 * time.Hour
	oidcTTL       = 10 * time.Minute
	// loginsPerMinute is how many sign-in attempts one address may make in
	// a minute: enough for typos, too few to guess a password.
	loginsPerMinute = 5
	// maxSessions bounds the sessions kept in memory.
	maxSessions = 10000
)

// session is a signed-in user. Sessions live in memory: a restart signs
// everyone out, which is acceptable for a handful of admins and keeps no
// session secret to manage.
type session struct {
	user    string
	expires time.Time
}

// authenticator keeps the sessions and checks sign-ins.
type authenticator struct {
	o      Auth
	log    *slog.Logger
	now    func() time.Time
	secure bool
	hash   []byte

	mu       sync.Mutex
	sessions map[string]session
	attempts map[string][]time.Time // address → recent sign-in attempts

	oidcMu   sync.Mutex
	provider *oidc.Provider // discovered on first use: serve starts offline
}

func newAuthenticator(logger *slog.Logger, o Auth, now func() time.Time) (*authenticator, error) {
	a := &authenticator{o: o, log: logger, now: now, sessions: map[string]session{}, attempts: map[string][]time.Time{}, secure: true}
	if o.PasswordHash == "" && o.ClientID == "" {
		return nil, errors.New("console: no way to sign in: set a password hash (MADOGUCHI_CONSOLE_PASSWORD_HASH) or Sign in with Slack (SLACK_CLIENT_ID)")
	}
	if o.PasswordHash != "" {
		a.hash = []byte(o.PasswordHash)
		if _, err := bcrypt.Cost(a.hash); err != nil {
			return nil, fmt.Errorf("console: the password hash is not a bcrypt hash (make one with 'madoguchi console-password'): %w", err)
		}
	}
	if o.ClientID != "" {
		switch {
		case o.ClientSecret == "":
			return nil, errors.New("console: Sign in with Slack needs the client secret (SLACK_CLIENT_SECRET)")
		case o.Team == "":
			return nil, errors.New("console: Sign in with Slack needs the office's workspace id (MADOGUCHI_CONSOLE_TEAM), so that only its members sign in")
		case o.URL == "":
			return nil, errors.New("console: Sign in with Slack needs the console's external URL (MADOGUCHI_CONSOLE_URL) for the redirect")
		case o.Issuer == "":
			a.o.Issuer = "https://slack.com"
		}
	}
	if o.URL != "" {
		u, err := url.Parse(o.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("console: the console URL %q is not an http(s) URL", o.URL)
		}
		a.secure = !(u.Scheme == "http" && isLoopback(u.Hostname()))
	}
	return a, nil
}

// isLoopback reports whether host is this machine.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// LocalURL returns the console URL for a listen address on loopback
// (http://127.0.0.1:8081), or "" for any other address, where the console
// is expected behind a TLS proxy.
func LocalURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || !isLoopback(host) {
		return ""
	}
	return "http://" + net.JoinHostPort(host, port)
}

func randomID() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand panics rather than return an error)
	return base64.RawURLEncoding.EncodeToString(b)
}

// session returns the request's session, or nil.
func (a *authenticator) session(r *http.Request) *session {
	ck, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	s, ok := a.sessions[ck.Value]
	if !ok {
		return nil
	}
	if a.now().After(s.expires) {
		delete(a.sessions, ck.Value)
		return nil
	}
	return &s
}

// start signs a user in: a new random session id in the cookie.
func (a *authenticator) start(w http.ResponseWriter, user string) {
	id := randomID()
	now := a.now()
	a.mu.Lock()
	if len(a.sessions) >= maxSessions {
		for k, s := range a.sessions {
			if now.After(s.expires) || len(a.sessions) >= maxSessions {
				delete(a.sessions, k)
			}
		}
	}
	a.sessions[id] = session{user: user, expires: now.Add(sessionTTL)}
	a.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", Expires: now.Add(sessionTTL), MaxAge: int(sessionTTL.Seconds()),
		HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode})
}

// end signs the request's user out.
func (a *authenticator) end(w http.ResponseWriter, r *http.Request) {
	if ck, err := r.Cookie(sessionCookie); err == nil {
		a.mu.Lock()
		delete(a.sessions, ck.Value)
		a.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode})
}

// allow counts a sign-in attempt from the request's address and reports
// whether it is within the limit. The address is the connection's: behind
// a proxy every attempt shares the proxy's, which errs on the safe side.
func (a *authenticator) allow(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	now := a.now()
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.attempts) > maxSessions {
		clear(a.attempts)
	}
	recent := a.attempts[host][:0]
	for _, t := range a.attempts[host] {
		if now.Sub(t) < time.Minute {
			recent = append(recent, t)
		}
	}
	if len(recent) >= loginsPerMinute {
		a.attempts[host] = recent
		return false
	}
	a.attempts[host] = append(recent, now)
	return true
}

// checkPassword compares a password with the admin hash.
func (a *authenticator) checkPassword(pw string) bool {
	return a.hash != nil && bcrypt.CompareHashAndPassword(a.hash, []byte(pw)) == nil
}

// oauth returns the OAuth client and the ID token verifier, discovering
// the provider on first use.
func (a *authenticator) oauth(ctx context.Context) (*oauth2.Config, *oidc.IDTokenVerifier, error) {
	a.oidcMu.Lock()
	defer a.oidcMu.Unlock()
	if a.provider == nil {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		p, err := oidc.NewProvider(ctx, a.o.Issuer)
		if err != nil {
			return nil, nil, fmt.Errorf("discover the OpenID provider %s: %w", a.o.Issuer, err)
		}
		a.provider = p
	}
	cfg := &oauth2.Config{ClientID: a.o.ClientID, ClientSecret: string(a.o.ClientSecret), Endpoint: a.provider.Endpoint(),
		RedirectURL: strings.TrimSuffix(a.o.URL, "/") + "/auth/callback", Scopes: []string{oidc.ScopeOpenID, "profile"}}
	return cfg, a.provider.Verifier(&oidc.Config{ClientID: a.o.ClientID, Now: a.now}), nil
}

// slackClaims are the ID token's claims that decide who may sign in.
type slackClaims struct {
	Subject string `json:"sub"`
	Nonce   string `json:"nonce"`
	Team    string `json:"https://slack.com/team_id"`
	User    string `json:"https://slack.com/user_id"`
	Name    string `json:"name"`
}

// admit checks the claims against the workspace and the user list and
// returns who signed in, or why not.
func (a *authenticator) admit(c slackClaims) (string, error) {
	user := c.User
	if user == "" {
		user = c.Subject
	}
	if subtle.ConstantTimeCompare([]byte(c.Team), []byte(a.o.Team)) != 1 {
		return "", fmt.Errorf("workspace %q is not the office's", c.Team)
	}
	if len(a.o.Users) > 0 && !slices.Contains(a.o.Users, user) {
		return "", errors.New("the user is not on the console's list")
	}
	who := "slack:" + user
	if c.Name != "" {
		who += " (" + c.Name + ")"
	}
	return who, nil
}

// oidcState is kept in a short-lived cookie between the redirect to the
// provider and its callback: the state ties the callback to this browser,
// the nonce the ID token to this sign-in.
func (a *authenticator) setOIDCState(w http.ResponseWriter, state, nonce, next string) {
	v := state + "." + nonce + "." + base64.RawURLEncoding.EncodeToString([]byte(next))
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: v, Path: "/auth/", MaxAge: int(oidcTTL.Seconds()),
		HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode})
}

func (a *authenticator) oidcState(w http.ResponseWriter, r *http.Request) (state, nonce, next string, ok bool) {
	ck, err := r.Cookie(oidcCookie)
	if err != nil {
		return "", "", "", false
	}
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: "", Path: "/auth/", MaxAge: -1, HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode})
	parts := strings.Split(ck.Value, ".")
	if len(parts) != 3 {
		return "", "", "", false
	}
	n, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return "", "", "", false
	}
	return parts[0], parts[1], string(n), true
}

// loginPage shows the ways to sign in.
func (c *Console) loginPage(w http.ResponseWriter, r *http.Request) {
	c.showLogin(w, r, http.StatusOK, "")
}

type loginData struct {
	Password bool
	Slack    bool
	Dev      bool
	Next     string
}

func (c *Console) showLogin(w http.ResponseWriter, r *http.Request, status int, msg string) {
	c.render(w, r, nil, status, "login", page{Error: msg, Data: loginData{
		Password: c.auth.hash != nil, Slack: c.auth.o.ClientID != "", Dev: c.auth.o.DevOIDC, Next: c.localPath(r.FormValue("next"))}})
}

// passwordLogin checks the admin password.
func (c *Console) passwordLogin(w http.ResponseWriter, r *http.Request) {
	tr := translator(r)
	if c.auth.hash == nil {
		c.showLogin(w, r, http.StatusBadRequest, tr.S("err.nopassword"))
		return
	}
	if !c.auth.allow(r) {
		c.showLogin(w, r, http.StatusTooManyRequests, tr.S("err.toomany"))
		return
	}
	pw := r.PostFormValue("password")
	if pw == "" {
		c.showLogin(w, r, http.StatusBadRequest, tr.S("err.emptypassword"))
		return
	}
	if !c.auth.checkPassword(pw) {
		c.o.Logger.Warn("console: wrong password", "remote", r.RemoteAddr)
		c.showLogin(w, r, http.StatusUnauthorized, tr.S("err.wrongpassword"))
		return
	}
	c.auth.start(w, "admin")
	c.o.Logger.Info("console: signed in", "user", "admin")
	http.Redirect(w, r, c.localPath(r.PostFormValue("next")), http.StatusSeeOther)
}

// oidcStart sends the browser to the provider.
func (c *Console) oidcStart(w http.ResponseWriter, r *http.Request) {
	if c.auth.o.ClientID == "" {
		c.showLogin(w, r, http.StatusNotFound, translator(r).S("err.noslack"))
		return
	}
	cfg, _, err := c.auth.oauth(r.Context())
	if err != nil {
		c.o.Logger.Error("console: Sign in with Slack", "err", err)
		c.showLogin(w, r, http.StatusBadGateway, translator(r).S("err.provider"))
		return
	}
	state, nonce := randomID(), randomID()
	c.auth.setOIDCState(w, state, nonce, c.localPath(r.FormValue("next")))
	http.Redirect(w, r, cfg.AuthCodeURL(state, oidc.Nonce(nonce)), http.StatusFound)
}

// oidcCallback finishes Sign in with Slack: the state must match this
// browser's, the ID token must verify, carry this sign-in's nonce and come
// from the office's workspace.
func (c *Console) oidcCallback(w http.ResponseWriter, r *http.Request) {
	tr := translator(r)
	if c.auth.o.ClientID == "" {
		c.showLogin(w, r, http.StatusNotFound, tr.S("err.noslack"))
		return
	}
	if !c.auth.allow(r) {
		c.showLogin(w, r, http.StatusTooManyRequests, tr.S("err.toomany"))
		return
	}
	state, nonce, next, ok := c.auth.oidcState(w, r)
	if !ok || r.FormValue("state") == "" || subtle.ConstantTimeCompare([]byte(state), []byte(r.FormValue("state"))) != 1 {
		c.showLogin(w, r, http.StatusBadRequest, tr.S("err.state"))
		return
	}
	if e := r.FormValue("error"); e != "" {
		c.showLogin(w, r, http.StatusUnauthorized, tr.S("err.denied"))
		return
	}
	cfg, verifier, err := c.auth.oauth(r.Context())
	if err != nil {
		c.o.Logger.Error("console: Sign in with Slack", "err", err)
		c.showLogin(w, r, http.StatusBadGateway, tr.S("err.provider"))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 15*time.Second)
	defer cancel()
	tok, err := cfg.Exchange(ctx, r.FormValue("code"))
	if err != nil {
		c.o.Logger.Warn("console: Sign in with Slack: code exchange failed", "err", err)
		c.showLogin(w, r, http.StatusUnauthorized, tr.S("err.denied"))
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := verifier.Verify(ctx, raw)
	if err != nil {
		c.o.Logger.Warn("console: Sign in with Slack: bad ID token", "err", err)
		c.showLogin(w, r, http.StatusUnauthorized, tr.S("err.denied"))
		return
	}
	var claims slackClaims
	if err := idt.Claims(&claims); err != nil || subtle.ConstantTimeCompare([]byte(claims.Nonce), []byte(nonce)) != 1 {
		c.o.Logger.Warn("console: Sign in with Slack: the ID token's nonce is not this sign-in's")
		c.showLogin(w, r, http.StatusUnauthorized, tr.S("err.denied"))
		return
	}
	who, err := c.auth.admit(claims)
	if err != nil {
		c.o.Logger.Warn("console: Sign in with Slack refused", "why", err)
		c.showLogin(w, r, http.StatusForbidden, tr.S("err.notallowed"))
		return
	}
	c.auth.start(w, who)
	c.o.Logger.Info("console: signed in with Slack")
	http.Redirect(w, r, c.localPath(next), http.StatusSeeOther)
}

// logout ends the session.
func (c *Console) logout(w http.ResponseWriter, r *http.Request) {
	c.auth.end(w, r)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
