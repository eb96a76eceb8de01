package catalogue

import (
	"path/filepath"
	"testing"
)

// TestIntentFileLoads: a file IntentFile writes is read back by Load as
// the intent it describes.
func TestIntentFileLoads(t *testing.T) {
	data, err := IntentFile("ask-office", Text{JA: "窓口への質問", EN: "A question for the office"},
		Text{JA: "窓口にお尋ねください: 「はい」", EN: "Ask the office: yes"},
		[]string{"窓口に聞きたい", "事務室の連絡先"}, []string{"ask the office", "office contact: please"})
	if err != nil {
		t.Fatal(err)
	}
	in, ps := ParseIntent(filepath.Join(t.TempDir(), "ask-office.yaml"), data)
	if len(ps) > 0 {
		t.Fatalf("%v\n%s", ps, data)
	}
	if in.ID != "ask-office" || in.Title.EN != "A question for the office" || in.Answer.JA != "窓口にお尋ねください: 「はい」" ||
		len(in.Examples.JA) != 2 || in.Examples.EN[1] != "office contact: please" {
		t.Errorf("read back %+v", in)
	}
}
