package line

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// TestRichMenuReport: apply, apply again, show and remove write one line
// per menu and what happened to it; show and remove say so when LINE has
// none of madoguchi's menus.
func TestRichMenuReport(t *testing.T) {
	ctx := context.Background()
	fake := testkit.NewLINE(t)
	c := testClient(t, "token", fake.URL, 1)
	rm := shippedMenu(t)
	imgs := Images{Main: pngImage(t, 2500, 1686, blue), Staff: pngImage(t, 2500, 843, blue)}
	for _, step := range []struct {
		name string
		do   func(*bytes.Buffer) error
		want []string
	}{
		{"apply", func(w *bytes.Buffer) error { return c.WriteApply(ctx, w, rm, imgs) },
			[]string{"created  main  ja  richmenu-", "created  staff en  richmenu-", `2500x843  3 areas  "With the staff"`, "the Japanese main menu is now the default\n"}},
		{"apply again", func(w *bytes.Buffer) error { return c.WriteApply(ctx, w, rm, imgs) },
			[]string{"nothing changed: LINE has these rich menus already\nkept     main  ja", `"メニュー"  (default)`}},
		{"show", func(w *bytes.Buffer) error { return c.WriteShow(ctx, w) },
			[]string{"main  ja  richmenu-", `2500x1686  6 areas  "メニュー"  (default)`}},
		{"remove", func(w *bytes.Buffer) error { return c.WriteRemove(ctx, w) },
			[]string{"removed  main  ja  richmenu-", "removed  staff en  richmenu-"}},
		{"show none", func(w *bytes.Buffer) error { return c.WriteShow(ctx, w) },
			[]string{"no rich menus made by madoguchi in LINE\n"}},
		{"remove none", func(w *bytes.Buffer) error { return c.WriteRemove(ctx, w) },
			[]string{"no rich menus made by madoguchi in LINE\n"}},
	} {
		var out bytes.Buffer
		if err := step.do(&out); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		for _, want := range step.want {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%s: got\n%s\nwant %q in it", step.name, out.String(), want)
			}
		}
	}
}

// TestImageFilesRead: the images named are read, the others left empty,
// and a file that cannot be read is named by its flag.
func TestImageFilesRead(t *testing.T) {
	dir := t.TempDir()
	menu := filepath.Join(dir, "menu.png")
	if err := os.WriteFile(menu, []byte("png"), 0o644); err != nil {
		t.Fatal(err)
	}
	imgs, err := ImageFiles{Main: menu}.Read()
	if err != nil || string(imgs.Main) != "png" || imgs.MainEN != nil || imgs.Staff != nil || imgs.StaffEN != nil {
		t.Errorf("got %+v, %v; want only the main image", imgs, err)
	}
	_, err = ImageFiles{Main: menu, StaffEN: filepath.Join(dir, "missing.png")}.Read()
	if err == nil || !strings.HasPrefix(err.Error(), "--staff-image-en: ") {
		t.Errorf("got %v, want an error naming --staff-image-en", err)
	}
}
