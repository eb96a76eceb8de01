package console

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// devProvider is an OpenID provider that signs in one made-up Slack user
// without asking: the provider the tests sign in with, and, behind
// MADOGUCHI_CONSOLE_DEV_OIDC on a loopback address only, a way to try
// Sign in with Slack without a Slack app. It serves discovery, authorize
// (straight back to the console with a code), token (an RS256-signed ID
// token with Slack's team and user claims) and its keys, under the
// issuer's path.
type devProvider struct {
	issuer   string
	clientID string
	secret   string
	// redirect, when set, is the only redirect_uri authorize accepts.
	redirect string
	key      *rsa.PrivateKey
	mux      *http.ServeMux

	mu sync.Mutex
	// team, user and name are the claims of the next ID token; nonces
	// maps the codes given out to the nonce their authorization carried.
	team, user, name string
	nonces           map[string]string
}

// maxDevCodes bounds the codes waiting for their token request.
const maxDevCodes = 1000

func newDevProvider(issuer, clientID, secret, team, user, name string) (*devProvider, error) {
	u, err := url.Parse(issuer)
	if err != nil {
		return nil, fmt.Errorf("development OpenID provider: issuer %q: %w", issuer, err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("development OpenID provider: signing key: %w", err)
	}
	p := &devProvider{issuer: issuer, clientID: clientID, secret: secret, key: key, mux: http.NewServeMux(),
		team: team, user: user, name: name, nonces: map[string]string{}}
	prefix := strings.TrimSuffix(u.Path, "/")
	p.mux.HandleFunc("GET "+prefix+"/.well-known/openid-configuration", p.discovery)
	p.mux.HandleFunc("GET "+prefix+"/jwks", p.keys)
	p.mux.HandleFunc("GET "+prefix+"/authorize", p.authorize)
	p.mux.HandleFunc("POST "+prefix+"/token", p.token)
	return p, nil
}

// ServeHTTP serves the provider's endpoints.
func (p *devProvider) ServeHTTP(w http.ResponseWriter, r *http.Request) { p.mux.ServeHTTP(w, r) }

// set changes who the next sign-in is.
func (p *devProvider) set(team, user string) {
	p.mu.Lock()
	p.team, p.user = team, user
	p.mu.Unlock()
}

func (p *devProvider) discovery(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"issuer": p.issuer, "authorization_endpoint": p.issuer + "/authorize", "token_endpoint": p.issuer + "/token",
		"jwks_uri": p.issuer + "/jwks", "id_token_signing_alg_values_supported": []string{"RS256"},
		"response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
	})
}

func (p *devProvider) keys(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &p.key.PublicKey, KeyID: "dev", Algorithm: "RS256", Use: "sig"}}})
}

func (p *devProvider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	back, err := url.Parse(q.Get("redirect_uri"))
	if q.Get("client_id") != p.clientID || q.Get("response_type") != "code" || err != nil || (p.redirect != "" && q.Get("redirect_uri") != p.redirect) {
		http.Error(w, "bad authorization request", http.StatusBadRequest)
		return
	}
	code := rand.Text()
	p.mu.Lock()
	if len(p.nonces) >= maxDevCodes {
		clear(p.nonces)
	}
	p.nonces[code] = q.Get("nonce")
	p.mu.Unlock()
	back.RawQuery = url.Values{"code": {code}, "state": {q.Get("state")}}.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func (p *devProvider) token(w http.ResponseWriter, r *http.Request) {
	id, sec, ok := r.BasicAuth()
	if !ok {
		id, sec = r.PostFormValue("client_id"), r.PostFormValue("client_secret")
	}
	code := r.PostFormValue("code")
	p.mu.Lock()
	nonce, known := p.nonces[code]
	delete(p.nonces, code)
	team, user, name := p.team, p.user, p.name
	p.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if id != p.clientID || sec != p.secret || !known {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"error":"invalid_grant"}`)
		return
	}
	now := time.Now()
	claims, err := json.Marshal(map[string]any{
		"iss": p.issuer, "aud": p.clientID, "sub": user, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "nonce": nonce,
		"https://slack.com/team_id": team, "https://slack.com/user_id": user, "name": name,
	})
	if err != nil {
		http.Error(w, `{"error":"server_error"}`, http.StatusInternalServerError)
		return
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: p.key, KeyID: "dev"}}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		http.Error(w, `{"error":"server_error"}`, http.StatusInternalServerError)
		return
	}
	jws, err := signer.Sign(claims)
	if err != nil {
		http.Error(w, `{"error":"server_error"}`, http.StatusInternalServerError)
		return
	}
	tok, err := jws.CompactSerialize()
	if err != nil {
		http.Error(w, `{"error":"server_error"}`, http.StatusInternalServerError)
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"access_token": rand.Text(), "token_type": "Bearer", "expires_in": 3600, "id_token": tok})
}
