package console

import (
	"compress/gzip"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// gzipped compresses the console's responses for browsers that accept
// gzip: a Review page of many groups is mostly repeated markup, and an
// admin on a phone or a slow office line waits for every byte of it. A
// response that is already compressed (an image, a download someone
// zipped), that has no body (HEAD, 204, 304) or that is a byte range is
// sent as it is.
func gzipped(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		if r.Method == http.MethodHead || !acceptsGzip(r.Header.Get("Accept-Encoding")) {
			h.ServeHTTP(w, r)
			return
		}
		gw := &gzipWriter{ResponseWriter: w}
		defer gw.close()
		h.ServeHTTP(gw, r)
	})
}

// acceptsGzip reports whether an Accept-Encoding header accepts gzip
// (by name or by "*") with a quality above zero.
func acceptsGzip(header string) bool {
	star := false
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != "gzip" && name != "*" {
			continue
		}
		ok := true
		for p := range strings.SplitSeq(params, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				ok = err == nil && q > 0
			}
		}
		if name == "gzip" {
			return ok // an explicit gzip;q=0 overrides "*"
		}
		star = ok
	}
	return star
}

// compressedTypes are media types whose bytes gzip cannot shrink.
var compressedTypes = map[string]bool{
	"application/gzip": true, "application/zip": true, "application/zstd": true, "application/x-7z-compressed": true,
	"application/pdf": true, "font/woff": true, "font/woff2": true,
}

// compressible reports whether a response of this Content-Type is worth
// compressing: text, and the structured formats written as text. An
// unknown type is left alone.
func compressible(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil || compressedTypes[mt] {
		return false
	}
	switch {
	case strings.HasPrefix(mt, "text/"), mt == "image/svg+xml":
		return true
	case strings.HasPrefix(mt, "image/"), strings.HasPrefix(mt, "audio/"), strings.HasPrefix(mt, "video/"):
		return false
	}
	return strings.HasSuffix(mt, "json") || strings.HasSuffix(mt, "xml") || strings.HasSuffix(mt, "yaml") || mt == "application/javascript"
}

// gzipPool reuses compressors: each holds about 256 KB of tables.
var gzipPool = sync.Pool{New: func() any {
	z, _ := gzip.NewWriterLevel(io.Discard, gzip.DefaultCompression) // the level is valid
	return z
}}

// gzipWriter decides at the response's first byte (or its header) whether
// to compress, from the headers the handler set.
type gzipWriter struct {
	http.ResponseWriter
	decided bool
	z       *gzip.Writer
}

func (g *gzipWriter) decide(status int) {
	if g.decided {
		return
	}
	g.decided = true
	hd := g.Header()
	if status < 200 || status == http.StatusNoContent || status == http.StatusNotModified || status == http.StatusPartialContent ||
		hd.Get("Content-Encoding") != "" || hd.Get("Content-Range") != "" || !compressible(hd.Get("Content-Type")) {
		return
	}
	hd.Set("Content-Encoding", "gzip")
	hd.Del("Content-Length") // the handler's length is the uncompressed one
	g.z = gzipPool.Get().(*gzip.Writer)
	g.z.Reset(g.ResponseWriter)
}

// WriteHeader decides, then sends the header.
func (g *gzipWriter) WriteHeader(status int) {
	g.decide(status)
	g.ResponseWriter.WriteHeader(status)
}

// Write compresses the body when decided so.
func (g *gzipWriter) Write(b []byte) (int, error) {
	if !g.decided {
		g.WriteHeader(http.StatusOK)
	}
	if g.z == nil {
		return g.ResponseWriter.Write(b)
	}
	return g.z.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (g *gzipWriter) Unwrap() http.ResponseWriter { return g.ResponseWriter }

// close ends the compressed stream and returns the compressor.
func (g *gzipWriter) close() {
	if g.z == nil {
		return
	}
	g.z.Close() // a write error is the client's gone connection: nothing to do
	g.z.Reset(io.Discard)
	gzipPool.Put(g.z)
	g.z = nil
}
