package redact

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Names are caught by what marks them as names, since a name alone cannot
// be told from a word: an honorific (山田様, 花子さん, Johnさん), an
// introduction (山田と申します, 名前は山田です, 旧姓は田中, my name is John
// Smith, I'm John Smith), a title (Mr. Smith), a signature at the end
// (…よろしくお願いします。山田, Thanks, John Smith, — Jane), or a
// common Japanese surname followed by a given name or です (佐藤花子,
// 鈴木です).

// Pieces of the name patterns.
const (
	hanName = `[\p{Han}々〆ヶ]`
	// honorific follows a name.
	honorific = `(様|さま|さん|サン|くん|君|ちゃん|氏|殿|先生)`
	latinWord = `\p{Latin}[\p{Latin}.'\-]*`
	// latinWords are one to three words; the rules decide how many of
	// them are the name.
	latinWords = latinWord + `(?:[ \t]+` + latinWord + `){0,2}`
)

// givenKana is a given name in kana after a surname in kanji (山田はなこ):
// it must not start with a particle, or 職員のみなさん would read as a name.
var givenKana = func() string {
	var b strings.Builder
	b.WriteString("[")
	for r := 'ぁ'; r <= 'ゖ'; r++ {
		if !strings.ContainsRune("のがをにへともでや", r) {
			b.WriteRune(r)
		}
	}
	b.WriteString(`\p{Katakana}][ぁ-ゖ\p{Katakana}ー]{1,4}`)
	return b.String()
}()

// honorifics are the words of honorific, for the rules' gates.
var honorifics = []string{"様", "さま", "さん", "サン", "くん", "君", "ちゃん", "氏", "殿", "先生"}

var nameRules = []rule{
	// 山田太郎様, 山田さん, 山田 花子さん, 山田はなこさん.
	{re: regexp.MustCompile(`(` + hanName + `{1,6}(?:[ 　]?(?:` + hanName + `{1,3}|` + givenKana + `))?)[ 　]?` + honorific), with: Name + "${2}", keep: notHanName, words: honorifics},
	// スミスさん, ジョン・スミス様.
	{re: regexp.MustCompile(`([\p{Katakana}ー・]{2,15})[ 　]?` + honorific), with: Name + "${2}", keep: notKatakanaName, words: honorifics},
	// Johnさん, John Smith様.
	{re: regexp.MustCompile(`(` + latinWords + `)[ 　]?` + honorific), with: Name + "${2}", keep: notLatinName, words: honorifics},
	// 山田太郎と申します, やまだと申します, Taro Yamadaと申します.
	{re: regexp.MustCompile(`(` + hanName + `{1,6}(?:[ 　]?(?:` + hanName + `{1,3}|` + givenKana + `))?|[\p{Katakana}ー・]{2,15}|[ぁ-ゖ]{2,8}|` + latinWords + `)[ 　]?(と(?:申します|申し|申す|もうします|いいます|言います))`), with: Name + "${2}", keep: notIntroduced, words: []string{"と申", "ともうし", "といい", "と言い"}},
	// 名前は山田太郎です, 旧姓：田中, 氏名 山田花子.
	{re: regexp.MustCompile(`(お?名前|氏名|旧姓|本名|名義|フルネーム|姓名|ご?芳名)(\s*(?:は|が|:|=)\s*|[ 　]+)(` + hanName + `{1,6}(?:[ 　]?(?:` + hanName + `{1,3}|` + givenKana + `))?|[\p{Katakana}ー・]{2,15}|` + latinWords + `)`), with: "${1}${2}" + Name, keep: notNamed, words: []string{"名前", "氏名", "旧姓", "本名", "名義", "フルネーム", "姓名", "芳名"}},
	// …よろしくお願いします。山田 (a signature at the end).
	{re: regexp.MustCompile(`((?:よろしく|宜しく)?お願い(?:いた|致)?します|以上です|失礼(?:いた|致)?します)([。.!！\s、,]*)(` + hanName + `{1,6}(?:[ 　]?(?:` + hanName + `{1,3}|[ぁ-ゖ\p{Katakana}ー]{1,5}))?|[\p{Katakana}ー・]{2,15}|` + latinWords + `)[\s。.]*$`), with: "${1}${2}" + Name, keep: notSignature, words: []string{"お願い", "以上です", "失礼"}},
	// Mr. Smith, Dr Jane Doe.
	{re: regexp.MustCompile(`\b(Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor)(\.?[ \t]+)([A-Z][A-Za-z'\-]+(?:[ \t]+[A-Z][A-Za-z'\-]+){0,2})`), with: "${1}${2}" + Name, words: []string{"mr", "ms", "miss", "mx", "dr", "prof"}},
	// my name is John Smith, name: John Smith, I'm John Smith.
	{re: regexp.MustCompile(`(?i)\b(my\s+(?:full\s+|first\s+|last\s+|family\s+|maiden\s+|former\s+|real\s+|legal\s+|given\s+|sur)?name(?:\s+(?:is|was)|'s)|(?:full\s+|first\s+|last\s+|family\s+|maiden\s+|former\s+|given\s+|sur)?name\s*[:=]|i\s*am|i'm|im|this\s+is|it's|it\s+is)([ \t]+)(` + latinWords + `)`), fn: introducedName, words: []string{"name", "i am", "i'm", "im ", "this is", "it's", "it is"}},
	// Thanks, John Smith / Best regards,\nJane (a signature at the end).
	{re: regexp.MustCompile(`(?i)(?:^|[\s.!?,;:)])(thanks|thank\s+you|thank\s+u|thx|regards|best\s+regards|kind\s+regards|warm\s+regards|best\s+wishes|best|cheers|sincerely|yours\s+sincerely|yours\s+truly|yours|many\s+thanks|cordially|respectfully)` +
		`(?:\s+(?:again|so\s+much|very\s+much|a\s+lot|in\s+advance|for\s+(?:your|the|any)\s+help|for\s+help(?:ing)?|everyone|all))?` +
		`(\s*[,.!:;\-—–]*\s*)(` + latinWords + `)[\s.!]*$`), fn: signedName, words: []string{"thank", "thx", "regards", "best", "cheers", "sincerely", "yours", "cordially", "respectfully"}},
	// — John Smith (a dash signature at the end).
	{re: regexp.MustCompile(`(^|\s)([-—–~]{1,2}[ \t]*)([A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+){0,2})\s*$`), with: "${1}${2}" + Name, chars: "-—–~"},
}

