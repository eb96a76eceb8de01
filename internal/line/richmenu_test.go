package line

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// pngImage is a w x h PNG of one colour: a 2500x1686 one is a few kB.
func pngImage(tb testing.TB, w, h int, c color.Color) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{c})); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

var (
	blue  = color.RGBA{0x1e, 0x5a, 0xa0, 0xff}
	green = color.RGBA{0x2e, 0x8b, 0x57, 0xff}
)

func TestCheckImage(t *testing.T) {
	var jpg, gf bytes.Buffer
	if err := jpeg.Encode(&jpg, image.NewGray(image.Rect(0, 0, 1200, 405)), nil); err != nil {
		t.Fatal(err)
	}
	if err := gif.Encode(&gf, image.NewPaletted(image.Rect(0, 0, 2500, 843), color.Palette{blue}), nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		data     []byte
		rows     int
		wantType string
		wantErr  string
	}{
		{"full", pngImage(t, 2500, 1686, blue), 2, "image/png", ""},
		{"half", pngImage(t, 2500, 843, blue), 1, "image/png", ""},
		{"small full", pngImage(t, 800, 540, blue), 2, "image/png", ""},
		{"jpeg half", jpg.Bytes(), 1, "image/jpeg", ""},
		{"gif", gf.Bytes(), 1, "", "not a PNG or JPEG"},
		{"text", []byte("not an image at all"), 1, "", "not a PNG or JPEG"},
		{"too narrow", pngImage(t, 700, 300, blue), 1, "", "700x300 pixels; LINE takes 800 to 2500 pixels wide"},
		{"too wide", pngImage(t, 2600, 900, blue), 1, "", "2600x900 pixels; LINE takes"},
		{"too tall", pngImage(t, 1000, 800, blue), 2, "", "1000x800 pixels; LINE takes"},
		{"half for two rows", pngImage(t, 2500, 843, blue), 2, "", "the shape of a one-row menu, but the grid has two rows"},
		{"full for one row", pngImage(t, 2500, 1686, blue), 1, "", "the shape of a two-row menu, but the grid has one row"},
		{"over 1 MB", append(pngImage(t, 2500, 843, blue), make([]byte, MaxImageBytes)...), 1, "", "LINE takes at most 1 MB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, err := CheckImage(tt.data, tt.rows)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("got error %v, want none", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("got error %v, want one containing %q", err, tt.wantErr)
			}
			if img.ContentType != tt.wantType {
				t.Errorf("got content type %q, want %q", img.ContentType, tt.wantType)
			}
		})
	}
}

// Documented limits of a rich menu not in the OpenAPI file
// (https://developers.line.biz/en/reference/messaging-api/#rich-menu-object),
// in UTF-16 units.
const (
	docMaxMenuAreas   = 20
	docMaxMenuLabel   = 20
	docMaxMenuName    = 300
	docMaxMenuChatBar = 14
)

// operation finds the OpenAPI operation for method and path (its
// template's parameters matching any one segment).
func operation(spec *openapi3.T, method, path string) *openapi3.Operation {
	segs := strings.Split(path, "/")
	for tmpl, item := range spec.Paths.Map() {
		op := item.GetOperation(method)
		ts := strings.Split(tmpl, "/")
		if op == nil || len(ts) != len(segs) {
			continue
		}
		match := true
		for i, s := range ts {
			match = match && (s == segs[i] || strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}"))
		}
		if match {
			return op
		}
	}
	return nil
}

// checkCalls validates every call the fake LINE received against the
// OpenAPI file: the operation exists, a JSON body fits the operation's
// schema, and a rich menu object or image keeps LINE's documented limits.
func checkCalls(spec *openapi3.T, calls []testkit.LINECall) []string {
	var bad []string
	errorf := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }
	for _, c := range calls {
		where := c.Method + " " + c.Path
		op := operation(spec, c.Method, c.Path)
		if op == nil {
			errorf("%s: no such operation in LINE's OpenAPI file", where)
			continue
		}
		if c.Method != http.MethodPost || len(c.Raw) == 0 {
			continue
		}
		ct := c.Header.Get("Content-Type")
		if strings.HasSuffix(c.Path, "/content") {
			// The image upload: the schema says only "binary".
			if sniffed := http.DetectContentType(c.Raw); ct != sniffed || (ct != "image/png" && ct != "image/jpeg") {
				errorf("%s: Content-Type %q, content sniffed as %q; LINE takes image/png or image/jpeg, as sent", where, ct, sniffed)
			}
			if len(c.Raw) > MaxImageBytes {
				errorf("%s: an image of %d bytes; LINE takes 1 MB", where, len(c.Raw))
			}
			continue
		}
		if op.RequestBody == nil || op.RequestBody.Value.Content.Get("application/json") == nil {
			errorf("%s: a JSON body where LINE takes none", where)
			continue
		}
		var v any
		if err := json.Unmarshal(c.Raw, &v); err != nil {
			errorf("%s: %v", where, err)
			continue
		}
		if err := op.RequestBody.Value.Content.Get("application/json").Schema.Value.VisitJSON(v, openapi3.MultiErrors()); err != nil {
			errorf("%s: %v", where, err)
		}
		if c.Path == testkit.LINERichMenuPath {
			for _, p := range checkMenuLimits(c.Raw) {
				errorf("%s: %s", where, p)
			}
		}
	}
	return bad
}

