package console

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAcceptsGzip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"gzip, deflate, br, zstd", true},
		{"GZIP", true},
		{"br", false},
		{"gzip;q=0", false},
		{"gzip; q=0.5", true},
		{"*", true},
		{"*;q=0", false},
		{"*, gzip;q=0", false},
		{"identity", false},
	}
	for _, tt := range tests {
		if got := acceptsGzip(tt.header); got != tt.want {
			t.Errorf("acceptsGzip(%q): got %v, want %v", tt.header, got, tt.want)
		}
	}
}

// gunzip returns a gzip body's text, failing the test when it is not gzip.
func gunzip(t testing.TB, body []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("not a gzip body: %v", err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	return string(b)
}

func TestGzipped(t *testing.T) {
	t.Parallel()
	text := strings.Repeat("<p>質問 question</p>\n", 200)
	png := []byte("\x89PNG\r\n\x1a\n" + strings.Repeat("\x00", 500))
	tests := []struct {
		name     string
		method   string
		accept   string
		handler  http.HandlerFunc
		encoding string // the response's Content-Encoding
		body     string // the body, decoded
	}{
		{"html gzipped", "GET", "gzip, deflate", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Length", "4200")
			io.WriteString(w, text)
		}, "gzip", text},
		{"error page gzipped", "GET", "gzip", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, text, http.StatusNotFound)
		}, "gzip", text + "\n"},
		{"no Accept-Encoding", "GET", "", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, text)
		}, "", text},
		{"gzip refused", "GET", "gzip;q=0, br", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/css")
			io.WriteString(w, text)
		}, "", text},
		{"image left alone", "GET", "gzip", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "image/png")
			w.Write(png)
		}, "", string(png)},
		{"already encoded", "GET", "gzip", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.Header().Set("Content-Encoding", "br")
			io.WriteString(w, "brotli bytes")
		}, "br", "brotli bytes"},
		{"unknown type", "GET", "gzip", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/octet-stream")
			io.WriteString(w, text)
		}, "", text},
		{"HEAD", "HEAD", "gzip", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
		}, "", ""},
		{"not modified", "GET", "gzip", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusNotModified)
		}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(tt.method, "/", nil)
			if tt.accept != "" {
				req.Header.Set("Accept-Encoding", tt.accept)
			}
			gzipped(tt.handler).ServeHTTP(rec, req)
			res := rec.Result()
			if got := res.Header.Get("Content-Encoding"); got != tt.encoding {
				t.Errorf("Content-Encoding: got %q, want %q", got, tt.encoding)
			}
			if got := res.Header.Values("Vary"); len(got) != 1 || got[0] != "Accept-Encoding" {
				t.Errorf("Vary: got %q, want [Accept-Encoding]", got)
			}
			body := rec.Body.Bytes()
			got := string(body)
			if tt.encoding == "gzip" {
				if res.Header.Get("Content-Length") != "" {
					t.Errorf("Content-Length %q kept on a compressed body", res.Header.Get("Content-Length"))
				}
				if len(body) >= len(tt.body) {
					t.Errorf("compressed body %d bytes, want fewer than the %d sent", len(body), len(tt.body))
				}
				got = gunzip(t, body)
			}
			if got != tt.body {
				t.Errorf("body: got %d bytes %.40q, want %d bytes %.40q", len(got), got, len(tt.body), tt.body)
			}
		})
	}
}

// TestConsoleGzipped asks for the console's pages as a browser does and
// reads them compressed.
func TestConsoleGzipped(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.signIn(t)
	for _, tt := range []struct{ path, want string }{
		{"/review", `<section class="cluster"`},
		{"/intents", `href="/intents/forward-change"`},
		{"/static/style.css", ".chart"},
		{"/login", `name="password"`},
	} {
		t.Run(tt.path, func(t *testing.T) {
			// An explicit Accept-Encoding: the transport then hands the
			// body over as it came, compressed.
			r := do(t, c, "GET", f.srv.URL+tt.path, nil, "Accept-Encoding", "gzip, deflate, br")
			if r.status != http.StatusOK || r.header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("got %d with Content-Encoding %q, want 200 gzip", r.status, r.header.Get("Content-Encoding"))
			}
			if body := gunzip(t, []byte(r.body)); !strings.Contains(body, tt.want) {
				t.Errorf("body (%d bytes compressed, %d plain) does not contain %q", len(r.body), len(body), tt.want)
			}
			if r.header.Get("Content-Security-Policy") == "" {
				t.Error("the security headers were lost")
			}
		})
	}
}