// before returns the character before byte offset i of s.
func before(s string, i int) rune {
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return r
}

func notHanName(s string, m []int) bool {
	name, hon, rest := s[m[2]:m[3]], s[m[4]:m[5]], s[m[1]:]
	if hon == "様" {
		if r, _ := utf8.DecodeRuneInString(rest); strings.ContainsRune("々子式相態な", r) {
			return true // 様子, 様式, 様々
		}
	}
	if p := before(s, m[2]); p == 'お' || p == 'ご' || p == '御' {
		return true // お客様, ご主人様, お子さん
	}
	return notAName(name, hon)
}

// notAName reports whether name, before an honorific, is a role, a
// relative or an ordinary word rather than a person's name.
func notAName(name, hon string) bool {
	name = strings.TrimSpace(name)
	if nonNames[name] {
		return true
	}
	if utf8.RuneCountInString(name) == 1 {
		// One character is a name only when it is a common one-character
		// surname (林さん); 同様, 仕様, 皆様 are words.
		return !singleSurnames[name] || (name == "王" && hon == "様")
	}
	for _, suffix := range nonNameSuffixes {
		if strings.HasSuffix(name, suffix) {
			return true
		}
	}
	return false
}

func notKatakanaName(s string, m []int) bool {
	if p := before(s, m[2]); unicode.Is(unicode.Han, p) {
		return true // the kanji rule saw it
	}
	return katakanaWords[strings.Trim(s[m[2]:m[3]], "・")]
}

func notLatinName(s string, m []int) bool {
	for _, w := range strings.Fields(s[m[2]:m[3]]) {
		if stopWords[strings.ToLower(w)] {
			return true
		}
	}
	return false
}

func notIntroduced(s string, m []int) bool {
	name, verb, rest := s[m[2]:m[3]], s[m[4]:m[5]], s[m[1]:]
	if strings.HasSuffix(verb, "いいます") || strings.HasSuffix(verb, "言います") {
		// "何と言いますか" asks for a word.
		if strings.HasPrefix(rest, "か") || nonNames[name] || strings.ContainsAny(name, "何なんこそどあ") {
			return true
		}
	}
	if p := before(s, m[2]); unicode.In(p, unicode.Han, unicode.Katakana) || (p >= 'A' && p <= 'z') {
		return true // the middle of a longer word
	}
	return nonNames[name] || notLatinName(s, m)
}

