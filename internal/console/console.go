// Package console is the office's web console: a few pages, served on
// their own listener, where admins who are not programmers see how the bot
// is doing (Overview), improve the intents from the questions that went
// wrong (Review), try a question as LINE and Slack would show the reply
// (Try), read the intents (Intents) and the open handoffs (Handoffs).
//
// Every page needs a signed-in user (Sign in with Slack, or one admin
// password); every form is protected against cross-site requests; every
// change is written to the record's audit log before it is reported done.
// Pages are html/template, the stylesheet is embedded, charts are SVG drawn
// on the server: the console works without the internet.
package console

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/handoff"
	"github.com/oumail-alumni/madoguchi/internal/record"
	"github.com/oumail-alumni/madoguchi/internal/reload"
)

//go:embed templates/*.html templates/parts/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Entries reads the record of questions (record.DB).
type Entries interface {
	Entries(ctx context.Context, since time.Time) ([]record.Entry, error)
}

// Tickets reads the conversations with staff and their ratings, for the
// figures (record.DB).
type Tickets interface {
	Tickets(ctx context.Context, since time.Time) ([]record.Ticket, error)
}

// AuditLog keeps who changed what (record.DB).
type AuditLog interface {
	Audit(ctx context.Context, e record.AuditEntry) error
	AuditLog(ctx context.Context, n int) ([]record.AuditEntry, error)
}

// Reloader reloads the served catalogue from the intents directory
// (reload.Reloader), so that an applied change is answered at once rather
// than after the watcher's debounce.
type Reloader interface {
	Reload() reload.Status
	Status() reload.Status
}

// Handoffs lists the open handoff conversations (handoff.Handoff).
type Handoffs interface {
	Open(ctx context.Context) ([]handoff.View, error)
}

// The implementations serve wires in.
var (
	_ Entries  = (*record.DB)(nil)
	_ Tickets  = (*record.DB)(nil)
	_ AuditLog = (*record.DB)(nil)
	_ Reloader = (*reload.Reloader)(nil)
	_ Handoffs = (*handoff.Handoff)(nil)
)

