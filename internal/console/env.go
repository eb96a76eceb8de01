package console

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/oumail-alumni/madoguchi/internal/secret"
)

// AuthFromEnv reads the console's sign-in from the environment for a
// console listening on addr: a password hash, Slack's OpenID Connect, the
// users let in, and the console's URL (on loopback, LocalURL by default).
// MADOGUCHI_CONSOLE_DEV_OIDC=1 asks for the development sign-in, on addr's
// LocalURL: none when addr is not loopback, which New refuses.
func AuthFromEnv(getenv func(string) string, addr string) Auth {
	a := Auth{
		PasswordHash: secret.Secret(getenv("MADOGUCHI_CONSOLE_PASSWORD_HASH")),
		Issuer:       getenv("MADOGUCHI_CONSOLE_OIDC_ISSUER"),
		ClientID:     getenv("SLACK_CLIENT_ID"),
		ClientSecret: secret.Secret(getenv("SLACK_CLIENT_SECRET")),
		Team:         getenv("MADOGUCHI_CONSOLE_TEAM"),
		URL:          getenv("MADOGUCHI_CONSOLE_URL"),
		DevOIDC:      getenv("MADOGUCHI_CONSOLE_DEV_OIDC") == "1",
	}
	for _, u := range strings.Split(getenv("MADOGUCHI_CONSOLE_USERS"), ",") {
		if u = strings.TrimSpace(u); u != "" {
			a.Users = append(a.Users, u)
		}
	}
	if a.URL == "" || a.DevOIDC {
		// The development sign-in goes by the listen address, so that
		// it is refused on any but loopback whatever the URL says.
		a.URL = LocalURL(addr)
	}
	return a
}

// HashPassword returns the bcrypt hash of an admin password, for
// MADOGUCHI_CONSOLE_PASSWORD_HASH, or a sentence saying why the password
// will not do.
func HashPassword(pw string) (string, error) {
	switch {
	case len([]rune(pw)) < 12:
		return "", errors.New("the password must be at least 12 characters long")
	case len(pw) > 72:
		return "", errors.New("the password must be at most 72 bytes long (bcrypt ignores the rest)")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(pw), 12)
	if err != nil {
		return "", fmt.Errorf("hash the password: %w", err)
	}
	return string(hash), nil
}

// ReadPasswordHash reads a password from the first line of r (a line
// ending \r\n too) and returns its hash (HashPassword).
func ReadPasswordHash(r io.Reader) (string, error) {
	sc := bufio.NewScanner(r)
	sc.Scan()
	if err := sc.Err(); err != nil {
		return "", fmt.Errorf("read the password: %w", err)
	}
	return HashPassword(strings.TrimRight(sc.Text(), "\r"))
}

// LocationFromEnv reads the time zone of TZ (as "Asia/Tokyo" or
// ":Asia/Tokyo"), for Options.Location; nil when TZ is unset. The office's
// settings (handoff time_zone) take precedence where they name one.
func LocationFromEnv(getenv func(string) string) (*time.Location, error) {
	tz := strings.TrimPrefix(getenv("TZ"), ":")
	if tz == "" {
		return nil, nil
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("TZ %q is not a known time zone; write an IANA name such as Asia/Tokyo: %w", tz, err)
	}
	return loc, nil
}