// checkMenuLimits checks a rich menu object against LINE's documented
// limits: name and chat bar text, at most 20 areas that tile the image
// exactly, labels, postback data, display texts and URIs.
func checkMenuLimits(raw []byte) []string {
	var m struct {
		Size        struct{ Width, Height int }
		Name        string
		ChatBarText string
		Areas       []struct {
			Bounds struct{ X, Y, Width, Height int }
			Action map[string]any
		}
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return []string{err.Error()}
	}
	var bad []string
	addf := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }
	if n := units(m.Name); n == 0 || n > docMaxMenuName {
		addf("name of %d units; LINE takes 1 to %d", n, docMaxMenuName)
	}
	if n := units(m.ChatBarText); n == 0 || n > docMaxMenuChatBar {
		addf("chatBarText of %d units; LINE takes 1 to %d", n, docMaxMenuChatBar)
	}
	if len(m.Areas) == 0 || len(m.Areas) > docMaxMenuAreas {
		addf("%d areas; LINE takes 1 to %d", len(m.Areas), docMaxMenuAreas)
	}
	covered := 0
	for i, a := range m.Areas {
		b := a.Bounds
		if b.X < 0 || b.Y < 0 || b.Width <= 0 || b.Height <= 0 || b.X+b.Width > m.Size.Width || b.Y+b.Height > m.Size.Height {
			addf("area %d: bounds %+v outside the %dx%d image", i, b, m.Size.Width, m.Size.Height)
		}
		covered += b.Width * b.Height
		label, _ := a.Action["label"].(string)
		if n := units(label); n == 0 || n > docMaxMenuLabel {
			addf("area %d: label of %d units; LINE takes 1 to %d", i, n, docMaxMenuLabel)
		}
		switch a.Action["type"] {
		case "postback":
			data, _ := a.Action["data"].(string)
			display, _ := a.Action["displayText"].(string)
			if n := units(data); n == 0 || n > docMaxPostbackData {
				addf("area %d: data of %d units; LINE takes 1 to %d", i, n, docMaxPostbackData)
			}
			if n := units(display); n > docMaxDisplayText {
				addf("area %d: displayText of %d units; LINE takes %d", i, n, docMaxDisplayText)
			}
		case "uri":
			uri, _ := a.Action["uri"].(string)
			bad = append(bad, checkURI(fmt.Sprintf("area %d", i), uri)...)
		default:
			addf("area %d: an action of type %v", i, a.Action["type"])
		}
	}
	// Areas inside the image covering all of it cover it without overlap.
	if covered != m.Size.Width*m.Size.Height {
		addf("the areas cover %d pixels of %d: they leave gaps or overlap", covered, m.Size.Width*m.Size.Height)
	}
	return bad
}

// shippedMenu is the shipped settings' rich menu.
func shippedMenu(t testing.TB) catalogue.RichMenu {
	t.Helper()
	cat, err := catalogue.Load("../../intents")
	if err != nil {
		t.Fatal(err)
	}
	if !cat.Settings.RichMenu.Configured {
		t.Fatal("the shipped settings have no rich_menu block")
	}
	return cat.Settings.RichMenu
}

// writes are the calls that change something in LINE.
func writes(calls []testkit.LINECall) []string {
	var out []string
	for _, c := range calls {
		if c.Method != http.MethodGet {
			out = append(out, c.Method+" "+c.Path)
		}
	}
	return out
}

