package review

import (
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/oumail-alumni/madoguchi/internal/redact"
)

// placeholder is what redaction leaves in place of what it removed
// (<email>, <student-number>, …), or a withheld message's mark.
var placeholder = regexp.MustCompile(`<[a-z][a-z-]*>`)

// personalCues are words that introduce something about the asker
// themselves (a name, a birth date, an address), which redaction may not
// have caught: such a question is theirs, not an example for everyone.
var personalCues = []string{
	"名前は", "氏名", "生年月日", "誕生日", "住所は", "住所：", "住所:", "電話番号は", "学籍番号は", "旧姓は",
	"my name is", "date of birth", "born on", "i live at", "my address is", "my phone number", "my student number",
}

// Personal says why a recorded question cannot become an example as it
// is: it still holds a redaction placeholder, something redaction would
// remove (a password, an address, a number), or words that introduce the
// asker's own details. It returns "" for a question fit for the catalogue.
func Personal(text string) string {
	if m := placeholder.FindString(text); m != "" {
		return "it contains the placeholder " + m + " where something personal was removed"
	}
	if text == redact.Withheld || redact.HasPassword(text) {
		return "it gives a password"
	}
	folded := norm.NFKC.String(text)
	if redact.Text(text) != folded {
		return "it contains something personal (an address, a number, a name or a link)"
	}
	lower := strings.ToLower(folded)
	for _, cue := range personalCues {
		if strings.Contains(lower, cue) {
			return "it tells something about the asker (" + strconv.Quote(cue) + ")"
		}
	}
	return ""
}
