package redis

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// sealer encrypts the payloads of stream entries, which hold message text
// and user ids until they are handled, so that what Redis stores, copies
// to disk or replicates reveals neither. The associated data binds each
// payload to its entry's platform, event id and time: a payload moved to
// another entry does not open.
//
// Nonces are random (96 bits): safe for about 2^32 entries per secret,
// far beyond a helpdesk's volume between two changes of the secret.
type sealer struct{ aead cipher.AEAD }

// newSealer makes a sealer with an AES key (32 bytes: keys.Set.Seal).
func newSealer(key []byte) (*sealer, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("intake sealing key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("intake sealing key: %w", err)
	}
	return &sealer{aead: aead}, nil
}

// seal returns the nonce followed by the encrypted payload.
func (s *sealer) seal(payload, ad []byte) []byte {
	n := s.aead.NonceSize()
	out := make([]byte, n, n+len(payload)+s.aead.Overhead())
	rand.Read(out) // never fails (it crashes the program instead)
	return s.aead.Seal(out, out, payload, ad)
}

// open decrypts what seal returned, checking it was sealed with this key
// for the same associated data.
func (s *sealer) open(sealed, ad []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return nil, errors.New("sealed payload too short")
	}
	p, err := s.aead.Open(nil, sealed[:n], sealed[n:], ad)
	if err != nil {
		return nil, errors.New("sealed payload does not open: sealed with another key, or altered")
	}
	return p, nil
}

// sealData is the associated data of an entry's sealed payload.
func sealData(platform, id, at string) []byte {
	return []byte(platform + "\x00" + id + "\x00" + at)
}
