package review

import (
	"bytes"
	"strings"
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

func TestWriteCatalogueDrafts(t *testing.T) {
	c, err := catalogue.Load("../catalogue/testdata/drafts")
	if err != nil {
		t.Fatal(err)
	}
	ds := CatalogueDrafts(c)
	if got, want := len(ds), 2; got != want {
		t.Fatalf("got %d drafts, want %d", got, want)
	}
	var b bytes.Buffer
	WriteCatalogueDrafts(&b, ds)
	for _, want := range []string{
		"Drafts to finish (2): the bot does not answer from them yet.",
		"login-how.yaml: ログイン方法 (from faq.csv, item 2)",
		"     line 9: title (en) is empty",
		"mailbox-size.yaml: 容量\n     ready: delete its \"draft: true\" line to publish it",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, b.String())
		}
	}
	b.Reset()
	WriteCatalogueDrafts(&b, nil)
	if b.Len() != 0 {
		t.Errorf("no drafts: got %q, want nothing", b.String())
	}
}
