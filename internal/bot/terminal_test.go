package bot

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/state"
)

// TestTerminalConverse: a number picks one of the last reply's choices
// (then its related questions), a number with nothing to pick shows the
// menu in the conversation's language, blank lines are skipped, exit and
// quit end, and Explain comes before each question's reply.
func TestTerminalConverse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     []string // the calls made, in order
	}{
		{"question, then its second choice", "変更したい\n2\n", []string{"ask 変更したい", "choose b en"}},
		{"a related question after the choices", "変更したい\n4\n", []string{"ask 変更したい", "choose r1 en"}},
		{"a number out of range: the menu", "変更したい\n9\n", []string{"ask 変更したい", "menu en"}},
		{"a number first: the menu in Japanese", "1\n", []string{"menu ja"}},
		{"blank lines skipped", "\n  \nhello\n", []string{"ask hello"}},
		{"exit ends", "hello\nEXIT\nnot asked\n", []string{"ask hello"}},
		{"quit ends", " quit \nnot asked\n", nil},
		{"a pick from the menu", "1\n1\n", []string{"menu ja", "choose m1 ja"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls []string
			term := Terminal{
				Ask: func(q string) Reply {
					calls = append(calls, "ask "+q)
					return Reply{Lang: catalogue.English, Text: "which?", Choices: []Choice{{"a", "A"}, {"b", "B"}, {"none", "None"}}, Related: []Choice{{"r1", "R1"}}}
				},
				Choose: func(id string, lang catalogue.Lang) Reply {
					calls = append(calls, fmt.Sprintf("choose %s %s", id, lang))
					return Reply{Lang: lang, Text: "answer"}
				},
				Menu: func(lang catalogue.Lang) Reply {
					calls = append(calls, fmt.Sprintf("menu %s", lang))
					return Reply{Lang: lang, Text: "menu", Choices: []Choice{{"m1", "M1"}}}
				},
				Explain: func(w io.Writer, q string) { fmt.Fprintf(w, "explain %s\n", q) },
			}
			var out strings.Builder
			if err := term.Converse(context.Background(), strings.NewReader(tt.in), &out); err != nil {
				t.Fatal(err)
			}
			if got, want := strings.Join(calls, "; "), strings.Join(tt.want, "; "); got != want {
				t.Errorf("got calls %q, want %q", got, want)
			}
			for _, c := range calls {
				if q, ok := strings.CutPrefix(c, "ask "); ok && !strings.Contains(out.String(), "> explain "+q+"\nwhich?\n") {
					t.Errorf("got\n%s\nwant the explanation of %q before its reply", out.String(), q)
				}
			}
		})
	}
}

// TestTerminals: NewTerminal asks the bot itself; DialogTerminal asks
// through the dialog as its user, which remembers the choices it offered.
func TestTerminals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := New(match.New(shipped(t)))
	const q = "パスワードを忘れました"
	if got, want := NewTerminal(b).Ask(q).Text, b.Ask(q).Text; got != want {
		t.Errorf("NewTerminal: got %q, want the bot's %q", got, want)
	}
	store := state.NewMemory(time.Now)
	term := DialogTerminal(ctx, NewDialog(b, store, 0, nil), "cli:test")
	want := NewDialog(b, state.NewMemory(time.Now), 0, nil).Message(ctx, "other", q).Text
	if got := term.Ask(q).Text; got != want {
		t.Errorf("DialogTerminal: got %q, want the dialog's %q", got, want)
	}
	if got, want := term.Menu(catalogue.Japanese).Text, b.Menu(catalogue.Japanese).Text; got != want {
		t.Errorf("DialogTerminal menu: got %q, want %q", got, want)
	}
}
