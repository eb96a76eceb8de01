package line

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// RichMenuInfo is one of madoguchi's rich menus in LINE.
type RichMenuInfo struct {
	ID, Name      string
	Kind          string // main or staff
	Lang          catalogue.Lang
	Width, Height int
	Areas         int
	ChatBar       string
	Default       bool // the channel's default menu
}

// Applied says what ApplyRichMenus did: the menus it created, those it
// found unchanged, those it deleted (replaced), and whether it set the
// default menu.
type Applied struct {
	Created, Kept, Deleted []RichMenuInfo
	SetDefault             bool
}

// Writes reports whether anything in LINE was changed.
func (a Applied) Writes() bool {
	return len(a.Created) > 0 || len(a.Deleted) > 0 || a.SetDefault
}

// ApplyRichMenus makes LINE's rich menus what the settings ask for, with
// the given images: it creates each menu that changed (a new object or a
// new image: its name's hash differs), uploads its image, makes the
// Japanese main menu the default, and then deletes the menus madoguchi
// made before that the new ones replace. A menu LINE already has under
// the same name is kept: a second run with nothing changed only reads.
// A menu whose image did not upload is deleted again, so no half-made
// menu is left behind.
func (c *Client) ApplyRichMenus(ctx context.Context, rm catalogue.RichMenu, imgs Images) (Applied, error) {
	want, err := wanted(rm, imgs)
	if err != nil {
		return Applied{}, err
	}
	have, current, err := c.menusAndDefault(ctx)
	if err != nil {
		return Applied{}, err
	}
	byName := map[string]RichMenuInfo{}
	for _, m := range have {
		byName[m.Name] = m
	}
	var out Applied
	keep := map[string]bool{}
	defaultID := ""
	for _, w := range want {
		name := w.name()
		info, ok := byName[name]
		if ok {
			out.Kept = append(out.Kept, info)
		} else {
			if info, err = c.createMenu(ctx, w, name); err != nil {
				return out, err
			}
			out.Created = append(out.Created, info)
		}
		keep[info.ID] = true
		if w.kind == menuMain && w.lang == catalogue.Japanese {
			defaultID = info.ID
		}
	}
	if current != defaultID {
		if err := c.menuCall(ctx, "set default rich menu", func(api *messaging_api.MessagingApiAPI) (*http.Response, error) {
			res, _, err := api.SetDefaultRichMenuWithHttpInfo(defaultID)
			return res, err
		}); err != nil {
			return out, err
		}
		out.SetDefault = true
	}
	for _, m := range have {
		if keep[m.ID] {
			continue
		}
		if err := c.deleteMenu(ctx, m.ID); err != nil {
			return out, err
		}
		out.Deleted = append(out.Deleted, m)
	}
	return out, nil
}

// RemoveRichMenus takes madoguchi's menus out of LINE: it cancels the
// default menu when it is one of them and deletes them all. Menus the
// office made by other means are left alone.
func (c *Client) RemoveRichMenus(ctx context.Context) ([]RichMenuInfo, error) {
	have, _, err := c.menusAndDefault(ctx)
	if err != nil {
		return nil, err
	}
	for _, m := range have {
		if !m.Default {
			continue
		}
		if err := c.menuCall(ctx, "cancel default rich menu", func(api *messaging_api.MessagingApiAPI) (*http.Response, error) {
			res, _, err := api.CancelDefaultRichMenuWithHttpInfo()
			return res, err
		}); err != nil {
			return nil, err
		}
	}
	var removed []RichMenuInfo
	for _, m := range have {
		if err := c.deleteMenu(ctx, m.ID); err != nil {
			return removed, err
		}
		removed = append(removed, m)
	}
	return removed, nil
}

// RichMenus lists the rich menus madoguchi made, main before staff,
// Japanese before English, marking the channel's default.
func (c *Client) RichMenus(ctx context.Context) ([]RichMenuInfo, error) {
	menus, _, err := c.menusAndDefault(ctx)
	return menus, err
}

