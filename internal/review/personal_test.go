package review

import (
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/record"
	"github.com/oumail-alumni/madoguchi/internal/redact"
)

func TestPersonal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text     string
		personal bool
	}{
		{"転送先を変更したい", false},
		{"How large is my mailbox?", false},
		{"OUMailのIDを忘れました", false},
		{"<student-number>のIDを忘れました", true},
		{"<url> javascript:alert(1)", true},
		{redact.Withheld, true},
		{"電話は090-1234-5678です。パスワードを忘れた", true}, // not yet redacted
		{"私の名前は山田です。容量は？", true},
		{"生年月日は1990年1月2日で、IDを忘れました", true},
		{"my name is Taro, I cannot log in", true},
	}
	for _, tt := range tests {
		if got := Personal(tt.text); (got != "") != tt.personal {
			t.Errorf("Personal(%q) = %q, want personal %v", tt.text, got, tt.personal)
		}
	}
}

func TestPending(t *testing.T) {
	t.Parallel()
	es := []record.Entry{
		{Question: bot.Question{ID: "a"}}, {Question: bot.Question{ID: "b"}}, {Question: bot.Question{ID: "c"}},
	}
	marks := map[string]record.ReviewMark{"b": {QuestionID: "b", Action: record.Dismissed}}
	var got []string
	for _, e := range Pending(es, marks) {
		got = append(got, e.ID)
	}
	if len(got) != 2 || got[0] != "a" || got[1] != "c" {
		t.Errorf("Pending = %q, want [a c]", got)
	}
	m := Marks([]Choice{{Intent: "x", IDs: []string{"a", "c"}}}, "admin", es[0].Time)
	d := Dismissals([]Choice{{Intent: "x", IDs: []string{"b"}}}, "admin", es[0].Time)
	if len(m) != 2 || m[1].QuestionID != "c" || m[1].Action != record.Applied || m[1].Intent != "x" || len(d) != 1 || d[0].Action != record.Dismissed || d[0].Intent != "" {
		t.Errorf("Marks = %+v, Dismissals = %+v", m, d)
	}
}
