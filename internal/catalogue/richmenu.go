package catalogue

import (
	"fmt"
	"unicode/utf16"

	"gopkg.in/yaml.v3"
)

// RichMenu is the LINE rich menu, the row of buttons under the chat
// (optional; Configured is false without it). Main is shown to every
// user; Staff, when it has areas, replaces it for a user while they talk
// with the office staff.
type RichMenu struct {
	Configured bool
	Main       Menu
	Staff      Menu
	// file is the settings file the menu was read from, for problems
	// found once the intents are known (an intent that does not exist).
	file string
}

// Menu is one rich menu: a grid of tappable areas, left to right, then
// top to bottom.
type Menu struct {
	// ChatBar labels the bar that opens and closes the menu.
	ChatBar    Text
	Rows, Cols int
	Areas      []MenuArea
}

// MenuAction is what tapping an area does.
type MenuAction string

// The actions of a rich menu's area.
const (
	// MenuAnswer answers the area's intent, as if the user had picked it.
	MenuAnswer MenuAction = "answer"
	// MenuHelp shows the help menu (what can be asked).
	MenuHelp MenuAction = "help"
	// MenuStaff offers the office staff (the handoff's consent).
	MenuStaff MenuAction = "staff"
	// MenuEnd ends the conversation with staff (staff menu only).
	MenuEnd MenuAction = "end"
	// MenuHours tells the office's opening hours.
	MenuHours MenuAction = "hours"
	// MenuURL opens a web page.
	MenuURL MenuAction = "url"
)

// MenuArea is one tappable area of a rich menu.
type MenuArea struct {
	// Label names the area to screen readers and is what the chat shows
	// the user as having sent; the picture itself is the menu's image.
	Label  Text
	Action MenuAction
	// Intent is the intent MenuAnswer answers.
	Intent string
	// URL is the page MenuURL opens.
	URL string
	// at is where the area's intent was written.
	at position
}

// Limits LINE puts on a rich menu, in UTF-16 units as LINE counts.
const (
	// MaxMenuLabel is the longest label of a rich menu's area.
	MaxMenuLabel = 20
	// MaxChatBar is the longest text of the bar that opens the menu.
	MaxChatBar = 14
)

// grids are the rich menu layouts offered: a full menu (two rows of three,
// on a 2500×1686 image) and a half one (one row of three, 2500×843).
var grids = map[string][2]int{"2x3": {2, 3}, "1x3": {1, 3}}

// parseRichMenu reads the optional rich_menu block. handoff says whether
// the settings have a handoff block, which the staff, end and hours
// actions need.
func (w *walker) parseRichMenu(n *yaml.Node, handoff bool) RichMenu {
	rm := RichMenu{Configured: true, file: w.file}
	var staff *yaml.Node
	main := w.menuFields(n, "rich_menu", &rm.Main, field{"staff_menu", false, func(v *yaml.Node) { staff = v }})
	w.menuActions(main, "rich_menu", handoff, false)
	if staff != nil {
		if !handoff {
			w.addJA(staff, "rich_menu staff_menu is shown while a user talks with staff: it needs the handoff block",
				"rich_menu の staff_menu はスタッフと会話中に表示するメニューです。handoff の設定が必要です")
		}
		areas := w.menuFields(staff, "rich_menu staff_menu", &rm.Staff)
		w.menuActions(areas, "rich_menu staff_menu", handoff, true)
	}
	return rm
}

// placedArea is an area read and the node it was written at.
type placedArea struct {
	area *MenuArea
	node *yaml.Node
}

// menuFields reads one menu's chat_bar, grid and areas (and extra fields
// of the block it is in) into m, and returns its areas where they were
// written.
func (w *walker) menuFields(n *yaml.Node, what string, m *Menu, extra ...field) []placedArea {
	var grid, areas *yaml.Node
	spec := append([]field{
		{"chat_bar", true, func(v *yaml.Node) {
			m.ChatBar = w.text(v, what+" chat_bar")
			for _, l := range Langs {
				if got := units(m.ChatBar.In(l)); got > MaxChatBar {
					w.addJA(v, fmt.Sprintf("%s chat_bar (%s) is %d characters long; LINE shows at most %d", what, l, got, MaxChatBar),
						fmt.Sprintf("%s の chat_bar（%s）が %d 文字です。LINE に表示できるのは %d 文字までです", what, l, got, MaxChatBar))
				}
			}
		}},
		{"grid", true, func(v *yaml.Node) { grid = v }},
		{"areas", true, func(v *yaml.Node) { areas = v }},
	}, extra...)
	w.fields(n, what, spec)
	if grid != nil {
		g, ok := grids[grid.Value]
		if grid.Kind != yaml.ScalarNode || !ok {
			w.addJA(grid, fmt.Sprintf("%s grid %q is not a layout LINE's menu takes here; write 2x3 (two rows of three, a 2500x1686 image) or 1x3 (one row, 2500x843)", what, grid.Value),
				fmt.Sprintf("%s の grid %q は使えません。2x3（3つずつ2段、2500x1686 の画像）か 1x3（1段、2500x843）と書いてください", what, grid.Value))
		}
		m.Rows, m.Cols = g[0], g[1]
	}
	if areas == nil {
		return nil
	}
	if areas.Kind != yaml.SequenceNode {
		w.addJA(areas, fmt.Sprintf("%s areas must be a list of areas, each starting with \"- \"", what),
			fmt.Sprintf("%s の areas は「- 」で始まる項目の並びにしてください", what))
		return nil
	}
	for _, a := range areas.Content {
		m.Areas = append(m.Areas, w.menuArea(a, what))
	}
	placed := make([]placedArea, len(areas.Content))
	for i, a := range areas.Content {
		placed[i] = placedArea{&m.Areas[i], a}
	}
	if want := m.Rows * m.Cols; want > 0 && len(m.Areas) != want {
		w.addJA(areas, fmt.Sprintf("%s: the %s grid has %d areas, but %d are written; write one area for each, left to right, then top to bottom", what, grid.Value, want, len(m.Areas)),
			fmt.Sprintf("%s: グリッド %s の領域は %d 個ですが、%d 個書かれています。左から右、上から下の順に、領域ごとに1つずつ書いてください", what, grid.Value, want, len(m.Areas)))
	}
	return placed
}