// menusAndDefault lists madoguchi's rich menus (see RichMenus) and the id
// of the channel's default menu, whoever made it ("" for none).
func (c *Client) menusAndDefault(ctx context.Context) ([]RichMenuInfo, string, error) {
	menus, err := c.listMenus(ctx)
	if err != nil {
		return nil, "", err
	}
	def, err := c.defaultMenu(ctx)
	if err != nil {
		return nil, "", err
	}
	for i := range menus {
		menus[i].Default = menus[i].ID == def
	}
	return menus, def, nil
}

// listMenus lists madoguchi's rich menus, main before staff, Japanese
// before English.
func (c *Client) listMenus(ctx context.Context) ([]RichMenuInfo, error) {
	var list *messaging_api.RichMenuListResponse
	if err := c.menuCall(ctx, "list rich menus", func(api *messaging_api.MessagingApiAPI) (*http.Response, error) {
		res, body, err := api.GetRichMenuListWithHttpInfo()
		list = body
		return res, err
	}); err != nil || list == nil {
		return nil, err
	}
	var out []RichMenuInfo
	for _, m := range list.Richmenus {
		kind, lang, ok := menuName(m.Name)
		if !ok {
			continue
		}
		info := RichMenuInfo{ID: m.RichMenuId, Name: m.Name, Kind: kind, Lang: lang, Areas: len(m.Areas), ChatBar: m.ChatBarText}
		if m.Size != nil {
			info.Width, info.Height = int(m.Size.Width), int(m.Size.Height)
		}
		out = append(out, info)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind == menuMain
		}
		return out[i].Lang == catalogue.Japanese && out[j].Lang != catalogue.Japanese
	})
	return out, nil
}

// createMenu creates w under name and uploads its image; when the upload
// fails, it deletes the menu again.
func (c *Client) createMenu(ctx context.Context, w wantedMenu, name string) (RichMenuInfo, error) {
	req := w.req
	req.Name = name
	var id string
	if err := c.menuCall(ctx, "create rich menu", func(api *messaging_api.MessagingApiAPI) (*http.Response, error) {
		res, body, err := api.CreateRichMenuWithHttpInfo(&req)
		if body != nil {
			id = body.RichMenuId
		}
		return res, err
	}); err != nil {
		return RichMenuInfo{}, err
	}
	if id == "" {
		return RichMenuInfo{}, errors.New("LINE create rich menu: no richMenuId in the answer")
	}
	if err := c.menuCall(ctx, "upload rich menu image", func(*messaging_api.MessagingApiAPI) (*http.Response, error) {
		blob := *c.blob // a copy: WithContext sets a field
		blob.WithContext(ctx)
		res, _, err := blob.SetRichMenuImageWithHttpInfo(id, w.img.ContentType, bytes.NewReader(w.img.Data))
		return res, err
	}); err != nil {
		if derr := c.deleteMenu(context.WithoutCancel(ctx), id); derr != nil {
			err = errors.Join(err, fmt.Errorf("and the menu %s without its image was not deleted: %w", id, derr))
		}
		return RichMenuInfo{}, err
	}
	return RichMenuInfo{ID: id, Name: name, Kind: w.kind, Lang: w.lang, Width: w.img.Width, Height: w.img.Height,
		Areas: len(req.Areas), ChatBar: req.ChatBarText}, nil
}

func (c *Client) deleteMenu(ctx context.Context, id string) error {
	return c.menuCall(ctx, "delete rich menu", func(api *messaging_api.MessagingApiAPI) (*http.Response, error) {
		res, _, err := api.DeleteRichMenuWithHttpInfo(id)
		return res, err
	})
}

// defaultMenu is the id of the channel's default rich menu, "" when it has
// none (LINE answers 404).
func (c *Client) defaultMenu(ctx context.Context) (string, error) {
	var id string
	err := c.menuCall(ctx, "get default rich menu", func(api *messaging_api.MessagingApiAPI) (*http.Response, error) {
		res, body, err := api.GetDefaultRichMenuIdWithHttpInfo()
		if body != nil {
			id = body.RichMenuId
		}
		return res, err
	})
	if ae, ok := errors.AsType[*APIError](err); ok && ae.Status == http.StatusNotFound {
		return "", nil
	}
	return id, err
}

// menuCall makes a rich menu call under the client's retry policy.
func (c *Client) menuCall(ctx context.Context, name string, do func(*messaging_api.MessagingApiAPI) (*http.Response, error)) error {
	return c.call(ctx, name, c.retries, do).err
}