// TestRichMenuApply: apply makes the four menus of the shipped settings
// (main and staff, Japanese and English) with their images and sets the
// default; applying again writes nothing; a changed label replaces the
// main menus only; remove takes madoguchi's menus out and leaves the
// office's own. Every call is checked against LINE's OpenAPI file.
func TestRichMenuApply(t *testing.T) {
	ctx := context.Background()
	spec := lineSpec(t)
	fake := testkit.NewLINE(t)
	c := testClient(t, "token", fake.URL, 1)
	rm := shippedMenu(t)
	imgs := Images{Main: pngImage(t, 2500, 1686, blue), Staff: pngImage(t, 2500, 843, blue)}
	office := fake.AddRichMenu(map[string]any{"name": "campaign", "chatBarText": "Campaign"})

	got, err := c.ApplyRichMenus(ctx, rm, imgs)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Created) != 4 || len(got.Kept) != 0 || len(got.Deleted) != 0 || !got.SetDefault {
		t.Fatalf("first apply: got %d created, %d kept, %d deleted, default set %v; want 4, 0, 0, true", len(got.Created), len(got.Kept), len(got.Deleted), got.SetDefault)
	}
	menus := map[string]testkit.FakeRichMenu{}
	for _, m := range fake.RichMenus() {
		menus[m.ID] = m
	}
	for i, want := range []struct {
		kind   string
		lang   catalogue.Lang
		height int
	}{{"main", "ja", 1686}, {"main", "en", 1686}, {"staff", "ja", 843}, {"staff", "en", 843}} {
		info := got.Created[i]
		m := menus[info.ID]
		if info.Kind != want.kind || info.Lang != want.lang || info.Height != want.height || m.ContentType != "image/png" || m.Image == nil {
			t.Errorf("menu %d: got %s %s %dpx high, image %q; want %s %s %dpx, image/png", i, info.Kind, info.Lang, info.Height, m.ContentType, want.kind, want.lang, want.height)
		}
	}
	if def := fake.DefaultRichMenu(); def != got.Created[0].ID {
		t.Errorf("got default %q, want the Japanese main menu %q", def, got.Created[0].ID)
	}
	noProblems(t, checkCalls(spec, fake.Calls("")))

	// Nothing changed: nothing is written.
	before := len(fake.Calls(""))
	again, err := c.ApplyRichMenus(ctx, rm, imgs)
	if err != nil {
		t.Fatal(err)
	}
	if w := writes(fake.Calls("")[before:]); again.Writes() || len(w) > 0 || len(again.Kept) != 4 {
		t.Errorf("second apply: kept %d, wrote %v; want 4 kept, no writes", len(again.Kept), w)
	}

	// New labels change the main menus; the staff menus stay.
	changed := rm
	changed.Main.Areas = append([]catalogue.MenuArea(nil), rm.Main.Areas...)
	changed.Main.Areas[0].Label = catalogue.Text{JA: "ヘルプ", EN: "Help"}
	third, err := c.ApplyRichMenus(ctx, changed, imgs)
	if err != nil {
		t.Fatal(err)
	}
	if len(third.Created) != 2 || len(third.Kept) != 2 || len(third.Deleted) != 2 || !third.SetDefault ||
		third.Deleted[0].ID != got.Created[0].ID || third.Kept[0].Kind != "staff" {
		t.Errorf("changed label: got %+v; want the two main menus replaced, the staff ones kept", third)
	}
	// A new image alone changes its menus too.
	fourth, err := c.ApplyRichMenus(ctx, changed, Images{Main: imgs.Main, Staff: imgs.Staff, StaffEN: pngImage(t, 2500, 843, green)})
	if err != nil {
		t.Fatal(err)
	}
	if len(fourth.Created) != 1 || fourth.Created[0].Kind != "staff" || fourth.Created[0].Lang != catalogue.English || fourth.SetDefault {
		t.Errorf("new English staff image: got %+v; want only that menu made again", fourth)
	}
	noProblems(t, checkCalls(spec, fake.Calls("")[before:]))

	removed, err := c.RemoveRichMenus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	left := fake.RichMenus()
	if len(removed) != 4 || len(left) != 1 || left[0].ID != office || fake.DefaultRichMenu() != "" {
		t.Errorf("remove: removed %d, left %d (%v), default %q; want 4 removed, the office's own left, no default", len(removed), len(left), left, fake.DefaultRichMenu())
	}
	noProblems(t, checkCalls(spec, fake.Calls("")))
}

// TestRichMenuApplyKeepsOthersDefault: apply replaces a default menu the
// office made by other means (it is madoguchi's to show) but does not
// delete that menu.
func TestRichMenuApplyKeepsOthersDefault(t *testing.T) {
	fake := testkit.NewLINE(t)
	c := testClient(t, "token", fake.URL, 1)
	office := fake.AddRichMenu(map[string]any{"name": "campaign"})
	fake.SetDefaultRichMenu(office)
	got, err := c.ApplyRichMenus(context.Background(), shippedMenu(t), Images{Main: pngImage(t, 2500, 1686, blue), Staff: pngImage(t, 2500, 843, blue)})
	if err != nil {
		t.Fatal(err)
	}
	if fake.DefaultRichMenu() != got.Created[0].ID || len(fake.RichMenus()) != 5 {
		t.Errorf("got default %q and %d menus; want %q and 5 (the office's kept)", fake.DefaultRichMenu(), len(fake.RichMenus()), got.Created[0].ID)
	}
}

