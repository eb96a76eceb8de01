package line

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// ImageFiles are the paths of the rich menus' images ("" for none), as
// `madoguchi line richmenu apply` names them.
type ImageFiles struct{ Main, MainEN, Staff, StaffEN string }

// Read reads the images; an error names the command line's flag of the
// file that could not be read.
func (f ImageFiles) Read() (Images, error) {
	var imgs Images
	for _, f := range []struct {
		flag, path string
		data       *[]byte
	}{{"--image", f.Main, &imgs.Main}, {"--image-en", f.MainEN, &imgs.MainEN}, {"--staff-image", f.Staff, &imgs.Staff}, {"--staff-image-en", f.StaffEN, &imgs.StaffEN}} {
		if f.path == "" {
			continue
		}
		data, err := os.ReadFile(f.path)
		if err != nil {
			return Images{}, fmt.Errorf("%s: %w", f.flag, err)
		}
		*f.data = data
	}
	return imgs, nil
}

// WriteApply applies the settings' rich menus (ApplyRichMenus) and writes
// to w what it did, one line per menu: what it made and deleted (even
// when it then failed), then what it kept.
func (c *Client) WriteApply(ctx context.Context, w io.Writer, rm catalogue.RichMenu, imgs Images) error {
	done, err := c.ApplyRichMenus(ctx, rm, imgs)
	WriteRichMenus(w, "created", done.Created)
	WriteRichMenus(w, "deleted", done.Deleted)
	if err != nil {
		return fmt.Errorf("rich menu apply: %w", err)
	}
	if !done.Writes() {
		fmt.Fprintln(w, "nothing changed: LINE has these rich menus already")
	}
	WriteRichMenus(w, "kept", done.Kept)
	if done.SetDefault {
		fmt.Fprintln(w, "the Japanese main menu is now the default")
	}
	return nil
}

// WriteShow writes madoguchi's rich menus in LINE to w.
func (c *Client) WriteShow(ctx context.Context, w io.Writer) error {
	menus, err := c.RichMenus(ctx)
	if err != nil {
		return fmt.Errorf("rich menu show: %w", err)
	}
	if len(menus) == 0 {
		fmt.Fprintln(w, noMenus)
	}
	WriteRichMenus(w, "", menus)
	return nil
}

// WriteRemove removes madoguchi's rich menus from LINE (RemoveRichMenus)
// and writes to w those it removed.
func (c *Client) WriteRemove(ctx context.Context, w io.Writer) error {
	removed, err := c.RemoveRichMenus(ctx)
	WriteRichMenus(w, "removed", removed)
	if err != nil {
		return fmt.Errorf("rich menu remove: %w", err)
	}
	if len(removed) == 0 {
		fmt.Fprintln(w, noMenus)
	}
	return nil
}

// noMenus is what show and remove say when LINE has none of madoguchi's
// menus.
const noMenus = "no rich menus made by madoguchi in LINE"

// WriteRichMenus writes one line per menu, after what happened to it
// (what "" for none).
func WriteRichMenus(w io.Writer, what string, menus []RichMenuInfo) {
	for _, m := range menus {
		if what != "" {
			fmt.Fprintf(w, "%-8s ", what)
		}
		def := ""
		if m.Default {
			def = "  (default)"
		}
		fmt.Fprintf(w, "%-5s %s  %s  %dx%d  %d areas  %q%s\n", m.Kind, m.Lang, m.ID, m.Width, m.Height, m.Areas, m.ChatBar, def)
	}
}