func notNamed(s string, m []int) bool {
	name, rest := s[m[6]:m[7]], s[m[1]:]
	if nonNames[name] || strings.HasPrefix(rest, "ですか") || strings.HasPrefix(rest, "でしょうか") || strings.HasPrefix(rest, "でき") || strings.HasPrefix(rest, "を") || strings.HasPrefix(rest, "の") || strings.HasPrefix(rest, "が") {
		return true
	}
	for _, w := range strings.Fields(name) {
		if stopWords[strings.ToLower(w)] {
			return true
		}
	}
	for _, suffix := range []string{"変更", "表示", "登録", "設定", "確認", "入力", "記入", "漢字", "字", "語"} {
		if strings.HasSuffix(name, suffix) || strings.HasPrefix(name, suffix) {
			return true
		}
	}
	return false
}

func notSignature(s string, m []int) bool {
	name := strings.TrimSpace(s[m[6]:m[7]])
	return nonNames[name] || notLatinName(s, []int{0, 0, m[6], m[7]})
}

// surnamesByFirst holds the common surnames by their first character,
// longest first, so that 佐々木 is tried before 佐藤 would be.
var surnamesByFirst = func() map[rune][]string {
	m := map[rune][]string{}
	for _, name := range strings.Fields(surnameList) {
		r, _ := utf8.DecodeRuneInString(name)
		m[r] = append(m[r], name)
	}
	for _, list := range m {
		sort.Slice(list, func(i, j int) bool { return len(list[i]) > len(list[j]) })
	}
	return m
}()

