package slack

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/slack-go/slack"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/metrics"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// The conformance test renders every message the shipped catalogue can
// produce in Slack (posts in threads and slash-command replies) and checks
// it against Block Kit's documented limits
// (https://api.slack.com/reference/block-kit/blocks and …/block-elements):
// Slack publishes no machine-readable schema for blocks.
const (
	docMaxBlocks      = 50
	docMaxSectionText = 3000
	docMaxButtonText  = 75
	docMaxButtonURL   = 3000
	docMaxButtonValue = 2000
	docMaxID          = 255 // block_id and action_id
	docMaxActions     = 25  // elements of an actions block
	docMaxContext     = 10  // elements of a context block
	docMaxHeader      = 150
	docMaxMessageText = 40000
)

// entity is what an "&" may start in mrkdwn: the three escapes Slack asks
// for.
var entity = regexp.MustCompile(`^&(amp|lt|gt);`)

// checkMrkdwn reports characters Slack would read as markup: "<" and ">"
// (links, mentions) and an "&" that starts no escape.
func checkMrkdwn(where, s string) []string {
	var bad []string
	if i := strings.IndexAny(s, "<>"); i >= 0 {
		bad = append(bad, fmt.Sprintf("%s: unescaped %q in %q", where, s[i], excerpt(s, i)))
	}
	for i := strings.IndexByte(s, '&'); i >= 0; {
		if !entity.MatchString(s[i:]) {
			bad = append(bad, fmt.Sprintf("%s: \"&\" that starts no escape in %q", where, excerpt(s, i)))
			break
		}
		j := strings.IndexByte(s[i+1:], '&')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return bad
}

func excerpt(s string, i int) string {
	lo, hi := max(0, i-10), min(len(s), i+10)
	for lo > 0 && !utf8.RuneStart(s[lo]) {
		lo--
	}
	for hi < len(s) && !utf8.RuneStart(s[hi]) {
		hi++
	}
	return s[lo:hi]
}

// checkMessage reports every Block Kit limit a message breaks.
func checkMessage(text string, blocks []slack.Block) []string {
	var bad []string
	addf := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }
	if n := utf8.RuneCountInString(text); n == 0 || n > docMaxMessageText {
		addf("message text of %d characters; want 1 to %d", n, docMaxMessageText)
	}
	bad = append(bad, checkMrkdwn("message text", text)...)
	if len(blocks) > docMaxBlocks {
		addf("%d blocks; Slack takes %d", len(blocks), docMaxBlocks)
	}
	data, err := json.Marshal(slack.Blocks{BlockSet: blocks})
	if err != nil {
		return append(bad, err.Error())
	}
	var raw []map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		return append(bad, err.Error())
	}
	blockIDs, actionIDs := map[string]bool{}, map[string]bool{}
	id := func(kind, v string, seen map[string]bool) {
		switch {
		case v == "":
		case len(v) > docMaxID:
			addf("%s %q of %d characters; Slack takes %d", kind, v, len(v), docMaxID)
		case seen[v]:
			addf("%s %q used twice in one message", kind, v)
		}
		seen[v] = true
	}
	textOf := func(where string, obj any, limit int) {
		o, _ := obj.(map[string]any)
		s, _ := o["text"].(string)
		if n := utf8.RuneCountInString(s); n == 0 || n > limit {
			addf("%s: text of %d characters; Slack takes 1 to %d", where, n, limit)
		}
		if o["type"] == "mrkdwn" {
			bad = append(bad, checkMrkdwn(where, s)...)
		}
	}
	for i, b := range raw {
		where := fmt.Sprintf("block %d (%s)", i, b["type"])
		bid, _ := b["block_id"].(string)
		id("block_id", bid, blockIDs)
		switch b["type"] {
		case "section":
			textOf(where, b["text"], docMaxSectionText)
		case "header":
			textOf(where, b["text"], docMaxHeader)
		case "divider":
		case "context":
			els, _ := b["elements"].([]any)
			if len(els) == 0 || len(els) > docMaxContext {
				addf("%s: %d elements; Slack takes 1 to %d", where, len(els), docMaxContext)
			}
			for j, e := range els {
				textOf(fmt.Sprintf("%s element %d", where, j), e, docMaxSectionText)
			}
		case "actions":
			els, _ := b["elements"].([]any)
			if len(els) == 0 || len(els) > docMaxActions {
				addf("%s: %d elements; Slack takes 1 to %d", where, len(els), docMaxActions)
			}
			for j, e := range els {
				e := e.(map[string]any)
				ew := fmt.Sprintf("%s button %d", where, j)
				aid, _ := e["action_id"].(string)
				id("action_id", aid, actionIDs)
				textOf(ew, e["text"], docMaxButtonText)
				if u, _ := e["url"].(string); len(u) > docMaxButtonURL {
					addf("%s: url of %d characters; Slack takes %d", ew, len(u), docMaxButtonURL)
				}
				if v, _ := e["value"].(string); len(v) > docMaxButtonValue {
					addf("%s: value of %d characters; Slack takes %d", ew, len(v), docMaxButtonValue)
				}
			}
		default:
			addf("%s: a block type madoguchi does not send", where)
		}
	}
	return bad
}

