package main

import (
	"context"
	"flag"
	"fmt"

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
	api, err := line.ClientFromEnv(c.getenv, metrics.New(prometheus.NewRegistry()))
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
		imgs, err := line.ImageFiles{Main: *image, MainEN: *imageEN, Staff: *staff, StaffEN: *staffEN}.Read()
		if err != nil {
			return err
		}
		return api.WriteApply(ctx, c.stdout, x.Catalogue().Settings.RichMenu, imgs)
	case "show":
		return api.WriteShow(ctx, c.stdout)
	case "remove":
		return api.WriteRemove(ctx, c.stdout)
	default:
		return usageError{fmt.Sprintf("unknown richmenu action %q: want apply, show or remove", action)}
	}
}
