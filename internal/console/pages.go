package console

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/figures"
	"github.com/oumail-alumni/madoguchi/internal/handoff"
	"github.com/oumail-alumni/madoguchi/internal/line"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/record"
	"github.com/oumail-alumni/madoguchi/internal/review"
	"github.com/oumail-alumni/madoguchi/internal/slack"
)

// periods are the choices of the period selector, in days.
var periods = []int{7, 30, 90}

// period reads ?days= (30 when absent); ok is false for anything but the
// selector's choices.
func period(r *http.Request) (int, bool) {
	switch r.FormValue("days") {
	case "":
		return 30, true
	case "7":
		return 7, true
	case "30":
		return 30, true
	case "90":
		return 90, true
	}
	return 30, false
}

// periodData is the period selector's state.
type periodData struct {
	Days    int
	Periods []int
}

// entries reads the period's record; the status and message say what went
// wrong for the admin.
func (c *Console) entries(r *http.Request, days int) ([]record.Entry, time.Time, int, string) {
	tr := translator(r)
	since := startOfDay(c.o.Now().In(c.location())).AddDate(0, 0, -(days - 1))
	if c.o.Entries == nil {
		return nil, since, http.StatusOK, tr.S("record.off")
	}
	es, err := c.o.Entries.Entries(r.Context(), since)
	if err != nil {
		c.o.Logger.Error("console: read the record", "err", err)
		return nil, since, http.StatusInternalServerError, tr.S("err.readrecord")
	}
	return es, since, http.StatusOK, ""
}

type overviewData struct {
	periodData
	Stats        review.Stats
	PerDay       []day
	Chart        template.HTML
	FeedbackRate float64
	Top          []review.IntentCount
	// Figures are the resolution figures, Trend their daily lines.
	Figures figures.Figures
	Trend   template.HTML
}

func (c *Console) overview(w http.ResponseWriter, r *http.Request, s *session) {
	days, ok := period(r)
	if !ok {
		c.render(w, r, s, http.StatusBadRequest, "overview", page{Error: translator(r).S("err.period"), Data: overviewData{periodData: periodData{days, periods}}})
		return
	}
	es, since, status, msg := c.entries(r, days)
	st := review.Summarize(es, since)
	d := overviewData{periodData: periodData{days, periods}, Stats: st, PerDay: perDay(es, since, c.o.Now())}
	d.Chart = chart(d.PerDay, translator(r))
	if n := st.Helpful + st.NotHelpful; n > 0 {
		d.FeedbackRate = float64(st.Helpful) / float64(n)
	}
	d.Top = st.Intents[:min(10, len(st.Intents))]
	var ts []record.Ticket
	if c.o.Tickets != nil && status == http.StatusOK {
		var err error
		if ts, err = c.o.Tickets.Tickets(r.Context(), since); err != nil {
			c.o.Logger.Error("console: read the tickets", "err", err)
			status, msg = http.StatusInternalServerError, translator(r).S("err.readrecord")
		}
	}
	d.Figures = figures.Compute(es, ts, since, c.o.Now())
	d.Trend = trendChart(d.Figures.Trend, translator(r))
	c.render(w, r, s, status, "overview", page{Error: msg, Data: d})
}

// maxQuestion bounds the Try page's question, as the adapters bound
// messages.
const maxQuestion = 1000

type tryData struct {
	Question    string
	Asked       bool
	Reply       bot.Reply
	LINE, Slack string
	// Bubbles and Blocks are drawn from the JSON, as the platforms would.
	Bubbles []bubble
	Blocks  []part
	Explain match.Explanation
}

// tryPage answers a question as the bot would, without recording it, and
// shows the reply as each platform renders it and why it was chosen.
func (c *Console) tryPage(w http.ResponseWriter, r *http.Request, s *session) {
	q := strings.TrimSpace(r.FormValue("q"))
	d := tryData{Question: q}
	if q == "" {
		c.render(w, r, s, http.StatusOK, "try", page{Data: d})
		return
	}
	if utf8.RuneCountInString(q) > maxQuestion || !utf8.ValidString(q) {
		c.render(w, r, s, http.StatusBadRequest, "try", page{Error: translator(r).S("err.question"), Data: d})
		return
	}
	x := c.o.Bot.Index()
	d.Asked, d.Reply, d.Explain = true, bot.New(x).Ask(q), x.Explain(q)
	if b, err := payload(line.Preview(d.Reply)); err == nil {
		d.LINE, d.Bubbles = string(b), lineBubbles(b)
	} else {
		d.LINE = err.Error()
	}
	if b, err := payload(slack.Preview(d.Reply)); err == nil {
		d.Slack, d.Blocks = string(b), slackParts(b)
	} else {
		d.Slack = err.Error()
	}
	c.render(w, r, s, http.StatusOK, "try", page{Data: d})
}

// intentRow is one intent in the list.
type intentRow struct {
	Intent         *catalogue.Intent
	JA, EN         int
	N              int
	Helpful, NotOK int
	Lint           []string
}

type intentsData struct {
	periodData
	Rows   []intentRow
	Status *reloadView
}

