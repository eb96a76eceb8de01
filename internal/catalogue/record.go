package catalogue

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"gopkg.in/yaml.v3"
)

// RecordSettings say how long the record of questions is kept, which
// phrases ask for a user's data to be deleted, and the sentences of the
// feedback buttons. The whole block is optional in SettingsFile: what is
// missing takes the value of DefaultRecord.
type RecordSettings struct {
	// RetentionDays is how long a question is kept before the daily purge
	// deletes it.
	RetentionDays int
	// ForgetPhrases, when a message contains one, delete the sender's
	// records.
	ForgetPhrases []string
	// Forgotten is said once a user's records are deleted.
	Forgotten Text
	// Helpful and NotHelpful label the feedback buttons after an answer,
	// in the office's words (「解決しました」/「解決しない」): a click is the
	// user's verdict on whether the answer solved their question.
	Helpful    Text
	NotHelpful Text
	// Thanks answers "solved"; Sorry answers "not solved", before the
	// office contact (and the offer of the staff, when handoff is on).
	Thanks Text
	Sorry  Text
	// PasswordWarning comes first in the reply to a message that seems to
	// give a password: it was not recorded, and passwords are never to be
	// sent.
	PasswordWarning Text
}

// DefaultRecord is what an absent record block means: 90 days, and the
// sentences the shipped settings use.
func DefaultRecord() RecordSettings {
	return RecordSettings{
		RetentionDays: 90,
		ForgetPhrases: []string{"私のデータを削除して", "私のデータを消して", "履歴を削除して", "delete my data", "forget me", "erase my data"},
		Forgotten:     Text{JA: "これまでのご質問の記録を削除しました。", EN: "I have deleted the record of your questions."},
		Helpful:       Text{JA: "解決しました", EN: "Solved"},
		NotHelpful:    Text{JA: "解決しない", EN: "Not solved"},
		Thanks:        Text{JA: "ご回答ありがとうございます。お役に立ててよかったです。", EN: "Thank you for letting me know. Glad it helped."},
		Sorry:         Text{JA: "お役に立てず申し訳ありません。卒業生係にお問い合わせください。", EN: "Sorry that did not help. Please contact the Alumni Office."},
		PasswordWarning: Text{
			JA: "【ご注意】パスワードと思われる文字列が含まれていたため、このメッセージは記録しておりません。パスワードは、このチャットを含め、どなたにもお送りにならないようお願いいたします。卒業生係からパスワードをお尋ねすることはございません。念のため、パスワードの変更をおすすめいたします。",
			EN: "Please note: your message seemed to contain a password, so it was not recorded. Never send a password to anyone, in this chat or elsewhere; the Alumni Office will never ask for it. To be safe, please change your password.",
		},
	}
}

// Retention is RetentionDays as a duration, the default when unset.
func (r RecordSettings) Retention() time.Duration {
	d := r.RetentionDays
	if d <= 0 {
		d = DefaultRecord().RetentionDays
	}
	return time.Duration(d) * 24 * time.Hour
}

// WithDefaults fills what is unset (a catalogue built in code) from
// DefaultRecord.
func (r RecordSettings) WithDefaults() RecordSettings {
	def := DefaultRecord()
	if r.RetentionDays <= 0 {
		r.RetentionDays = def.RetentionDays
	}
	if len(r.ForgetPhrases) == 0 {
		r.ForgetPhrases = def.ForgetPhrases
	}
	for _, t := range []struct{ got, def *Text }{
		{&r.Forgotten, &def.Forgotten}, {&r.Helpful, &def.Helpful}, {&r.NotHelpful, &def.NotHelpful},
		{&r.Thanks, &def.Thanks}, {&r.Sorry, &def.Sorry}, {&r.PasswordWarning, &def.PasswordWarning},
	} {
		if t.got.JA == "" || t.got.EN == "" {
			*t.got = *t.def
		}
	}
	return r
}

// maxRetentionDays bounds retention_days: ten years is more than any
// review needs, so a larger number is a typing error.
const maxRetentionDays = 3650

// recordSettings reads the optional record block over the defaults.
func (w *walker) recordSettings(n *yaml.Node) RecordSettings {
	r := DefaultRecord()
	text := func(name string, t *Text) field {
		return field{name, false, func(v *yaml.Node) { *t = w.text(v, "record "+name) }}
	}
	w.fields(n, "record", []field{
		{"retention_days", false, func(v *yaml.Node) { r.RetentionDays = w.days(v, "record retention_days") }},
		{"forget_phrases", false, func(v *yaml.Node) {
			if p, _ := w.strList(v, "record forget_phrases"); len(p) > 0 {
				r.ForgetPhrases = p
			}
		}},
		text("forgotten", &r.Forgotten), text("helpful", &r.Helpful), text("not_helpful", &r.NotHelpful),
		text("thanks", &r.Thanks), text("sorry", &r.Sorry), text("password_warning", &r.PasswordWarning),
	})
	return r
}

// days reads a whole number of days from 1 to maxRetentionDays.
func (w *walker) days(n *yaml.Node, what string) int {
	f, err := strconv.ParseFloat(n.Value, 64)
	if n.Kind != yaml.ScalarNode || err != nil || f != math.Trunc(f) || f < 1 || f > maxRetentionDays {
		w.addJA(n, fmt.Sprintf("%s must be a whole number of days from 1 to %d", what, maxRetentionDays), fmt.Sprintf("%s には 1 から %d までの日数（整数）を書いてください", what, maxRetentionDays))
		return DefaultRecord().RetentionDays
	}
	return int(f)
}
