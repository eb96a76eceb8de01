package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/oumail-alumni/madoguchi/internal/line"
	"github.com/oumail-alumni/madoguchi/internal/metrics"
)

// runLine runs the LINE channel's admin commands: `line richmenu apply`,
// `show` and `remove`.
func runLine(ctx context.Context, c *cli, fs *flag.FlagSet, args []string) error {
	dir := c.intentsFlag(fs)
	image := fs.String("image", "", "the rich menu's `image`: PNG or JPEG, 2500x1686 for a 2x3 grid or 2500x843 for 1x3, at most 1 MB")
	imageEN := fs.String("image-en", "", "the English menu's `image` (default: --image, for a picture in both languages)")
	staff := fs.String("staff-image", "", "the staff menu's `image`, when the settings have a staff_menu")
	staffEN := fs.String("staff-image-en", "", "the English staff menu's `image` (default: --staff-image)")
	if len(args) < 2 || args[0] != "richmenu" {
		if err := parse(fs, args); err != nil {
			return err
		}
		return usageError{"want: line richmenu apply|show|remove"}
	}
	action := args[1]
	if err := parse(fs, args[2:]); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if action != "apply" && (*image != "" || *staff != "") {
		return usageError{"the image flags go with richmenu apply"}
	}
	lc, err := line.ConfigFromEnv(c.getenv)
	if err != nil {
		return err
	}
	if lc == nil {
		return errors.New("LINE_CHANNEL_SECRET and LINE_CHANNEL_TOKEN are not set: set them as for serve")
	}
	api, err := line.NewClient(*lc, metrics.New(prometheus.NewRegistry()))
	if err != nil {
		return err
	}
	switch action {
	case "apply":
		if *image == "" {
			return usageError{"richmenu apply needs --image menu.png"}
		}
		x, err := c.load(*dir)
		if err != nil {
			return err
		}
		var imgs line.Images
		for _, f := range []struct {
			flag, path string
			data       *[]byte
		}{{"--image", *image, &imgs.Main}, {"--image-en", *imageEN, &imgs.MainEN}, {"--staff-image", *staff, &imgs.Staff}, {"--staff-image-en", *staffEN, &imgs.StaffEN}} {
			if f.path == "" {
				continue
			}
			if *f.data, err = os.ReadFile(f.path); err != nil {
				return fmt.Errorf("%s: %w", f.flag, err)
			}
		}
		done, err := api.ApplyRichMenus(ctx, x.Catalogue().Settings.RichMenu, imgs)
		printMenus(c.stdout, "created", done.Created)
		printMenus(c.stdout, "deleted", done.Deleted)
		if err != nil {
			return fmt.Errorf("rich menu apply: %w", err)
		}
		if !done.Writes() {
			fmt.Fprintln(c.stdout, "nothing changed: LINE has these rich menus already")
		}
		printMenus(c.stdout, "kept", done.Kept)
		if done.SetDefault {
			fmt.Fprintln(c.stdout, "the Japanese main menu is now the default")
		}
	case "show":
		menus, err := api.RichMenus(ctx)
		if err != nil {
			return fmt.Errorf("rich menu show: %w", err)
		}
		if len(menus) == 0 {
			fmt.Fprintln(c.stdout, "no rich menus made by madoguchi in LINE")
		}
		printMenus(c.stdout, "", menus)
	case "remove":
		removed, err := api.RemoveRichMenus(ctx)
		printMenus(c.stdout, "removed", removed)
		if err != nil {
			return fmt.Errorf("rich menu remove: %w", err)
		}
		if len(removed) == 0 {
			fmt.Fprintln(c.stdout, "no rich menus made by madoguchi in LINE")
		}
	default:
		return usageError{fmt.Sprintf("unknown richmenu action %q: want apply, show or remove", action)}
	}
	return nil
}

// printMenus prints one line per menu, after what happened to it.
func printMenus(w io.Writer, what string, menus []line.RichMenuInfo) {
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
