// Package testkit holds what the packages' tests share instead of copying
// it: a small fixture catalogue and copies of catalogues in temporary
// directories, fakes of the LINE Messaging API and the Slack Web API, a
// record seeded by conversations played through the bot, and every reply
// a catalogue can produce for the adapters' conformance tests. Only tests
// import it.
package testkit

import (
	"embed"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// fixture is a small catalogue of four intents (forgot-password,
// forward-change, login-trouble, mailbox-quota) with its settings: enough
// to answer, ask back and escalate, small enough for a leave-one-out test
// in milliseconds.
//
//go:embed all:intents
var fixture embed.FS

// Fixture is the fixture catalogue, read-only; copy it with CopyIntents
// to load it or change it.
func Fixture() fs.FS {
	sub, err := fs.Sub(fixture, "intents")
	if err != nil {
		panic(err) // the directory is embedded above
	}
	return sub
}

// Intents copies the fixture catalogue into a new temporary directory and
// returns the directory.
func Intents(t testing.TB) string {
	t.Helper()
	return CopyIntents(t, Fixture())
}

// CopyIntents copies the catalogue src (say os.DirFS("../../intents"))
// into a new temporary directory and returns the directory.
func CopyIntents(t testing.TB, src fs.FS) string {
	t.Helper()
	dir := t.TempDir()
	CopyIntentsTo(t, dir, src)
	return dir
}

// CopyIntentsTo copies the catalogue src into dir, which may exist but
// must not hold any of src's files.
func CopyIntentsTo(t testing.TB, dir string, src fs.FS) {
	t.Helper()
	if err := os.CopyFS(dir, src); err != nil {
		t.Fatalf("copy the intents into %s: %v", dir, err)
	}
}

// libraryIntent is an out-of-scope topic: the university library.
const libraryIntent = `id: library
kind: out-of-scope
title: {ja: 図書館（対象外）, en: Library (not here)}
examples:
  ja: [図書館の開館時間, 図書館で本を借りたい, 図書館の場所]
  en: [library opening hours, borrow a library book, where is the library]
answer: {ja: 図書館のページをご覧ください。, en: See the library's page.}
`

// AddLibrary adds an out-of-scope intent about the university library
// (library.yaml) to the catalogue in dir, so that questions about the
// library are escalated rightly.
func AddLibrary(t testing.TB, dir string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "library.yaml"), []byte(libraryIntent), 0o644); err != nil {
		t.Fatal(err)
	}
}