// surnameNames replaces a common surname that is followed by a given name
// of two kanji (佐藤花子), or that introduces the writer (卒業生の鈴木です,
// 佐藤でした). It looks the surnames up by their first character: one
// regular expression with every surname took a millisecond a question.
func surnameNames(s string) string {
	s = singleIntro(s)
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		end := -1
		for _, name := range surnamesByFirst[r] {
			if strings.HasPrefix(s[i:], name) {
				if end = surnameEnd(s, i, i+len(name)); end >= 0 {
					break
				}
			}
		}
		if end < 0 {
			i += size
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(Name)
		last, i = end, end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// surnameEnd returns where the name that starts with the surname at
// s[start:after] ends, or -1 when it is not a name there.
func surnameEnd(s string, start, after int) int {
	prev := before(s, start)
	if unicode.Is(unicode.Han, prev) {
		return -1 // inside a longer word
	}
	// An introduction: the surname, perhaps a given name, then です.
	if start == 0 || strings.ContainsRune(introBefore, prev) {
		for n := 3; n >= 0; n-- {
			end, ok := hanRunes(s, after, n)
			if !ok {
				continue
			}
			rest := strings.TrimLeft(s[end:], " 　")
			for _, w := range []string{"です", "でした", "と申", "だよ"} {
				if strings.HasPrefix(rest, w) {
					if !notAName(s[start:end], "") || end == after {
						return end
					}
				}
			}
		}
	}
	// A full name: the surname and a given name of two kanji.
	at := after
	if strings.HasPrefix(s[at:], " ") {
		at++
	} else if strings.HasPrefix(s[at:], "　") {
		at += len("　")
	}
	end, ok := hanRunes(s, at, 2)
	if !ok {
		return -1
	}
	given := s[at:end]
	first, _ := utf8.DecodeRuneInString(given)
	next, _ := utf8.DecodeRuneInString(s[end:])
	if notGiven[given] || strings.ContainsRune("市区町村県府都郡駅線店道州島", first) || unicode.Is(unicode.Han, next) {
		return -1 // 田中先生, 松本市役所, 田中研究室
	}
	return end
}

// introBefore are the characters that may come before a name that
// introduces the writer (卒業生の鈴木です).
const introBefore = " \t\n　、。,.!！?？「のはもで"

// singleIntro replaces a one-character surname that introduces the writer
// (こんにちは、森です): only after the start or a break, and never the
// directions and grades that are answers too (北です, 松です).
func singleIntro(s string) string {
	var b strings.Builder
	last := 0
	for i, r := range s {
		name := string(r)
		if !singleSurnames[name] || strings.ContainsRune("東西南北松竹梅金星何", r) {
			continue
		}
		if i > 0 && !strings.ContainsRune(introBefore, before(s, i)) {
			continue
		}
		rest := strings.TrimLeft(s[i+len(name):], " 　")
		if !strings.HasPrefix(rest, "です") && !strings.HasPrefix(rest, "と申") {
			continue
		}
		if strings.HasPrefix(rest, "ですか") {
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(Name)
		last = i + len(name)
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// hanRunes returns the end of the n kanji that start at s[i:], and
// whether there are n.
func hanRunes(s string, i, n int) (int, bool) {
	for range n {
		r, size := utf8.DecodeRuneInString(s[i:])
		if size == 0 || !(unicode.Is(unicode.Han, r) || r == '々') {
			return i, false
		}
		i += size
	}
	return i, true
}

// introducedName replaces the name after "my name is", "I'm": after "name"
// the words up to the first ordinary one ("my name is misspelled" has
// none); after "I'm" or "this is" only two capitalised words or more, so
// that "I'm Japanese" and "this is Outlook" stay.
func introducedName(s string, m []int) string {
	lead, space, words := s[m[2]:m[3]], s[m[4]:m[5]], s[m[6]:m[7]]
	fields := strings.Fields(words)
	byName := strings.Contains(strings.ToLower(lead), "name")
	n := 0
	for _, w := range fields {
		if !nameWord(w, !byName) {
			break
		}
		n++
	}
	if n == 0 || (!byName && n < 2) {
		return s[m[0]:m[1]]
	}
	return lead + space + Name + restAfterWords(words, n)
}

// signedName replaces a name that signs a message after "Thanks," or
// "Regards": lower-case words count only after a comma or a line break.
func signedName(s string, m []int) string {
	punct, words := s[m[4]:m[5]], s[m[6]:m[7]]
	loose := strings.ContainsAny(punct, ",\n-—–:")
	for _, w := range strings.Fields(words) {
		if !nameWord(w, !loose) {
			return s[m[0]:m[1]]
		}
	}
	return s[m[0]:m[6]] + Name + s[m[7]:m[1]]
}

// nameWord reports whether w can be a word of a name: not an ordinary
// English word, capitalised when capital is set.
func nameWord(w string, capital bool) bool {
	w = strings.TrimRight(w, ".,")
	if w == "" || stopWords[strings.ToLower(w)] {
		return false
	}
	first, _ := utf8.DecodeRuneInString(w)
	if capital && !unicode.IsUpper(first) {
		return false
	}
	if unicode.IsLower(first) {
		for _, suffix := range []string{"ed", "ing", "ly"} {
			if strings.HasSuffix(w, suffix) && len(w) > 4 {
				return false
			}
		}
	}
	return true
}

// restAfterWords returns what follows the first n words of s.
func restAfterWords(s string, n int) string {
	for i := 0; i < n; i++ {
		s = strings.TrimLeft(s, " \t")
		j := strings.IndexAny(s, " \t")
		if j < 0 {
			return ""
		}
		s = s[j:]
	}
	return s
}

// nonNames are words that take an honorific or introduce themselves but
// are not names.
var nonNames = setOf(`
皆 客 同 仕 模 多 異 一 有 文 紋 態 左 今 外 殿 神 奥 各 両 別 貴 上 母 父 兄 姉 弟 妹 子 娘 孫 嫁 婿 夫 妻 彼 仏 如何
主人 旦那 彼女 彼氏 先輩 後輩 友達 友人 同僚 上司 部下 家族 両親 親御 皆々 先生 教授 医者 大家 業者 各位 殿方 奥方 王子
兄弟 姉妹 息子 亭主 女将 皆様 皆さん 担当 担当者 事務 窓口 大学 学校 同窓会 相手 新人 新入 社員 本人 個人 一般
漢字 ローマ字 英語 日本語 カタカナ ひらがな 平仮名 片仮名 本名 旧姓 何 なん なに 必要 変更 同じ 表示 英字 苗字 登録 名字
フルネーム アルファベット ニックネーム 未定 不明 空欄 自分 私 僕 俺 わたし ぼく 本当 正式 全角 半角 大文字 小文字
`)

// nonNameSuffixes end words for roles and places, which take 様 or さん
// (担当者様, 事務局さん, 本屋さん) but are not names.
var nonNameSuffixes = []string{
	"者", "係", "員", "局", "課", "室", "部", "社", "店", "院", "会", "校", "所", "館", "庁", "省", "長", "様", "方", "人",
	"屋", "師", "官", "家", "手", "司", "輩", "達", "僚", "族", "親", "氏", "卒業生", "学生", "院生", "在校生", "新入生",
	"留学生", "研究生", "同級生", "先生", "教授", "大学", "学部", "科", "業", "等", "各位",
}

// singleSurnames are one-character surnames: 林さん is a person, 同様 is not.
var singleSurnames = setOf(`林 森 原 関 東 辻 谷 堀 岡 平 西 南 北 星 泉 宮 島 菅 沢 畑 浜 杉 萩 庄 秦 桜 梅 竹 松 楠 周 陳 王 李 朴 金 張 劉 呉 黄 楊 趙 孫 馬 郭 林 宋 何 高 崔 姜 尹 韓`)

// katakanaWords take さん or 様 but are not names.
var katakanaWords = setOf(`スタッフ オペレーター サポート ユーザー メンバー センター カスタマー マネージャー サーバー ドライバー チーム
デスク ヘルプデスク アドミン システム サービス パパ ママ ボット ロボット カスタマーサポート オペレータ ユーザ サーバ
ゲスト ファン クライアント ベンダー メーカー ショップ スポンサー ホスト オーナー リーダー ボス コンシェルジュ
`)

// notGiven are two kanji after a surname that are not a given name.
var notGiven = setOf(`先生 教授 課長 部長 係長 社長 店長 先輩 後輩 夫妻 一家 家族 研究 大学 学長 准教 助教 講師 博士 名誉
工業 製薬 銀行 商事 病院 研究室 市役 区役 駅前 様方 さん 君達 さま 氏名 個人 事務 理事 会長 副会 氏の 町長 市長 知事
`)

// stopWords are English words that are not names, after "my name is",
// "I'm", "Thanks," or before さん.
var stopWords = setOf(`
the a an and or but not no so to in on at for of from with by about as is are was were be been being i me my you
your we our they it this that there here all everyone everybody team guys folks again advance lot much very help
please sorry trying unable still also just now new old alumni alumnus alumna student graduate osaka university
japanese american german chinese korean french british english indian abroad outlook microsoft office google
gmail apple iphone android windows mac oumail teams line slack yahoo mail email account password locked logged
signed misspelled wrong correct right shown displayed written spelled different same changed incorrect missing
blank empty fine ok okay sure getting going having using writing asking looking currently already back able glad
happy confused stuck lost an in advance support staff admin bot chat what how why when where who which
unable can can't cannot cant don't dont doesn't isn't it's its im i'm having trying going not sure still
married divorced retired working living moving based new from japan tokyo osaka kyoto overseas abroad
hello hi hey dear sir madam regards thanks thank cheers best ty thx yours sincerely
`)

// surnameList holds common Japanese surnames of two characters or more.
const surnameList = `
佐藤 鈴木 高橋 田中 伊藤 渡辺 渡邊 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 斎藤 斉藤 清水 山崎
池田 橋本 阿部 石川 山下 中島 石井 小川 前田 岡田 長谷川 藤田 後藤 近藤 村上 遠藤 青木 坂本 福田 太田 西村 藤井
金子 岡本 藤原 中野 三浦 原田 中川 松田 竹内 小野 田村 中山 和田 石田 森田 上田 内田 柴田 酒井 宮崎 横山 高木
安藤 宮本 大野 小島 谷口 今井 工藤 高田 増田 丸山 杉山 村田 大塚 新井 小山 平野 藤本 河野 上野 野口 武田 松井
千葉 岩崎 菅原 木下 久保 佐野 野村 松尾 市川 菊地 杉本 古川 大西 島田 水野 桜井 高野 渡部 吉川 山内 西田 飯田
菊池 西川 小松 北村 安田 五十嵐 川口 平田 中田 久保田 服部 川崎 岩田 土屋 福島 本田 樋口 秋山 田口 永井 山中
中西 吉村 川上 石原 大橋 松岡 馬場 浅野 荒木 大久保 野田 小池 松下 大谷 熊谷 内藤 黒田 尾崎 永田 川村 望月
田辺 松村 荒井 大石 中尾 西山 小西 細川 宮田 上原 今村 北川 佐久間 早川 小田 堀田 森本 須藤 小沢 村井 浜田
星野 関口 片山 桑原 大島 河合 岩本 松浦 野崎 大竹 吉岡 矢野 山内 竹田 新田 榎本 宮下 岡崎 高山 平井 石黒
`
