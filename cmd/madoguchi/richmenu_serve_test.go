package main

import (
	"strings"
	"testing"
)

// TestHandoffRichMenu: with the rich menus applied, serve shows a user the
// staff menu while they talk with staff and the default menu again when
// they end the conversation.
func TestHandoffRichMenu(t *testing.T) {
	r := newHandoffRig(t, 1, "", monday10)
	env := map[string]string{"LINE_CHANNEL_SECRET": "secret", "LINE_CHANNEL_TOKEN": "token", "LINE_API_ENDPOINT": r.line.URL, "MADOGUCHI_INTENTS": intentsDir}
	menu, staff := writePNG(t, "menu.png", 2500, 1686), writePNG(t, "staff.png", 2500, 843)
	if out, errOut, code := runEnv(t, env, "line", "richmenu", "apply", "--image", menu, "--staff-image", staff); code != 0 {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errOut)
	}
	staffJA := ""
	for _, m := range r.line.RichMenus() {
		if name, _ := m.Object["name"].(string); strings.HasPrefix(name, "madoguchi staff ja ") {
			staffJA = m.ID
		}
	}
	if staffJA == "" {
		t.Fatal("apply made no Japanese staff menu")
	}
	r.open(t, 0)
	if got := r.line.RichMenuOf(testUser); got != staffJA {
		t.Errorf("with staff: the user has menu %q, want the staff menu %q", got, staffJA)
	}
	r.user(t, 0, textEvent("h-end", "rt-end", "終了"))
	if got := r.line.RichMenuOf(testUser); got != "" {
		t.Errorf("after the end: the user has menu %q, want the default", got)
	}
}
