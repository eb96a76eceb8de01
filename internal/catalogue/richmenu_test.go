package catalogue

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// richMenuBlock is a valid rich_menu block: a full main menu and a staff
// menu of one row.
const richMenuBlock = `
rich_menu:
  chat_bar: {ja: メニュー, en: Menu}
  grid: 2x3
  areas:
    - {label: {ja: 使い方, en: How to use}, action: help}
    - {label: {ja: パスワード, en: Password}, answer: forgot-password}
    - {label: {ja: ログイン, en: Signing in}, answer: login-trouble}
    - {label: {ja: 窓口に相談, en: Ask the staff}, action: staff}
    - {label: {ja: 受付時間, en: Office hours}, action: hours}
    - {label: {ja: ウェブサイト, en: Website}, url: "https://example.org/oumail"}
  staff_menu:
    chat_bar: {ja: スタッフと会話中, en: With staff}
    grid: 1x3
    areas:
      - {label: {ja: 会話を終える, en: End the chat}, action: end}
      - {label: {ja: 受付時間, en: Office hours}, action: hours}
      - {label: {ja: ウェブサイト, en: Website}, url: "https://example.org/oumail"}
`

// withHandoff is the valid test settings file with a handoff block.
func withHandoff(t *testing.T) string {
	return string(settingsWith(t, "  hours: {mon: \"09:00-17:00\"}\n"+handoffTexts))
}

func TestRichMenuSettings(t *testing.T) {
	s, ps := ParseSettings("s.yaml", []byte(withHandoff(t)+richMenuBlock))
	if len(ps) > 0 {
		t.Fatalf("problems: %v", ps)
	}
	rm := s.RichMenu
	if !rm.Configured || rm.Main.Rows != 2 || rm.Main.Cols != 3 || len(rm.Main.Areas) != 6 {
		t.Fatalf("main menu = %+v, want a configured 2x3 grid of 6 areas", rm.Main)
	}
	for i, want := range []MenuArea{
		{Label: Text{JA: "使い方", EN: "How to use"}, Action: MenuHelp},
		{Label: Text{JA: "パスワード", EN: "Password"}, Action: MenuAnswer, Intent: "forgot-password"},
		{Label: Text{JA: "ログイン", EN: "Signing in"}, Action: MenuAnswer, Intent: "login-trouble"},
		{Label: Text{JA: "窓口に相談", EN: "Ask the staff"}, Action: MenuStaff},
		{Label: Text{JA: "受付時間", EN: "Office hours"}, Action: MenuHours},
		{Label: Text{JA: "ウェブサイト", EN: "Website"}, Action: MenuURL, URL: "https://example.org/oumail"},
	} {
		got := rm.Main.Areas[i]
		if got.Label != want.Label || got.Action != want.Action || got.Intent != want.Intent || got.URL != want.URL {
			t.Errorf("area %d = %+v, want %+v", i, got, want)
		}
	}
	if rm.Staff.Rows != 1 || len(rm.Staff.Areas) != 3 || rm.Staff.Areas[0].Action != MenuEnd || rm.Staff.ChatBar.JA != "スタッフと会話中" {
		t.Errorf("staff menu = %+v, want 1x3 starting with end", rm.Staff)
	}
	none, ps := ParseSettings("s.yaml", []byte(withHandoff(t)))
	if len(ps) > 0 || none.RichMenu.Configured {
		t.Errorf("without the block: configured %v, problems %v; want false, none", none.RichMenu.Configured, ps)
	}
}

