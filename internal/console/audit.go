package console

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/record"
)

// auditRow is one change in the audit log as the page shows it.
type auditRow struct {
	At     time.Time
	Who    string
	Action string // what kind of change, in the page's language
	Detail string
}

// The audit log keeps each change's detail as the sentence written when
// it was made, in English; these are the forms the console writes, read
// back to say them in the page's language with the intent's title.
var (
	auditAdded    = regexp.MustCompile(`^added (\d+) examples to (\S+): (.*)$`)
	auditPicked   = regexp.MustCompile(`^added (\d+) examples: (.*)$`)
	auditPick     = regexp.MustCompile(`([a-z0-9][a-z0-9-]*) ← 「`)
	auditCreated  = regexp.MustCompile(`^created intent (\S+) with (\d+) examples$`)
	auditReadOnly = " (read-only catalogue: offered as a download)"
)

// auditRows says each entry in the page's language; an entry written in
// a form the console does not know is shown as written.
func (c *Console) auditRows(t tr, log []record.AuditEntry) []auditRow {
	rows := make([]auditRow, len(log))
	for i, e := range log {
		r := auditRow{At: e.At, Who: e.Who, Action: e.Action, Detail: e.Detail}
		if _, ok := messages["audit."+e.Action]; ok {
			r.Action = t.S("audit." + e.Action)
		}
		detail, readOnly := strings.CutSuffix(e.Detail, auditReadOnly)
		switch m := auditAdded.FindStringSubmatch(detail); {
		case m != nil:
			n, _ := strconv.Atoi(m[1]) // the pattern's digits
			r.Detail = fmt.Sprintf(t.S("audit.added"), c.title(m[2], t.lang), n, m[3])
		case auditPicked.MatchString(detail):
			// "added 2 examples: forward-change ← 「…」, …": each intent
			// by its title.
			m := auditPicked.FindStringSubmatch(detail)
			n, _ := strconv.Atoi(m[1])
			picks := auditPick.ReplaceAllStringFunc(m[2], func(p string) string {
				id := strings.TrimSuffix(p, " ← 「")
				return "“" + c.title(id, t.lang) + "” ← 「"
			})
			r.Detail = fmt.Sprintf(t.S("audit.picked"), n, picks)
		default:
			if m := auditCreated.FindStringSubmatch(detail); m != nil {
				n, _ := strconv.Atoi(m[2])
				r.Detail = fmt.Sprintf(t.S("audit.created"), c.title(m[1], t.lang), m[1], n)
			} else {
				readOnly = false
			}
		}
		if readOnly {
			r.Detail += " " + t.S("audit.readonly")
		}
		rows[i] = r
	}
	return rows
}

func (c *Console) auditPage(w http.ResponseWriter, r *http.Request, s *session) {
	if c.o.Audit == nil {
		c.render(w, r, s, http.StatusOK, "audit", page{Error: translator(r).S("record.off")})
		return
	}
	log, err := c.o.Audit.AuditLog(r.Context(), 200)
	if err != nil {
		c.fail(w, r, s, http.StatusInternalServerError, translator(r).S("err.readrecord"), err)
		return
	}
	c.render(w, r, s, http.StatusOK, "audit", page{Data: c.auditRows(translator(r), log)})
}

// lintLines is lint's advice or problems as the page shows them: in its
// language, each file by its base name (the served directory's path says
// nothing to an admin).
func lintLines(ps catalogue.Problems, lang catalogue.Lang) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		p.File = baseName(p.File)
		out[i] = p.In(lang)
	}
	return out
}
