package main

import (
	"context"
	"flag"
	"fmt"
	"runtime/debug"

	"github.com/oumail-alumni/madoguchi/internal/server"
)

// version is set at build time: -ldflags "-X main.version=v1.2.3".
var version = ""

func runVersion(_ context.Context, c *cli, fs *flag.FlagSet, args []string) error {
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	v := version
	if v == "" {
		v = "devel"
		if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
	}
	fmt.Fprintln(c.stdout, "madoguchi", v)
	return nil
}

// runHealthcheck asks the local server's /healthz, for a container health
// check that needs no shell or curl. It asks the public listener, the one
// LINE and Slack depend on; Kubernetes probes the operations listener.
func runHealthcheck(ctx context.Context, c *cli, fs *flag.FlagSet, args []string) error {
	addr := c.envFlag(fs, "addr", "MADOGUCHI_ADDR", ":8080", "the server's public listen `address` (the webhooks')")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	url, err := server.HealthURL(*addr)
	if err != nil {
		return usageError{fmt.Sprintf("--addr %q is not host:port", *addr)}
	}
	if err := server.Healthcheck(ctx, url); err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, "healthy")
	return nil
}
