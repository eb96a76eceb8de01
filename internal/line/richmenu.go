package line

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	_ "image/jpeg" // rich menu images are JPEG or PNG
	_ "image/png"
	"strings"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/handoff"
)

// The rich menus madoguchi makes from the settings' rich_menu block: the
// main menu and, when configured, the menu shown while a user talks with
// staff, each in Japanese and English. LINE shows one menu per user: the
// Japanese main menu is the channel's default (LINE does not say which
// language a new friend reads, and the office's users are mostly
// Japanese); a user whose messages are in English is linked to the
// English one, and a user talking with staff to the staff menu in their
// language.

// Rich menu kinds.
const (
	menuMain  = "main"
	menuStaff = "staff"
)

// menuPrefix starts the name of every rich menu madoguchi makes, so that
// it never touches a menu the office made by other means.
const menuPrefix = "madoguchi "

// Postback data of the rich menu's own actions (the others are an
// intent's postbackData and the handoff's), followed by langSep and the
// menu's language.
const (
	postbackMenuHelp  = "madoguchi:menu:help"
	postbackMenuHours = "madoguchi:menu:hours"
)

// Limits of a rich menu image (LINE's Messaging API reference, "Upload
// rich menu image"): JPEG or PNG, 800 to 2500 pixels wide, at least 250
// high, at least 1.45 times as wide as high, at most 1 MB. 2500x1686 and
// 2500x843 are the sizes LINE's own templates use.
const (
	MaxImageBytes  = 1 << 20
	minImageWidth  = 800
	maxImageWidth  = 2500
	minImageHeight = 250
	minImageRatio  = 1.45
	// halfRatio separates a one-row menu's image (2500x843: 2.97 times
	// as wide as high) from a two-row one's (2500x1686: 1.48).
	halfRatio = 2.2
)

// Image is a rich menu image checked against LINE's limits.
type Image struct {
	Data          []byte
	ContentType   string // image/png or image/jpeg, from the content
	Width, Height int
}