// menuArea reads one area: a label and exactly one of answer, action and
// url.
func (w *walker) menuArea(n *yaml.Node, what string) MenuArea {
	var a MenuArea
	kinds := 0
	what += " area"
	w.fields(n, what, []field{
		{"label", true, func(v *yaml.Node) {
			a.Label = w.text(v, what+" label")
			for _, l := range Langs {
				if got := units(a.Label.In(l)); got > MaxMenuLabel {
					w.addJA(v, fmt.Sprintf("%s label (%s) is %d characters long; LINE takes at most %d", what, l, got, MaxMenuLabel),
						fmt.Sprintf("%s の label（%s）が %d 文字です。LINE が受け付けるのは %d 文字までです", what, l, got, MaxMenuLabel))
				}
			}
		}},
		{"answer", false, func(v *yaml.Node) {
			kinds++
			a.Action, a.at = MenuAnswer, at(v)
			a.Intent, _ = w.str(v, what+" answer")
		}},
		{"action", false, func(v *yaml.Node) {
			kinds++
			switch act := MenuAction(v.Value); act {
			case MenuHelp, MenuStaff, MenuEnd, MenuHours:
				a.Action = act
			default:
				w.addJA(v, fmt.Sprintf("%s action %q is not one of help, staff, end, hours (answer an intent with answer: ID, open a page with url:)", what, v.Value),
					fmt.Sprintf("%s の action %q は使えません。help, staff, end, hours のどれかです（回答は answer: ID、ページは url: で書きます）", what, v.Value))
			}
		}},
		{"url", false, func(v *yaml.Node) {
			kinds++
			a.Action, a.URL = MenuURL, w.httpsURL(v, what+" url")
		}},
	})
	if kinds != 1 && n.Kind == yaml.MappingNode {
		w.addJA(n, what+": write exactly one of answer (an intent id), action (help, staff, end, hours) and url",
			what+": answer（インテントID）、action（help, staff, end, hours）、url のうち、ちょうど1つを書いてください")
	}
	return a
}

// menuActions checks the actions against the menu they are in: staff,
// end and hours need the handoff; end belongs to the staff menu, staff to
// the main one.
func (w *walker) menuActions(areas []placedArea, what string, handoff, staffMenu bool) {
	for _, p := range areas {
		switch act := p.area.Action; {
		case (act == MenuStaff || act == MenuEnd || act == MenuHours) && !handoff:
			w.addJA(p.node, fmt.Sprintf("%s area action %s needs the handoff block (the staff and their hours)", what, act),
				fmt.Sprintf("%s の action %s には handoff の設定（スタッフと受付時間）が必要です", what, act))
		case act == MenuEnd && !staffMenu:
			w.addJA(p.node, what+" area action end ends a conversation with staff: put it in staff_menu",
				what+" の action end はスタッフとの会話を終えるボタンです。staff_menu に書いてください")
		case act == MenuStaff && staffMenu:
			w.addJA(p.node, what+" area action staff offers the staff to a user already talking with them; use end or hours",
				what+" の action staff は、すでにスタッフと会話中の人には不要です。end か hours を使ってください")
		}
	}
}

// checkRichMenu reports the areas whose intent does not exist, once the
// intents are known.
func checkRichMenu(rm RichMenu, byID map[string]*Intent) Problems {
	var ps Problems
	for _, m := range []Menu{rm.Main, rm.Staff} {
		for _, a := range m.Areas {
			if a.Action != MenuAnswer || a.Intent == "" || byID[a.Intent] != nil {
				continue
			}
			ids := keys(byID)
			ps = append(ps, Problem{File: rm.file, Line: a.at.line, Col: a.at.col,
				Msg:   fmt.Sprintf("rich_menu area answer: intent %q does not exist%s", a.Intent, suggest(a.Intent, ids)),
				MsgJA: fmt.Sprintf("rich_menu の answer: インテント %q がありません%s", a.Intent, suggest(a.Intent, ids))})
		}
	}
	return ps
}

// units is the length of s as LINE counts it, in UTF-16 units.
func units(s string) int { return len(utf16.Encode([]rune(s))) }
