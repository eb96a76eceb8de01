package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// writePNG writes a w x h PNG of one colour and returns its path.
func writePNG(t *testing.T, name string, w, h int) string {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.RGBA{0x1e, 0x5a, 0xa0, 0xff}})); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestLineRichMenu runs `line richmenu` apply, apply again, show and
// remove against the fake LINE, as the README's steps do.
func TestLineRichMenu(t *testing.T) {
	t.Parallel()
	fake := testkit.NewLINE(t)
	env := map[string]string{"LINE_CHANNEL_SECRET": "secret", "LINE_CHANNEL_TOKEN": "token", "LINE_API_ENDPOINT": fake.URL, "MADOGUCHI_INTENTS": intentsDir}
	menu, staff := writePNG(t, "menu.png", 2500, 1686), writePNG(t, "staff.png", 2500, 843)
	steps := []struct {
		name  string
		args  []string
		code  int
		want  []string
		menus int
	}{
		{"apply", []string{"line", "richmenu", "apply", "--image", menu, "--staff-image", staff}, 0,
			[]string{"created  main  ja", "created  main  en", "created  staff ja", "created  staff en", "the Japanese main menu is now the default"}, 4},
		{"apply again", []string{"line", "richmenu", "apply", "--image", menu, "--staff-image", staff}, 0,
			[]string{"nothing changed", "kept     main  ja", "(default)"}, 4},
		{"show", []string{"line", "richmenu", "show"}, 0, []string{`main  ja  richmenu-`, `2500x1686  6 areas  "メニュー"  (default)`, `staff en  richmenu-`, `2500x843  3 areas  "With the staff"`}, 4},
		{"wrong image", []string{"line", "richmenu", "apply", "--image", staff, "--staff-image", staff}, 1,
			[]string{"the image is 2500x843 pixels, the shape of a one-row menu, but the grid has two rows"}, 4},
		{"no image", []string{"line", "richmenu", "apply"}, 2, []string{"richmenu apply needs --image menu.png"}, 4},
		{"unknown action", []string{"line", "richmenu", "update"}, 2, []string{`unknown richmenu action "update"`}, 4},
		{"remove", []string{"line", "richmenu", "remove"}, 0, []string{"removed  main  ja", "removed  staff en"}, 0},
		{"show none", []string{"line", "richmenu", "show"}, 0, []string{"no rich menus made by madoguchi in LINE"}, 0},
	}
	for _, s := range steps {
		out, errOut, code := runEnv(t, env, s.args...)
		for _, want := range s.want {
			if code != s.code || !strings.Contains(out+errOut, want) {
				t.Errorf("%s: exit %d, want %d and %q in:\n%s%s", s.name, code, s.code, want, out, errOut)
			}
		}
		if got := len(fake.RichMenus()); got != s.menus {
			t.Errorf("%s: LINE has %d menus, want %d", s.name, got, s.menus)
		}
	}
	if _, errOut, code := runEnv(t, map[string]string{"MADOGUCHI_INTENTS": intentsDir}, "line", "richmenu", "show"); code != 1 || !strings.Contains(errOut, "LINE_CHANNEL_TOKEN are not set") {
		t.Errorf("without LINE's secrets: exit %d, %q; want 1 and what to set", code, errOut)
	}
}
