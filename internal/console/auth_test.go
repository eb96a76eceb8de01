package console

import "testing"

// TestReviewURL: the review page under the console's URL, with or
// without its trailing slash; none without a URL.
func TestReviewURL(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"https://console.example.ac.jp/", "https://console.example.ac.jp/review"},
		{"http://127.0.0.1:8081", "http://127.0.0.1:8081/review"},
		{"", ""},
	} {
		if got := (Auth{URL: tc.url}).ReviewURL(); got != tc.want {
			t.Errorf("URL %q: got %q, want %q", tc.url, got, tc.want)
		}
	}
}
