package testkit

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// The rich menu paths of the fake LINE API, as LINE answers them: menus
// are created, get one image (JPEG or PNG, once), and only a menu with
// its image can be the default or linked to a user; deleting a menu
// removes it as the default and from the users linked to it. The api-data
// host's upload is served on the same server.
const (
	LINERichMenuPath        = "/v2/bot/richmenu"
	LINERichMenuListPath    = "/v2/bot/richmenu/list"
	LINEDefaultRichMenuPath = "/v2/bot/user/all/richmenu"
)

// FakeRichMenu is a rich menu the fake LINE holds.
type FakeRichMenu struct {
	ID          string
	Object      map[string]any // the rich menu object as created
	Image       []byte
	ContentType string
}

// fakeRichMenus is the fake's rich menu state; LINE.mu guards it.
type fakeRichMenus struct {
	menus map[string]*FakeRichMenu
	n     int
	def   string
	links map[string]string // user id → menu id
}

func isRichMenuPath(path string) bool {
	return strings.HasPrefix(path, LINERichMenuPath) || strings.HasPrefix(path, "/v2/bot/user/")
}

// serve answers a rich menu call LINE would accept: its status and JSON.
func (f *fakeRichMenus) serve(c LINECall) (int, string) {
	parts := strings.Split(strings.TrimPrefix(c.Path, "/v2/bot/"), "/")
	notFound := func(what string) (int, string) {
		return http.StatusNotFound, fmt.Sprintf(`{"message":"%s not found"}`, what)
	}
	menu := func(id string) *FakeRichMenu { return f.menus[id] }
	switch {
	case c.Method == http.MethodPost && c.Path == LINERichMenuPath:
		f.n++
		id := fmt.Sprintf("richmenu-%032d", f.n)
		f.menus[id] = &FakeRichMenu{ID: id, Object: c.Body}
		return http.StatusOK, fmt.Sprintf(`{"richMenuId":%q}`, id)
	case c.Method == http.MethodGet && c.Path == LINERichMenuListPath:
		list := []map[string]any{}
		for _, m := range f.sorted() {
			o := map[string]any{"richMenuId": m.ID}
			for k, v := range m.Object {
				o[k] = v
			}
			list = append(list, o)
		}
		data, _ := json.Marshal(map[string]any{"richmenus": list})
		return http.StatusOK, string(data)
	case len(parts) == 2 && parts[0] == "richmenu" && c.Method == http.MethodDelete:
		if menu(parts[1]) == nil {
			return notFound("rich menu")
		}
		delete(f.menus, parts[1])
		if f.def == parts[1] {
			f.def = ""
		}
		for u, id := range f.links {
			if id == parts[1] {
				delete(f.links, u)
			}
		}
		return http.StatusOK, "{}"
	case len(parts) == 3 && parts[0] == "richmenu" && parts[2] == "content" && c.Method == http.MethodPost:
		m := menu(parts[1])
		ct := c.Header.Get("Content-Type")
		switch {
		case m == nil:
			return notFound("rich menu")
		case m.Image != nil:
			return http.StatusBadRequest, `{"message":"An image has already been uploaded to the richmenu"}`
		case ct != "image/png" && ct != "image/jpeg":
			return http.StatusUnsupportedMediaType, `{"message":"Unsupported media type"}`
		}
		m.Image, m.ContentType = c.Raw, ct
		return http.StatusOK, "{}"
	case c.Path == LINEDefaultRichMenuPath && c.Method == http.MethodGet:
		if f.def == "" {
			return notFound("default rich menu")
		}
		return http.StatusOK, fmt.Sprintf(`{"richMenuId":%q}`, f.def)
	case c.Path == LINEDefaultRichMenuPath && c.Method == http.MethodDelete:
		f.def = ""
		return http.StatusOK, "{}"
	case len(parts) == 4 && parts[0] == "user" && parts[2] == "richmenu" && c.Method == http.MethodPost:
		m := menu(parts[3])
		switch {
		case m == nil:
			return notFound("rich menu")
		case m.Image == nil:
			return http.StatusBadRequest, `{"message":"must upload richmenu image before applying it to user"}`
		}
		if parts[1] == "all" {
			f.def = m.ID
		} else {
			f.links[parts[1]] = m.ID
		}
		return http.StatusOK, "{}"
	case len(parts) == 3 && parts[0] == "user" && parts[2] == "richmenu" && c.Method == http.MethodDelete:
		delete(f.links, parts[1])
		return http.StatusOK, "{}"
	}
	return http.StatusNotFound, fmt.Sprintf(`{"message":"the fake LINE has no %s %s"}`, c.Method, c.Path)
}

func (f *fakeRichMenus) sorted() []*FakeRichMenu {
	out := make([]*FakeRichMenu, 0, len(f.menus))
	for _, m := range f.menus {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// RichMenus returns the rich menus the fake holds, oldest first.
func (f *LINE) RichMenus() []FakeRichMenu {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []FakeRichMenu
	for _, m := range f.richMenus.sorted() {
		out = append(out, *m)
	}
	return out
}

// DefaultRichMenu returns the id of the default rich menu ("" for none).
func (f *LINE) DefaultRichMenu() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.richMenus.def
}

// RichMenuOf returns the id of the rich menu linked to user ("" when the
// user sees the default).
func (f *LINE) RichMenuOf(user string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.richMenus.links[user]
}

// AddRichMenu puts a rich menu with an image in the fake, as one made
// by other means than madoguchi, and returns its id.
func (f *LINE) AddRichMenu(object map[string]any) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.richMenus.n++
	id := fmt.Sprintf("richmenu-%032d", f.richMenus.n)
	f.richMenus.menus[id] = &FakeRichMenu{ID: id, Object: object, Image: []byte("image"), ContentType: "image/png"}
	return id
}

// SetDefaultRichMenu makes id the default rich menu, as the office may
// have done by other means.
func (f *LINE) SetDefaultRichMenu(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.richMenus.def = id
}
