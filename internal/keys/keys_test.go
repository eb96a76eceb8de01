package keys

import (
	"bytes"
	"encoding/hex"
	"testing"
)

// The values below were computed outside Go (Python's hmac and an HKDF
// written from RFC 5869): they are what madoguchi derived before this
// package existed, and data at rest (handles indexing open tickets, the
// record's pseudonyms, sealed events waiting in Redis) depends on them.
func TestDerivedValuesStay(t *testing.T) {
	full := Secrets{LineChannelSecret: "line-secret", SlackSigningSecret: "slack-signing", SlackBotToken: "xoxb-bot"}
	socket := Secrets{SlackBotToken: "xoxb-bot"}
	for _, tc := range []struct {
		name string
		got  []byte
		want string
	}{
		{"seal line", New(full).Seal("line"), "b21431377454cf1e9ccaa111996754bd4aed3e1859e39e8abf4d0c7e80cdfa77"},
		{"seal slack (signing secret)", New(full).Seal("slack"), "f9654fcad4f8b990d27838321a6015c607d5488308fd91cf30df403fc7ab359e"},
		{"seal slack (Socket Mode: bot token)", New(socket).Seal("slack"), "f2a5b9ea20d34b18cb23dd03a19520ac4314e82a63b557f04063edb3cbea9a20"},
		{"seal unconfigured", New(socket).Seal("line"), ""},
		{"handles", New(full).Handles(), "426ecbdeac207c65cb0bcee8de71744ffcd1b656377b2383a23ec8218b27819f"},
		{"handles without LINE", New(socket).Handles(), ""},
		{"record from both platforms", New(full).Record(), "5402b3ec134e53992f2ce727df8ac497529c7a5810247c568f5ee7f70859f9ee"},
		{"record from LINE", New(Secrets{LineChannelSecret: "line-secret"}).Record(), "185e10daea0b0c86fa44250d4f80d05e48da3f163b1607712738788ae07d223a"},
		{"record from Slack in Socket Mode", New(socket).Record(), "6a78f1fc686c292c937ed92dcc55f4f1029b4c00113afb1e1582c56c84cdb505"},
		{"record key given", New(Secrets{LineChannelSecret: "line-secret", RecordKey: "rk"}).Record(), hex.EncodeToString([]byte("rk"))},
	} {
		if got := hex.EncodeToString(tc.got); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
}

// TestPurposesDiffer: no two purposes share a key, even from one secret.
// (The two platforms' sealing keys are equal when their secrets are: a
// sealed entry binds its platform in its associated data instead.)
func TestPurposesDiffer(t *testing.T) {
	k := New(Secrets{LineChannelSecret: "s", SlackSigningSecret: "s", SlackBotToken: "s"})
	all := map[string][]byte{"seal": k.Seal("line"), "handles": k.Handles(), "record": k.Record()}
	for a, ka := range all {
		for b, kb := range all {
			if a < b && bytes.Equal(ka, kb) {
				t.Errorf("%s and %s share a key", a, b)
			}
		}
	}
}

// TestRandomRecordKey: with nothing to derive from, each process gets its
// own random key, never an empty or fixed one.
func TestRandomRecordKey(t *testing.T) {
	a, b := New(Secrets{}).Record(), New(Secrets{}).Record()
	if len(a) != 32 || bytes.Equal(a, b) {
		t.Errorf("record keys without secrets: %x and %x, want two different random 32-byte keys", a, b)
	}
}
