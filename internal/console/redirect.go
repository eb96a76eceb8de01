package console

import (
	"net/http"
	"net/url"
	"path"
	"strings"
)

// localPath returns the console page that p names, cleaned as a browser
// would clean it, or "/" when p is not one of the console's own pages: the
// page to return to after signing in or switching language must not send
// the admin elsewhere.
//
// Browsers read a backslash as a slash, drop tabs and newlines anywhere in
// a URL and strip control characters and spaces at its ends, so "/\host",
// "/\t/host" and " //host" all leave the site; Go's http.Redirect then
// cleans "/./\host" into "/\host". Checking a prefix of the raw text is
// therefore not enough: p is refused if it has a control character, must
// start with one slash, and is rebuilt from its cleaned path (backslashes
// as slashes, dot segments and repeated slashes removed, decoded forms
// included) and its re-encoded query, and the result must be a page the
// console serves.
func (c *Console) localPath(p string) string {
	if !strings.HasPrefix(p, "/") || hasControl(p) {
		return "/"
	}
	raw, query, _ := strings.Cut(p, "?")
	raw, _, _ = strings.Cut(raw, "#")
	u, err := url.Parse(strings.ReplaceAll(raw, `\`, "/"))
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || hasControl(u.Path) {
		return "/"
	}
	clean := path.Clean("/" + strings.ReplaceAll(u.Path, `\`, "/"))
	if strings.HasPrefix(clean, "//") || !c.serves(clean) {
		return "/"
	}
	out := url.URL{Path: clean}
	if q, err := url.ParseQuery(query); err == nil {
		out.RawQuery = q.Encode()
	}
	return out.String()
}

// serves reports whether the console has a page at p for GET.
func (c *Console) serves(p string) bool {
	_, pattern := c.mux.Handler(&http.Request{Method: http.MethodGet, URL: &url.URL{Path: p}})
	return pattern != ""
}

// hasControl reports whether s has an ASCII control character.
func hasControl(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0
}