// reloadView is the last reload's outcome, when the console can ask.
type reloadView struct {
	OK       bool
	Intents  int
	Problems []string
	Error    string
}

// reloadStatus is the last reload's outcome in lang. The reloader keeps a
// refused reload's problems as English text, so they are read again from
// the directory to say them in lang; if the files were fixed since, the
// kept text is shown.
func (c *Console) reloadStatus(lang catalogue.Lang) *reloadView {
	if c.o.Reloader == nil {
		return nil
	}
	s := c.o.Reloader.Status()
	v := &reloadView{OK: s.OK, Intents: s.Intents, Problems: s.Problems, Error: s.Error}
	if !s.OK {
		var ps catalogue.Problems
		if _, err := catalogue.Load(c.o.IntentsDir); errors.As(err, &ps) {
			v.Problems, v.Error = lintLines(ps, lang), ""
		}
	}
	return v
}

// lintAdvice returns the served catalogue's advice (lint's warnings) in
// lang by file base name.
func lintAdvice(cat *catalogue.Catalogue, lang catalogue.Lang) map[string][]string {
	out := map[string][]string{}
	for _, p := range catalogue.Advice(cat) {
		name := baseName(p.File)
		out[name] = append(out[name], lintLines(catalogue.Problems{p}, lang)...)
	}
	return out
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

func (c *Console) intentsPage(w http.ResponseWriter, r *http.Request, s *session) {
	days, ok := period(r)
	if !ok {
		c.fail(w, r, s, http.StatusBadRequest, translator(r).S("err.period"), nil)
		return
	}
	es, since, status, msg := c.entries(r, days)
	st := review.Summarize(es, since)
	counts := map[string]review.IntentCount{}
	for _, ic := range st.Intents {
		counts[ic.Intent] = ic
	}
	cat := c.o.Bot.Index().Catalogue()
	lang := translator(r).lang
	advice := lintAdvice(cat, lang)
	d := intentsData{periodData: periodData{days, periods}, Status: c.reloadStatus(lang)}
	for _, in := range cat.Intents {
		ic := counts[in.ID]
		d.Rows = append(d.Rows, intentRow{Intent: in, JA: len(in.Examples.JA), EN: len(in.Examples.EN), N: ic.N,
			Helpful: ic.Helpful, NotOK: ic.NotHelpful, Lint: advice[baseName(in.File)]})
	}
	c.render(w, r, s, status, "intents", page{Error: msg, Data: d})
}

type intentData struct {
	Intent *catalogue.Intent
	Recent []record.Entry
	Lint   []string
}

func (c *Console) intentPage(w http.ResponseWriter, r *http.Request, s *session) {
	cat := c.o.Bot.Index().Catalogue()
	in := cat.Intent(r.PathValue("id"))
	if in == nil {
		c.fail(w, r, s, http.StatusNotFound, translator(r).S("err.notfound"), nil)
		return
	}
	es, _, status, msg := c.entries(r, 90)
	d := intentData{Intent: in, Lint: lintAdvice(cat, translator(r).lang)[baseName(in.File)]}
	for _, e := range slices.Backward(es) {
		if e.Intent == in.ID && e.Kind != bot.KindChoice {
			d.Recent = append(d.Recent, e)
			if len(d.Recent) == 20 {
				break
			}
		}
	}
	c.render(w, r, s, status, "intent", page{Error: msg, Data: d})
}

type handoffsData struct {
	Enabled bool
	Open    []handoff.View
}

func (c *Console) handoffsPage(w http.ResponseWriter, r *http.Request, s *session) {
	if c.o.Handoffs == nil {
		c.render(w, r, s, http.StatusOK, "handoffs", page{Data: handoffsData{}})
		return
	}
	open, err := c.o.Handoffs.Open(r.Context())
	if err != nil {
		c.fail(w, r, s, http.StatusInternalServerError, translator(r).S("err.readrecord"), err)
		return
	}
	c.render(w, r, s, http.StatusOK, "handoffs", page{Data: handoffsData{Enabled: true, Open: open}})
}

// downloadPatch sends a changed intent file kept for a read-only catalogue.
func (c *Console) downloadPatch(w http.ResponseWriter, r *http.Request, s *session) {
	c.mu.Lock()
	d, ok := c.downloads[r.PathValue("id")]
	c.mu.Unlock()
	if !ok || c.o.Now().After(d.expires) {
		c.fail(w, r, s, http.StatusNotFound, translator(r).S("err.download"), nil)
		return
	}
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+d.name+`"`)
	w.Write(d.data)
}

// keepDownload keeps a file for download for an hour and returns its id.
func (c *Console) keepDownload(name string, data []byte) string {
	id := randomID()
	now := c.o.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, d := range c.downloads {
		if now.After(d.expires) || len(c.downloads) >= 100 {
			delete(c.downloads, k)
		}
	}
	c.downloads[id] = download{name: name, data: data, expires: now.Add(time.Hour)}
	return id
}

// payload is a platform payload as indented JSON, unescaped so that it
// reads as the platform gets it (the page escapes it for HTML).
func payload(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	return buf.Bytes(), nil
}