// CheckImage checks that data is a PNG or JPEG image LINE takes for a
// menu of rows rows of areas, and returns it with its content type and
// size. The error says what is wrong in words an admin can act on.
func CheckImage(data []byte, rows int) (Image, error) {
	if len(data) > MaxImageBytes {
		return Image{}, fmt.Errorf("the image is %d bytes; LINE takes at most 1 MB (%d bytes): save it with more compression or fewer colours", len(data), MaxImageBytes)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || (format != "png" && format != "jpeg") {
		return Image{}, fmt.Errorf("the image is not a PNG or JPEG file; LINE takes only those")
	}
	img := Image{Data: data, ContentType: "image/" + format, Width: cfg.Width, Height: cfg.Height}
	w, h := cfg.Width, cfg.Height
	switch ratio := float64(w) / float64(h); {
	case w < minImageWidth || w > maxImageWidth || h < minImageHeight || ratio < minImageRatio:
		return Image{}, fmt.Errorf("the image is %dx%d pixels; LINE takes 800 to 2500 pixels wide, at least 250 high and at least 1.45 times as wide as high: use 2500x1686 for two rows of areas or 2500x843 for one", w, h)
	case rows == 2 && ratio >= halfRatio:
		return Image{}, fmt.Errorf("the image is %dx%d pixels, the shape of a one-row menu, but the grid has two rows: use a 2500x1686 image, or grid 1x3", w, h)
	case rows == 1 && ratio < halfRatio:
		return Image{}, fmt.Errorf("the image is %dx%d pixels, the shape of a two-row menu, but the grid has one row: use a 2500x843 image, or grid 2x3", w, h)
	}
	return img, nil
}

// menuObject is the rich menu object for menu m in lang on an image of
// width x height, without its name.
func menuObject(m catalogue.Menu, lang catalogue.Lang, width, height int) messaging_api.RichMenuRequest {
	req := messaging_api.RichMenuRequest{
		Size: &messaging_api.RichMenuSize{Width: int64(width), Height: int64(height)},
		// Open when the chat opens: the menu is what the user came for.
		Selected:    true,
		ChatBarText: m.ChatBar.In(lang),
	}
	for i, a := range m.Areas {
		row, col := i/m.Cols, i%m.Cols
		// Integer edges, so the areas tile the image with no gap.
		x0, x1 := col*width/m.Cols, (col+1)*width/m.Cols
		y0, y1 := row*height/m.Rows, (row+1)*height/m.Rows
		req.Areas = append(req.Areas, messaging_api.RichMenuArea{
			Bounds: &messaging_api.RichMenuBounds{X: int64(x0), Y: int64(y0), Width: int64(x1 - x0), Height: int64(y1 - y0)},
			Action: menuAction(a, lang),
		})
	}
	return req
}

// menuAction is what tapping area a does: a postback the adapter
// answers, or a page opened.
func menuAction(a catalogue.MenuArea, lang catalogue.Lang) messaging_api.ActionInterface {
	label := a.Label.In(lang)
	var data string
	switch a.Action {
	case catalogue.MenuURL:
		return &messaging_api.UriAction{Label: label, Uri: a.URL}
	case catalogue.MenuAnswer:
		data = postbackData(a.Intent, lang)
	case catalogue.MenuHelp:
		data = postbackMenuHelp + langSep + string(lang)
	case catalogue.MenuHours:
		data = postbackMenuHours + langSep + string(lang)
	case catalogue.MenuStaff:
		data = handoff.PostbackConsent + langSep + string(lang)
	case catalogue.MenuEnd:
		data = handoff.PostbackEnd + langSep + string(lang)
	}
	// The label shows in the chat as what the user sent.
	return &messaging_api.PostbackAction{Label: label, Data: data, DisplayText: label}
}

// wantedMenu is one rich menu the settings ask for, named by its kind,
// language and a hash of its object and image: a menu of that name in
// LINE is this menu, unchanged.
type wantedMenu struct {
	kind string
	lang catalogue.Lang
	req  messaging_api.RichMenuRequest
	img  Image
}

// name is the menu's name in LINE: "madoguchi main ja 0123456789abcdef".
func (w wantedMenu) name() string {
	obj, _ := json.Marshal(&w.req) // the SDK's types always encode
	h := sha256.New()
	h.Write(obj)
	h.Write([]byte{0})
	h.Write(w.img.Data)
	return fmt.Sprintf("%s%s %s %s", menuPrefix, w.kind, w.lang, hex.EncodeToString(h.Sum(nil))[:16])
}

// menuName reads a name menuName wrote: kind and language; ok is false for
// a menu madoguchi did not make.
func menuName(name string) (kind string, lang catalogue.Lang, ok bool) {
	f := strings.Fields(strings.TrimPrefix(name, menuPrefix))
	if !strings.HasPrefix(name, menuPrefix) || len(f) != 3 {
		return "", "", false
	}
	return f[0], catalogue.Lang(f[1]), true
}

// Images are the pictures of the rich menus: Main and Staff, and their
// English versions (nil: the same picture as the Japanese one, for an
// image that names its buttons in both languages).
type Images struct {
	Main, MainEN, Staff, StaffEN []byte
}

// wanted is every menu the settings ask for, with its checked image.
func wanted(rm catalogue.RichMenu, imgs Images) ([]wantedMenu, error) {
	if !rm.Configured {
		return nil, fmt.Errorf("the settings have no rich_menu block")
	}
	var out []wantedMenu
	add := func(kind, flag string, m catalogue.Menu, ja, en []byte) error {
		if en == nil {
			en = ja
		}
		for _, l := range catalogue.Langs {
			data := ja
			if l == catalogue.English {
				data = en
			}
			img, err := CheckImage(data, m.Rows)
			if err != nil {
				return fmt.Errorf("%s image: %w", flag, err)
			}
			out = append(out, wantedMenu{kind: kind, lang: l, req: menuObject(m, l, img.Width, img.Height), img: img})
		}
		return nil
	}
	if imgs.Main == nil {
		return nil, fmt.Errorf("no image for the rich menu")
	}
	if err := add(menuMain, "menu", rm.Main, imgs.Main, imgs.MainEN); err != nil {
		return nil, err
	}
	switch {
	case len(rm.Staff.Areas) > 0 && imgs.Staff == nil:
		return nil, fmt.Errorf("the settings have a staff_menu: give its image too")
	case len(rm.Staff.Areas) == 0 && imgs.Staff != nil:
		return nil, fmt.Errorf("a staff menu image was given, but the settings have no staff_menu")
	case imgs.Staff != nil:
		if err := add(menuStaff, "staff menu", rm.Staff, imgs.Staff, imgs.StaffEN); err != nil {
			return nil, err
		}
	}
	return out, nil
}