// replies are every reply b's catalogue can produce (see
// testkit.Replies), with clarifying questions offering eight choices.
func replies(b *bot.Bot) map[string]bot.Reply {
	return testkit.Replies(b, platform+":0123456789abcdef", 8)
}

func testAdapter(t testing.TB, dir string) *Adapter {
	t.Helper()
	cat, err := catalogue.Load(dir)
	if err != nil {
		t.Fatalf("load %s: %v", dir, err)
	}
	cfg := Config{}
	cfg.defaults()
	return &Adapter{log: slog.New(slog.NewTextHandler(io.Discard, nil)), bot: bot.New(match.New(cat)), metrics: metrics.New(prometheus.NewRegistry()), cfg: cfg}
}

// conformanceOf checks every post and slash-command reply of a catalogue.
func conformanceOf(t *testing.T, dir string) {
	a := testAdapter(t, dir)
	checked := 0
	check := func(name, text string, bl []slack.Block) {
		checked++
		for _, problem := range checkMessage(text, bl) {
			t.Errorf("%s: %s", name, problem)
		}
	}
	feedback := 0
	for name, r := range replies(a.bot) {
		if !r.Silent {
			check("post "+name, fallbackText(r), blocks(r, true))
		}
		if r.Feedback != nil {
			feedback++
		}
	}
	if feedback == 0 {
		t.Error("no reply checked carries the feedback buttons")
	}
	commands := []string{"", "help", "search", "search pwd", "search <b>&amp;", "show", "show nope", "show <x>", "<b>what & why</b>"}
	for _, in := range a.bot.Index().Catalogue().Intents {
		commands = append(commands, "show "+in.ID, "search "+in.ID[:3], "search "+in.Title.EN, in.Examples.JA[0])
	}
	for _, c := range commands {
		msg := a.commandResponse(t.Context(), slack.SlashCommand{Command: a.cfg.Command, Text: c})
		check(fmt.Sprintf("%s %s", a.cfg.Command, c), msg.Text, msg.Blocks.BlockSet)
	}
	t.Logf("%d messages checked", checked)
}

func TestConformance(t *testing.T) { conformanceOf(t, "../../intents") }

// TestConformanceExtremeIntent checks an intent at every limit lint allows
// (../catalogue/testdata/extreme).
func TestConformanceExtremeIntent(t *testing.T) { conformanceOf(t, "../catalogue/testdata/extreme") }

// TestConformanceCatches shows that the checks fail on what Slack refuses
// or misreads, such as the slash command's show before its ids were made
// unique.
func TestConformanceCatches(t *testing.T) {
	a := testAdapter(t, "../../intents")
	r := a.bot.Choose("forgot-id-password", catalogue.English)
	long := slack.NewButtonBlockElement("b", strings.Repeat("v", 2001), slack.NewTextBlockObject(slack.PlainTextType, strings.Repeat("x", 76), false, false))
	long.URL = "https://example.org/" + strings.Repeat("a", 3000)
	var many []slack.Block
	for range 51 {
		many = append(many, slack.NewDividerBlock())
	}
	tests := []struct {
		name string
		text string
		bl   []slack.Block
		want []string
	}{
		{"both languages with the same ids", "x", append(blocks(r, false), blocks(r, false)...), []string{`block_id "office" used twice`, `action_id "link-office" used twice`}},
		{"unescaped text", "a <b>", []slack.Block{section("x & y <z>")}, []string{`unescaped '<'`, `"&" that starts no escape`, `message text: unescaped`}},
		{"long section", "x", []slack.Block{section(strings.Repeat("あ", 3001))}, []string{"text of 3001 characters"}},
		{"long button", "x", []slack.Block{slack.NewActionBlock("a", long)}, []string{"text of 76 characters", "url of 3020 characters", "value of 2001 characters"}},
		{"too many blocks", "x", many, []string{"51 blocks"}},
		{"no text", "", []slack.Block{section("x")}, []string{"message text of 0 characters"}},
	}
	for _, tt := range tests {
		got := strings.Join(checkMessage(tt.text, tt.bl), "\n")
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: the check missed %q; it reported:\n%s", tt.name, w, got)
			}
		}
	}
}