// Options are what the console shows and changes. Bot and IntentsDir are
// required; a nil Entries or Audit shows the record as off and refuses
// changes (a change must be audited); a nil Tickets leaves the figures
// of conversations with staff out; a nil Handoffs shows handoffs as not
// enabled.
type Options struct {
	Logger     *slog.Logger
	Bot        *bot.Bot
	IntentsDir string
	Reloader   Reloader
	Entries    Entries
	Tickets    Tickets
	Audit      AuditLog
	// Marks keeps what admins did with reviewed questions; nil shows
	// every question that went wrong, done or not.
	Marks    Marks
	Handoffs Handoffs
	// Drafts are the FAQ drafts from staff; nil shows them as off.
	Drafts StaffDrafts
	Auth   Auth
	// Location is the office's time zone for the times and days the pages
	// show, when the settings' handoff time_zone does not name one (serve
	// passes the TZ environment's zone); UTC when nil.
	Location *time.Location
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Console is the console's HTTP handler.
type Console struct {
	o     Options
	pages map[string]*template.Template
	auth  *authenticator
	mux   *http.ServeMux
	h     http.Handler

	// writable reports whether the intents directory can be written; a
	// field so that tests running as root can see a read-only one.
	writable func(dir string) bool
	// perPage is how many groups a review page shows (clustersPerPage;
	// a field so that tests can page a small record).
	perPage int

	// changing serializes changes to the intents: each is tried on a
	// fresh copy of the directory, so two admins applying at once must
	// not both start from the same files and lose one change.
	changing sync.Mutex

	mu        sync.Mutex
	downloads map[string]download // id → a patch to download
	jobs      map[string]*job     // id → a change in the background
}

// download is a changed intent file offered for download when the intents
// directory is read-only.
type download struct {
	name    string
	data    []byte
	expires time.Time
}

// New returns the console. It fails when the options are inconsistent (no
// sign-in configured, an OIDC client without a workspace).
func New(o Options) (*Console, error) {
	if o.Bot == nil || o.IntentsDir == "" {
		return nil, errors.New("console: a bot and an intents directory are required")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	var dev *devProvider
	if o.Auth.DevOIDC {
		var err error
		if dev, err = devSignIn(&o.Auth); err != nil {
			return nil, err
		}
		o.Logger.Warn("console: development sign-in is on: anyone who can reach the console signs in, as a made-up Slack user", "url", o.Auth.URL)
	}
	a, err := newAuthenticator(o.Logger, o.Auth, o.Now)
	if err != nil {
		return nil, err
	}
	c := &Console{o: o, auth: a, mux: http.NewServeMux(), downloads: map[string]download{}, jobs: map[string]*job{}, writable: writable, perPage: clustersPerPage}
	if dev != nil {
		c.mux.Handle(devPath+"/", dev)
	}
	if c.pages, err = c.parsePages(); err != nil {
		return nil, err
	}
	c.routes()
	// Every state-changing request must come from the console's own pages:
	// the browser's Sec-Fetch-Site or Origin header says so, and a
	// cross-site POST is refused with 403 before any handler runs.
	cop := http.NewCrossOriginProtection()
	c.h = gzipped(securityHeaders(cop.Handler(c.mux)))
	return c, nil
}

// parsePages parses each page with the layout. The functions that read
// the catalogue (the office's time zone, an intent's title) ask for it at
// each use: a reload may change it.
func (c *Console) parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	funcs := template.FuncMap{
		"pct":   func(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) },
		"pct1":  func(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) },
		"score": func(f float64) string { return fmt.Sprintf("%.3f", f) },
		"date":  func(t time.Time) string { return t.In(c.location()).Format("2006-01-02 15:04 MST") },
		"title": c.title,
		"seconds": func(s float64) string {
			return time.Duration(s * float64(time.Second)).Round(time.Minute).String()
		},
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		if n == "templates/layout.html" {
			continue
		}
		// Every page may use the parts (forms more than one page shows).
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/parts/*.html", n)
		if err != nil {
			return nil, fmt.Errorf("console: parse %s: %w", n, err)
		}
		pages[n[len("templates/"):len(n)-len(".html")]] = t
	}
	return pages, nil
}

func (c *Console) routes() {
	static, _ := fs.Sub(staticFS, "static")
	c.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	c.mux.HandleFunc("GET /login", c.loginPage)
	c.mux.HandleFunc("POST /login", c.passwordLogin)
	c.mux.HandleFunc("GET /auth/slack", c.oidcStart)
	c.mux.HandleFunc("GET /auth/callback", c.oidcCallback)
	c.mux.HandleFunc("POST /logout", c.logout)
	c.mux.HandleFunc("GET /lang", c.setLang)
	c.mux.Handle("GET /{$}", c.signedIn(c.overview))
	c.mux.Handle("GET /review", c.signedIn(c.reviewPage))
	c.mux.Handle("POST /review/check", c.signedIn(c.reviewCheck))
	c.mux.Handle("POST /review/apply", c.signedIn(c.reviewApply))
	c.mux.Handle("POST /review/dismiss", c.signedIn(c.reviewDismiss))
	c.mux.Handle("POST /review/new", c.signedIn(c.newIntent))
	c.mux.Handle("GET /download/{id}", c.signedIn(c.downloadPatch))
	c.mux.Handle("GET /jobs/{id}", c.signedIn(c.jobPage))
	c.mux.Handle("GET /try", c.signedIn(c.tryPage))
	c.mux.Handle("GET /intents", c.signedIn(c.intentsPage))
	c.mux.Handle("GET /intents/{id}", c.signedIn(c.intentPage))
	c.mux.Handle("GET /intents/drafts", c.signedIn(c.intentDraftsPage))
	c.mux.Handle("GET /handoffs", c.signedIn(c.handoffsPage))
	c.mux.Handle("GET /drafts", c.signedIn(c.draftsPage))
	c.mux.Handle("POST /drafts/{id}/publish", c.signedIn(c.draftPublish))
	c.mux.Handle("POST /drafts/{id}/discard", c.signedIn(c.draftDiscard))
	c.mux.Handle("GET /audit", c.signedIn(c.auditPage))
}

// location is the office's time zone: the one its settings give office
// hours in, else Options.Location, else UTC. Admins read the record's
// times as the office's clock shows them, not the server's.
func (c *Console) location() *time.Location {
	if loc := c.o.Bot.Index().Catalogue().Settings.Handoff.Location; loc != nil {
		return loc
	}
	if c.o.Location != nil {
		return c.o.Location
	}
	return time.UTC
}

// title is an intent's title in lang, for pages that name an intent; the
// id when the served catalogue no longer has it.
func (c *Console) title(id string, lang catalogue.Lang) string {
	if in := c.o.Bot.Index().Catalogue().Intent(id); in != nil {
		if t := in.Title.In(lang); t != "" {
			return t
		}
	}
	return id
}

// ServeHTTP serves the console.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) { c.h.ServeHTTP(w, r) }

// securityHeaders keeps the pages out of frames and off other origins'
// scripts: the console loads nothing but its own stylesheet.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

// signedIn lets signed-in users through; others are sent to the sign-in
// page (GET) or refused with 401 (anything else).
func (c *Console) signedIn(h func(http.ResponseWriter, *http.Request, *session)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := c.auth.session(r)
		if s == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			http.Error(w, "sign in first", http.StatusUnauthorized)
			return
		}
		h(w, r, s)
	})
}

// page is what every template gets.
type page struct {
	T     tr
	Lang  catalogue.Lang
	User  string
	Nav   string
	Path  string
	Error string
	Data  any
}

// render writes a page; status is the HTTP status.
func (c *Console) render(w http.ResponseWriter, r *http.Request, s *session, status int, name string, p page) {
	t := c.pages[name]
	p.T = translator(r)
	p.Lang, p.Nav, p.Path = p.T.lang, name, r.URL.RequestURI()
	if s != nil {
		p.User = s.user
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := t.Execute(w, p); err != nil {
		c.o.Logger.Error("console: render", "page", name, "err", err)
	}
}

// fail shows a page's error: a clear sentence for the admin, the details
// in the log.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, s *session, status int, msg string, err error) {
	if err != nil {
		c.o.Logger.Error("console", "path", r.URL.Path, "err", err)
	}
	c.render(w, r, s, status, "error", page{Error: msg})
}

// audit writes a change to the audit log.
func (c *Console) audit(ctx context.Context, s *session, action, detail string) error {
	if c.o.Audit == nil {
		return errNoAudit
	}
	return c.o.Audit.Audit(ctx, record.AuditEntry{At: c.o.Now(), Who: s.user, Action: action, Detail: detail})
}

// errNoAudit refuses changes when there is no audit log to record them.
var errNoAudit = errors.New("the record is off, so changes cannot be audited")