// TestRichMenuApplyRefusals: wrong images and a failed upload leave LINE
// as it was.
func TestRichMenuApplyRefusals(t *testing.T) {
	rm := shippedMenu(t)
	full, half := pngImage(t, 2500, 1686, blue), pngImage(t, 2500, 843, blue)
	for _, tt := range []struct {
		name    string
		imgs    Images
		wantErr string
	}{
		{"half image for the 2x3 menu", Images{Main: half, Staff: half}, "menu image: the image is 2500x843 pixels, the shape of a one-row menu"},
		{"small English image", Images{Main: full, MainEN: pngImage(t, 600, 300, blue), Staff: half}, "menu image: the image is 600x300 pixels"},
		{"no staff image", Images{Main: full}, "the settings have a staff_menu: give its image too"},
		{"no image", Images{}, "no image for the rich menu"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fake := testkit.NewLINE(t)
			_, err := testClient(t, "token", fake.URL, 1).ApplyRichMenus(context.Background(), rm, tt.imgs)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("got error %v, want one containing %q", err, tt.wantErr)
			}
			if n := len(fake.Calls("")); n != 0 {
				t.Errorf("got %d calls to LINE, want none before the images are checked", n)
			}
		})
	}
	t.Run("upload refused", func(t *testing.T) {
		fake := testkit.NewLINE(t)
		fake.Answer(fmt.Sprintf("/v2/bot/richmenu/richmenu-%032d/content", 1), http.StatusBadRequest)
		_, err := testClient(t, "token", fake.URL, 1).ApplyRichMenus(context.Background(), rm, Images{Main: full, Staff: half})
		if err == nil || !strings.Contains(err.Error(), "LINE upload rich menu image: status 400") {
			t.Fatalf("got error %v, want the upload's 400", err)
		}
		if left := fake.RichMenus(); len(left) != 0 || fake.DefaultRichMenu() != "" {
			t.Errorf("got %d menus left, default %q; want the half-made menu deleted, no default", len(left), fake.DefaultRichMenu())
		}
	})
}

func noProblems(t *testing.T, problems []string) {
	t.Helper()
	for _, p := range problems {
		t.Error(p)
	}
}

// TestRichMenuConformanceCatches shows the checks fail on what LINE
// refuses: an unknown operation, an image sent with the wrong type, and a
// menu past each limit.
func TestRichMenuConformanceCatches(t *testing.T) {
	spec := lineSpec(t)
	long := strings.Repeat("あ", 21)
	area := func(x, w int, label string) map[string]any {
		return map[string]any{"bounds": map[string]any{"x": x, "y": 0, "width": w, "height": 843},
			"action": map[string]any{"type": "postback", "label": label, "data": "intent=help&lang=ja"}}
	}
	menu, _ := json.Marshal(map[string]any{"size": map[string]any{"width": 2500, "height": 843}, "selected": true,
		"name": "madoguchi main ja 0", "chatBarText": "メニューを開いて閉じるボタンです",
		"areas": []any{area(0, 1200, "ok"), area(1250, 1250, long), map[string]any{"bounds": map[string]any{"x": 0, "y": 0, "width": 10, "height": 10}, "action": map[string]any{"type": "sideways"}}}})
	calls := []testkit.LINECall{
		{Method: http.MethodPut, Path: "/v2/bot/richmenu/list"},
		{Method: http.MethodPost, Path: "/v2/bot/richmenu/richmenu-1/content", Header: http.Header{"Content-Type": {"image/jpeg"}}, Raw: pngImage(t, 2500, 843, blue)},
		{Method: http.MethodPost, Path: testkit.LINERichMenuPath, Header: http.Header{"Content-Type": {"application/json"}}, Raw: menu},
	}
	got := strings.Join(checkCalls(spec, calls), "\n")
	for _, want := range []string{
		"PUT /v2/bot/richmenu/list: no such operation",
		`Content-Type "image/jpeg", content sniffed as "image/png"`,
		"chatBarText of 16 units", "area 1: label of 21 units", "area 2: an action of type sideways",
		"the areas cover", "sideways",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the checks missed %q; they reported:\n%s", want, got)
		}
	}
}
