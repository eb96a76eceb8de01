// Package secret holds credentials so that they cannot leak into logs:
// a Secret prints and logs as "[redacted]".
package secret

import "log/slog"

// Secret is a token or signing secret.
type Secret string

// String redacts the secret, so fmt and %v never print it.
func (Secret) String() string { return "[redacted]" }

// LogValue redacts the secret in slog output.
func (Secret) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// Reveal returns the secret itself, for the one call that needs it.
func (s Secret) Reveal() string { return string(s) }

// MarshalText redacts the secret in JSON and other encodings, which
// otherwise print a string type as it is (a struct holding a Secret, logged
// as JSON, would leak it).
func (Secret) MarshalText() ([]byte, error) { return []byte("[redacted]"), nil }
