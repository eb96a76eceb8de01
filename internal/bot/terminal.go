package bot

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// Terminal is a conversation in a terminal (`madoguchi ask` without a
// question): how it puts questions and picks choices, straight to a Bot
// or through a recording Dialog.
type Terminal struct {
	Ask    func(q string) Reply
	Choose func(id string, lang catalogue.Lang) Reply
	Menu   func(lang catalogue.Lang) Reply
	// Explain, when set, prints how the matcher read a question before
	// its reply.
	Explain func(w io.Writer, q string)
}

// Converse reads questions from r until it ends, or "exit" or "quit",
// and writes each reply to w as text. A number picks one of the last
// reply's choices, as a button would; a number with nothing to pick shows
// the menu.
func (t Terminal) Converse(ctx context.Context, r io.Reader, w io.Writer) error {
	fmt.Fprintln(w, "Ask a question (Japanese or English). A number picks a choice; exit, quit or Ctrl-D ends.")
	sc := bufio.NewScanner(r)
	var last Reply
	for {
		fmt.Fprint(w, "> ")
		if !sc.Scan() {
			fmt.Fprintln(w)
			return sc.Err()
		}
		if ctx.Err() != nil {
			return nil
		}
		q := strings.TrimSpace(sc.Text())
		if q == "" {
			continue
		}
		if l := strings.ToLower(q); l == "exit" || l == "quit" {
			return nil
		}
		choices := append(append([]Choice(nil), last.Choices...), last.Related...)
		if n, err := strconv.Atoi(q); err == nil && n >= 1 && n <= len(choices) {
			last = t.Choose(choices[n-1].ID, last.Lang)
		} else if err == nil {
			// A number with nothing to pick is not a question: the menu,
			// in the language of the conversation (Japanese at first).
			lang := last.Lang
			if lang == "" {
				lang = catalogue.Japanese
			}
			last = t.Menu(lang)
		} else {
			if t.Explain != nil {
				t.Explain(w, q)
			}
			last = t.Ask(q)
		}
		WriteText(w, last)
	}
}

// NewTerminal is a terminal straight to b: nothing is remembered between
// questions but the last reply's choices, nothing recorded.
func NewTerminal(b *Bot) Terminal { return Terminal{Ask: b.Ask, Choose: b.Choose, Menu: b.Menu} }

// DialogTerminal is a terminal through d as user: the dialog remembers the
// choices it offered and records what it records.
func DialogTerminal(ctx context.Context, d *Dialog, user string) Terminal {
	return Terminal{
		Ask:    func(q string) Reply { return d.Message(ctx, user, q) },
		Choose: func(id string, lang catalogue.Lang) Reply { return d.Choose(ctx, user, id, lang) },
		Menu:   d.Bot().Menu,
	}
}