func TestRichMenuLint(t *testing.T) {
	for _, tc := range []struct {
		name, from, to string
		noHandoff      bool
		want, wantJA   string
	}{
		{"incomplete grid", "    - {label: {ja: 受付時間, en: Office hours}, action: hours}\n    - {label: {ja: ウェブサイト", "    - {label: {ja: ウェブサイト",
			false, "rich_menu: the 2x3 grid has 6 areas, but 5 are written", "グリッド 2x3 の領域は 6 個ですが、5 個書かれています"},
		{"grid", "grid: 2x3", "grid: 3x3", false, `rich_menu grid "3x3" is not a layout`, `rich_menu の grid "3x3" は使えません`},
		{"label", "en: How to use}", "en: How to use this bot well}", false,
			"rich_menu area label (en) is 24 characters long; LINE takes at most 20", "label（en）が 24 文字です"},
		{"chat bar", "en: With staff}", "en: Talking with the staff}", false,
			"rich_menu staff_menu chat_bar (en) is 22 characters long; LINE shows at most 14", "chat_bar（en）が 22 文字です"},
		{"action", "action: help}", "action: faq}", false, `rich_menu area action "faq" is not one of help, staff, end, hours`, `action "faq" は使えません`},
		{"two kinds", "action: help}", "action: help, url: \"https://example.org/\"}", false,
			"rich_menu area: write exactly one of answer", "ちょうど1つを書いてください"},
		{"no kind", ", action: help}", "}", false, "rich_menu area: write exactly one of answer", "ちょうど1つ"},
		{"end in main", "action: help}", "action: end}", false, "rich_menu area action end ends a conversation with staff: put it in staff_menu", "staff_menu に書いてください"},
		{"staff in staff menu", "action: end}", "action: staff}", false, "rich_menu staff_menu area action staff offers the staff to a user already", "end か hours を使ってください"},
		{"no handoff", "", "", true, "rich_menu area action staff needs the handoff block", "handoff の設定（スタッフと受付時間）が必要です"},
		{"http", `url: "https://example.org/oumail"}`, `url: "http://example.org/oumail"}`, false, `must be a secure https:// address`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := withHandoff(t)
			if tc.noHandoff {
				base = string(mustRead(t, "testdata/valid/_settings.yaml"))
			}
			block := strings.Replace(richMenuBlock, tc.from, tc.to, 1)
			if block == richMenuBlock && tc.from != "" {
				t.Fatalf("%q is not in the block", tc.from)
			}
			_, ps := ParseSettings("s.yaml", []byte(base+block))
			if got := ps.Error(); !strings.Contains(got, tc.want) {
				t.Errorf("got problems:\n%s\nwant one containing %q", got, tc.want)
			}
			for _, p := range ps {
				if p.Line == 0 {
					t.Errorf("problem %q has no line", p.Msg)
				}
			}
			if got := ps.In(Japanese); !strings.Contains(got, tc.wantJA) {
				t.Errorf("got Japanese problems:\n%s\nwant one containing %q", got, tc.wantJA)
			}
		})
	}
}

// TestRichMenuUnknownIntent: an area's intent is checked once the intents
// are loaded, at its place in the settings file.
func TestRichMenuUnknownIntent(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"forgot-password.yaml", "login-trouble.yaml"} {
		if err := os.WriteFile(filepath.Join(dir, name), mustRead(t, "testdata/valid/"+name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	settings := withHandoff(t) + strings.Replace(richMenuBlock, "answer: login-trouble", "answer: login-troubel", 1)
	path := filepath.Join(dir, SettingsFile)
	if err := os.WriteFile(path, []byte(settings), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(dir)
	ps, ok := err.(Problems)
	if !ok || len(ps) != 1 {
		t.Fatalf("got %v, want one problem", err)
	}
	line := strings.Count(settings[:strings.Index(settings, "login-troubel")], "\n") + 1
	want := Problem{File: path, Line: line, Msg: `rich_menu area answer: intent "login-troubel" does not exist (did you mean "login-trouble"?)`}
	if ps[0].File != want.File || ps[0].Line != want.Line || ps[0].Msg != want.Msg {
		t.Errorf("got %+v, want %+v", ps[0], want)
	}
	if !strings.Contains(ps[0].In(Japanese), `インテント "login-troubel" がありません`) {
		t.Errorf("got Japanese %q, want it to name the missing intent", ps[0].In(Japanese))
	}
}

// TestShippedRichMenu: the shipped settings have a full main menu that
// offers the help menu and the staff, and a staff menu that ends the
// conversation.
func TestShippedRichMenu(t *testing.T) {
	c, err := Load("../../intents")
	if err != nil {
		t.Fatal(err)
	}
	rm := c.Settings.RichMenu
	has := func(m Menu, act MenuAction) bool {
		for _, a := range m.Areas {
			if a.Action == act {
				return true
			}
		}
		return false
	}
	if !rm.Configured || len(rm.Main.Areas) != 6 || !has(rm.Main, MenuHelp) || !has(rm.Main, MenuStaff) {
		t.Errorf("main menu = %+v, want 6 areas with help and staff", rm.Main)
	}
	if len(rm.Staff.Areas) != 3 || !has(rm.Staff, MenuEnd) || !has(rm.Staff, MenuHours) {
		t.Errorf("staff menu = %+v, want 3 areas with end and hours", rm.Staff)
	}
}
