package server

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

// HealthURL is the /healthz of a server listening on addr (host:port); an
// empty or unspecified host (":8080", "0.0.0.0:8080") is this machine.
func HealthURL(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("health check address: %w", err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz", nil
}

// Healthcheck asks url (see HealthURL) whether the server is alive, for
// a container health check that needs no shell or curl: nil when it
// answers 200 OK within two seconds.
func Healthcheck(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("unhealthy: %w", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("unhealthy: %s answered %s", url, strings.TrimSpace(res.Status))
	}
	return nil
}
