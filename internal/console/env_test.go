package console

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestHashPassword(t *testing.T) {
	for _, pw := range []string{"short", strings.Repeat("x", 73)} {
		if _, err := HashPassword(pw); err == nil {
			t.Errorf("HashPassword(%d bytes) = nil error, want a refusal", len(pw))
		}
	}
	const pw = "correct horse battery"
	hash, err := HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	if err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)); err != nil {
		t.Errorf("the hash does not match the password: %v", err)
	}
}

func TestAuthFromEnv(t *testing.T) {
	env := map[string]string{"MADOGUCHI_CONSOLE_USERS": " U1, ,U2 ", "SLACK_CLIENT_ID": "id"}
	a := AuthFromEnv(func(k string) string { return env[k] }, "127.0.0.1:8081")
	if want := []string{"U1", "U2"}; !slices.Equal(a.Users, want) {
		t.Errorf("got users %q, want %q", a.Users, want)
	}
	if a.ClientID != "id" || a.URL != "http://127.0.0.1:8081" {
		t.Errorf("got client id %q and URL %q, want id and http://127.0.0.1:8081", a.ClientID, a.URL)
	}
}

// TestReadPasswordHash: the first line is the password, without its line
// ending (\n or \r\n); a short one is refused.
func TestReadPasswordHash(t *testing.T) {
	const pw = "correct horse battery"
	for _, in := range []string{pw, pw + "\n", pw + "\r\n", pw + "\nsecond line"} {
		hash, err := ReadPasswordHash(strings.NewReader(in))
		if err != nil || bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) != nil {
			t.Errorf("%q: got %q, %v; want the hash of the first line", in, hash, err)
		}
	}
	if _, err := ReadPasswordHash(strings.NewReader("short\n")); err == nil || !strings.Contains(err.Error(), "at least 12 characters") {
		t.Errorf("a short password: got %v, want a refusal", err)
	}
}
