package console

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"time"
)

// job is a change being checked and made in the background: lint and two
// leave-one-out runs take a minute on a large catalogue, longer than a
// proxy in front of the console may wait for an answer, so a change
// answers at once with a page that refreshes itself until it is done.
type job struct {
	user     string
	done     bool
	finished time.Time
	out      outcome
}

// maxJobs bounds the finished changes kept for their pages.
const maxJobs = 100

// background runs work outside the request and sends the browser to its
// page.
func (c *Console) background(w http.ResponseWriter, r *http.Request, s *session, work func(ctx context.Context) outcome) {
	id := randomID()
	j := &job{user: s.user}
	now := c.o.Now()
	c.mu.Lock()
	for k, old := range c.jobs {
		if old.done && (now.Sub(old.finished) > time.Hour || len(c.jobs) >= maxJobs) {
			delete(c.jobs, k)
		}
	}
	c.jobs[id] = j
	c.mu.Unlock()
	tr := translator(r)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		var out outcome
		func() {
			defer func() {
				if v := recover(); v != nil {
					c.o.Logger.Error("console: a change panicked", "panic", fmt.Sprint(v))
					out = refused(http.StatusInternalServerError, tr.S("err.write"), nil)
				}
			}()
			out = work(ctx)
		}()
		c.mu.Lock()
		j.done, j.out, j.finished = true, out, c.o.Now()
		c.mu.Unlock()
	}()
	http.Redirect(w, r, "/jobs/"+id, http.StatusSeeOther)
}

// jobPage shows a change: "checking" (refreshing itself) until it is
// done, then what it came to.
func (c *Console) jobPage(w http.ResponseWriter, r *http.Request, s *session) {
	c.mu.Lock()
	j, ok := c.jobs[r.PathValue("id")]
	var done bool
	var out outcome
	if ok {
		done, out = j.done, j.out
		ok = j.user == s.user
	}
	c.mu.Unlock()
	switch {
	case !ok:
		c.fail(w, r, s, http.StatusNotFound, translator(r).S("err.job"), nil)
	case !done:
		c.render(w, r, s, http.StatusOK, "working", page{})
	default:
		c.render(w, r, s, out.status, cmp.Or(out.tmpl, "applied"), out.p)
	}
}
