// Package keys derives every per-purpose key madoguchi uses from the
// secrets its operator gives it (the LINE channel secret, the Slack
// signing secret and bot token, MADOGUCHI_RECORD_KEY), in one place, so
// that no two purposes share a key and a reader can see what each secret
// keys.
//
// New keys are derived with HKDF-SHA256 (RFC 5869): the secret as input
// keying material, no salt, and an info string naming the purpose and a
// version. Two keys predate this package and keep their derivation,
// HMAC-SHA256(secret, purpose), because they key data at rest that a
// changed key would orphan:
//
//   - Handles: the handoff's pseudonymous handles index the open tickets
//     in Redis (a new key would lose each user's open conversation);
//   - Record: the record's user pseudonyms (forget-me must find a user's
//     older questions) and the feedback buttons already sent.
//
// The LINE and Slack adapters still key their user-id hashes with their
// platform secret itself (HMAC-SHA256(secret, id)); those hashes feed the
// record's pseudonyms, so they cannot change either.
package keys

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"strings"

	"github.com/oumail-alumni/madoguchi/internal/secret"
)

// Secrets are the operator's secrets keys are derived from; a platform
// not configured has empty ones.
type Secrets struct {
	LineChannelSecret  secret.Secret
	SlackSigningSecret secret.Secret
	SlackBotToken      secret.Secret
	// RecordKey is MADOGUCHI_RECORD_KEY: when set, the record's key.
	RecordKey secret.Secret
}

// Set holds the keys of one process, derived once.
type Set struct {
	s      Secrets
	record []byte
}

// New derives the keys from s. Without a record key and with no platform
// secret (nothing to record) the record's key is random: it then serves
// this process only.
func New(s Secrets) *Set {
	k := &Set{s: s}
	var shared []string
	if s.LineChannelSecret != "" {
		shared = append(shared, s.LineChannelSecret.Reveal())
	}
	if s.SlackSigningSecret != "" || s.SlackBotToken != "" {
		shared = append(shared, s.SlackSigningSecret.Reveal(), s.SlackBotToken.Reveal())
	}
	switch {
	case s.RecordKey != "":
		k.record = []byte(s.RecordKey.Reveal())
	case len(shared) > 0:
		k.record = legacy(strings.Join(shared, "\x00"), "madoguchi feedback buttons")
	default:
		k.record = make([]byte, 32)
		rand.Read(k.record) // never fails (it crashes the program instead)
	}
	return k
}

// Record signs the feedback buttons and keys the recorded users'
// pseudonyms. Every replica must have the same one, and it must outlive
// restarts (or forgetting a user misses their older records): it is
// MADOGUCHI_RECORD_KEY, or else derived from the platform secrets the
// replicas share.
func (k *Set) Record() []byte { return k.record }

// Handles keys the pseudonymous handles staff see in the handoff. It is
// derived from the LINE channel secret, which every replica has and which
// is never shown, so that one user keeps one handle across replicas and
// restarts; nil without LINE (the handoff needs it).
func (k *Set) Handles() []byte {
	if k.s.LineChannelSecret == "" {
		return nil
	}
	return legacy(k.s.LineChannelSecret.Reveal(), "madoguchi handoff handles")
}

// sealInfo names the intake's sealing key; "v1" is the value the intake
// derived before this package existed.
const sealInfo = "madoguchi intake: payloads at rest in Redis, AES-256-GCM, v1"

// Seal is the AES-256 key that platform's events are sealed with while
// they wait in Redis, derived from the platform's own secret, which every
// replica has (Slack in Socket Mode only has no signing secret: its bot
// token then); nil for a platform not configured. Changing the secret
// makes the events still waiting unreadable (counted "dropped").
func (k *Set) Seal(platform string) []byte {
	var s secret.Secret
	switch platform {
	case "line":
		s = k.s.LineChannelSecret
	case "slack":
		s = k.s.SlackSigningSecret
		if s == "" {
			s = k.s.SlackBotToken
		}
	}
	if s == "" {
		return nil
	}
	return derive(s.Reveal(), sealInfo)
}

// derive is HKDF-SHA256 with secret as the input keying material and info
// naming the purpose: a 32-byte key.
func derive(secret, info string) []byte {
	key, err := hkdf.Key(sha256.New, []byte(secret), nil, info, 32)
	if err != nil {
		// Only a length beyond 255 hash sizes fails, or, under
		// GODEBUG=fips140=only, a secret shorter than 112 bits.
		panic("keys: " + err.Error())
	}
	return key
}

// legacy is the derivation of the keys that predate HKDF here:
// HMAC-SHA256(secret, purpose).
func legacy(secret, purpose string) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(purpose))
	return m.Sum(nil)
}
