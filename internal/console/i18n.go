package console

import (
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/text/language"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// tr translates the console's words into one language.
type tr struct{ lang catalogue.Lang }

// S returns the text of key in the page's language; an unknown key shows
// itself, so that a missing translation is visible rather than blank.
func (t tr) S(key string) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	if t.lang == catalogue.Japanese {
		return m[1]
	}
	return m[0]
}

// Other is the language a page's language link switches to.
func (t tr) Other() string {
	if t.lang == catalogue.Japanese {
		return "en"
	}
	return "ja"
}

// matcher picks English or Japanese from Accept-Language.
var matcher = language.NewMatcher([]language.Tag{language.English, language.Japanese})

// translator chooses the language of a request: the language cookie (set
// by the switch link), else the browser's Accept-Language.
func translator(r *http.Request) tr {
	if ck, err := r.Cookie(langCookie); err == nil && (ck.Value == "ja" || ck.Value == "en") {
		return tr{catalogue.Lang(ck.Value)}
	}
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if _, i, conf := matcher.Match(tags...); i == 1 && conf != language.No {
		return tr{catalogue.Japanese}
	}
	return tr{catalogue.English}
}

// setLang switches the language and goes back to the page.
func (c *Console) setLang(w http.ResponseWriter, r *http.Request) {
	to := r.FormValue("to")
	if to != "ja" && to != "en" {
		http.Error(w, "lang: to must be ja or en", http.StatusBadRequest)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: to, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, Secure: c.auth.secure, SameSite: http.SameSiteLaxMode})
	back := c.localPath(r.FormValue("back"))
	if u, err := url.Parse(back); err != nil || strings.HasPrefix(u.Path, "/lang") {
		back = "/"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// messages are the console's words: key → {English, Japanese}.
var messages = map[string][2]string{
	"title":                     {"madoguchi console", "madoguchi 管理画面"},
	"nav.overview":              {"Overview", "概要"},
	"nav.review":                {"Review", "見直し"},
	"nav.try":                   {"Try", "試す"},
	"nav.intents":               {"Intents", "インテント"},
	"nav.handoffs":              {"Handoffs", "有人対応"},
	"nav.audit":                 {"Audit log", "変更履歴"},
	"nav.login":                 {"Sign in", "ログイン"},
	"nav.error":                 {"Error", "エラー"},
	"nav.applied":               {"Change", "変更"},
	"nav.intent":                {"Intent", "インテント"},
	"nav.working":               {"Checking the change", "変更を確認中"},
	"working":                   {"Lint, then the leave-one-out test before and after: this can take a minute on a large catalogue. The page refreshes itself.", "書式を確認し、変更の前と後で例文による正答率を測っています。大きなカタログでは1分ほどかかります。このページは自動で更新されます。"},
	"working.refresh":           {"Refresh", "更新"},
	"err.job":                   {"There is no such change (changes are kept for an hour).", "その変更はありません（変更の結果は1時間保存されます）。"},
	"signout":                   {"Sign out", "ログアウト"},
	"signin":                    {"Sign in", "ログイン"},
	"signin.slack":              {"Sign in with Slack", "Slackでログイン"},
	"signin.password":           {"Admin password", "管理者パスワード"},
	"signin.dev":                {"Development sign-in: no Slack is asked, anyone on this machine signs in as a made-up user (MADOGUCHI_CONSOLE_DEV_OIDC).", "開発用のログインです。Slackには接続せず、このマシンからは誰でも架空の利用者としてログインできます（MADOGUCHI_CONSOLE_DEV_OIDC）。"},
	"signin.or":                 {"or", "または"},
	"err.nopassword":            {"Password sign-in is not enabled.", "パスワードでのログインは有効ではありません。"},
	"err.noslack":               {"Sign in with Slack is not enabled.", "Slackでのログインは有効ではありません。"},
	"err.toomany":               {"Too many sign-in attempts. Wait a minute and try again.", "ログインの試行が多すぎます。1分待ってからもう一度お試しください。"},
	"err.emptypassword":         {"Enter the password.", "パスワードを入力してください。"},
	"err.wrongpassword":         {"The password is wrong.", "パスワードが違います。"},
	"err.provider":              {"Slack could not be reached to sign in. Try again later.", "ログインのためにSlackに接続できませんでした。後でもう一度お試しください。"},
	"err.state":                 {"This sign-in expired or did not start here. Sign in again.", "このログインは期限切れか、ここで始まったものではありません。もう一度ログインしてください。"},
	"err.denied":                {"Slack did not confirm who you are. Sign in again.", "Slackで本人確認ができませんでした。もう一度ログインしてください。"},
	"err.notallowed":            {"This Slack account may not use the console.", "このSlackアカウントは管理画面を使えません。"},
	"err.period":                {"The period must be 7, 30 or 90 days.", "期間は7日、30日、90日のいずれかです。"},
	"err.norecord":              {"The record of questions is off, so there is nothing to show here.", "質問の記録がオフのため、表示するものがありません。"},
	"err.readrecord":            {"The record of questions could not be read. Try again; the log says why.", "質問の記録を読めませんでした。もう一度お試しください（理由はログにあります）。"},
	"err.noaudit":               {"Changes are refused while the record is off: every change must be written to the audit log.", "記録がオフのため変更できません（変更はすべて変更履歴に残す必要があります）。"},
	"err.audit":                 {"The change was not made: the audit log could not be written.", "変更履歴に書き込めなかったため、変更していません。"},
	"err.cluster":               {"That group of questions is no longer in the review (the record changed). Reload the page and try again.", "その質問のグループは見直しの一覧にありません（記録が変わりました）。ページを再読み込みしてください。"},
	"err.nointent":              {"Choose an existing intent.", "既存のインテントを選んでください。"},
	"err.lint":                  {"The change was refused, nothing was written:", "変更は受け付けられず、何も書き込んでいません："},
	"err.write":                 {"The intent files could not be written; the log says why.", "インテントのファイルを書き込めませんでした（理由はログにあります）。"},
	"err.id":                    {"The id must be 1 to 64 lowercase letters, digits and hyphens, starting with a letter or digit.", "IDは英小文字・数字・ハイフンで1〜64文字、先頭は英小文字か数字です。"},
	"err.exists":                {"An intent with this id already exists.", "このIDのインテントはすでにあります。"},
	"err.fields":                {"Fill in both titles, both answers and at least one example.", "題名（日英）、回答（日英）、例文を1つ以上入力してください。"},
	"err.question":              {"The question is too long (at most 1,000 characters).", "質問が長すぎます（1,000文字まで）。"},
	"err.notfound":              {"There is no such page.", "そのページはありません。"},
	"err.download":              {"That download has expired. Apply the change again.", "ダウンロードの期限が切れました。もう一度変更を適用してください。"},
	"period":                    {"Period", "期間"},
	"days":                      {"days", "日"},
	"show":                      {"Show", "表示"},
	"questions":                 {"Questions", "質問数"},
	"answered":                  {"Answered", "回答"},
	"clarified":                 {"Asked back", "聞き返し"},
	"escalated":                 {"Escalated", "窓口案内"},
	"answer.rate":               {"Answer rate", "回答率"},
	"clarify.rate":              {"Asked-back rate", "聞き返し率"},
	"escalate.rate":             {"Escalation rate", "窓口案内率"},
	"feedback":                  {"Feedback (👍 helpful / 👎 not helpful)", "評価（👍 役に立った／👎 役に立たなかった）"},
	"feedback.short":            {"Feedback", "評価"},
	"helpful":                   {"Helpful", "役に立った"},
	"nothelpful":                {"Not helpful", "役に立たなかった"},
	"handoffs":                  {"Handoffs", "有人対応"},
	"askedperson":               {"Asked for a person", "担当者を希望"},
	"perday":                    {"Questions per day", "日別の質問数"},
	"table":                     {"As a table", "表で見る"},
	"day":                       {"Day", "日付"},
	"top":                       {"Top intents", "よく使われたインテント"},
	"intent":                    {"Intent", "インテント"},
	"count":                     {"Count", "件数"},
	"review.intro":              {"Questions that went wrong (escalated, asked back, or 👎), grouped by need, largest first.", "うまく答えられなかった質問（窓口案内、聞き返し、👎）を内容ごとにまとめ、多い順に並べています。"},
	"review.none":               {"No question went wrong in this period.", "この期間にうまく答えられなかった質問はありません。"},
	"review.why":                {"Why", "理由"},
	"review.examples":           {"Examples", "質問の例"},
	"review.nearest":            {"Nearest intent", "最も近いインテント"},
	"review.picked":             {"users picked it", "利用者が選択"},
	"review.suggestion":         {"Suggestion", "提案"},
	"review.addto":              {"Add these as examples to", "これらを例文として追加："},
	"review.apply":              {"Add examples", "例文を追加"},
	"review.new":                {"New intent", "新しいインテント"},
	"review.newhelp":            {"Write a new intent from these questions: both titles, both answers, and at least one example in each language. Lint checks it before anything is written.", "これらの質問から新しいインテントを作ります。題名と回答は日英両方、例文は各言語1つ以上必要です。書き込む前に書式を確認します。"},
	"sugg.add-examples":         {"add them as examples", "例文として追加"},
	"sugg.new-intent":           {"a new intent", "新しいインテント"},
	"sugg.out-of-scope":         {"out of scope", "対象外"},
	"id":                        {"Id (file name)", "ID（ファイル名）"},
	"title.ja":                  {"Title (Japanese)", "題名（日本語）"},
	"title.max":                 {"(at most %d characters)", "（%d文字まで）"},
	"nav.newintent":             {"New intent", "新しいインテント"},
	"title.en":                  {"Title (English)", "題名（英語）"},
	"examples.ja":               {"Examples in Japanese, one a line", "日本語の例文（1行に1つ）"},
	"examples.en":               {"Examples in English, one a line", "英語の例文（1行に1つ）"},
	"answer.ja":                 {"Answer (Japanese)", "回答（日本語）"},
	"answer.en":                 {"Answer (English)", "回答（英語）"},
	"create":                    {"Create the intent", "インテントを作成"},
	"applied":                   {"Applied", "適用しました"},
	"applied.files":             {"Files written", "書き込んだファイル"},
	"applied.added":             {"Examples added", "追加した例文"},
	"applied.reloaded":          {"The running bot reloaded the catalogue", "稼働中のボットがカタログを再読み込みしました"},
	"applied.notreload":         {"The running bot refused the reload:", "稼働中のボットは再読み込みを拒否しました："},
	"applied.readonly":          {"The intents directory is read-only (a ConfigMap?): nothing was written. Download the changed file and commit it where the catalogue is kept.", "インテントのディレクトリは読み取り専用です（ConfigMap？）。何も書き込んでいません。変更後のファイルをダウンロードして、カタログの管理場所に反映してください。"},
	"applied.download":          {"Download", "ダウンロード"},
	"figures":                   {"Figures", "指標"},
	"before":                    {"Before", "変更前"},
	"after":                     {"After", "変更後"},
	"loo":                       {"Leave-one-out accuracy", "例文を1つずつ除いて試した正答率"},
	"loo.wrong":                 {"Leave-one-out wrong answers", "例文を1つずつ除いて試した誤答率"},
	"reviewed":                  {"Reviewed questions answered as suggested", "見直した質問のうち提案どおりに回答"},
	"tryq":                      {"Question", "質問"},
	"ask":                       {"Ask", "質問する"},
	"try.intro":                 {"Type a question as an alumnus or a member of staff would. Nothing is recorded.", "卒業生や職員が送るように質問を入力してください。記録はされません。"},
	"reply":                     {"Reply", "返答"},
	"decision":                  {"Decision", "判定"},
	"asline":                    {"As LINE shows it", "LINEでの表示"},
	"asslack":                   {"As Slack shows it", "Slackでの表示"},
	"json":                      {"Payload (JSON)", "送信内容（JSON）"},
	"explain":                   {"Why", "判定の理由"},
	"normalized":                {"Normalised", "正規化後"},
	"terms":                     {"Terms", "語"},
	"candidates":                {"Candidates", "候補"},
	"score":                     {"Score", "スコア"},
	"closest":                   {"Closest example", "最も近い例文"},
	"matched":                   {"Matched terms", "一致した語"},
	"contact":                   {"Office", "窓口"},
	"related":                   {"Related", "関連"},
	"examples":                  {"Examples", "例文"},
	"lint":                      {"Lint", "書式チェック"},
	"lint.ok":                   {"ok", "問題なし"},
	"intents.catalogue":         {"Catalogue", "カタログ"},
	"intents.loaded":            {"intents loaded", "件のインテントを読み込み済み"},
	"intents.refused":           {"The last reload was refused; the bot serves the last good catalogue:", "直前の再読み込みは拒否され、ボットは最後に正常だったカタログで動いています："},
	"answer":                    {"Answer", "回答"},
	"recent":                    {"Recent questions", "最近の質問"},
	"when":                      {"When", "日時"},
	"text":                      {"Text", "本文"},
	"handoffs.off":              {"Handoffs are not enabled on this bot.", "このボットでは有人対応は有効ではありません。"},
	"handoffs.none":             {"No conversation is open.", "対応中の会話はありません。"},
	"opened":                    {"Opened", "開始"},
	"status":                    {"Status", "状態"},
	"taker":                     {"Taken by", "担当"},
	"platform":                  {"Platform", "プラットフォーム"},
	"who":                       {"Who", "誰が"},
	"what":                      {"What", "何を"},
	"audit.none":                {"No change yet.", "変更はまだありません。"},
	"lang.switch":               {"日本語", "English"},
	"back":                      {"Back", "戻る"},
	"error":                     {"Something is wrong", "エラー"},
	"decision.answer":           {"answer", "回答"},
	"decision.clarify":          {"ask back", "聞き返し"},
	"decision.escalate":         {"escalate", "窓口案内"},
	"examples.jacol":            {"Examples (ja)", "例文（日本語）"},
	"examples.encol":            {"(en)", "（英語）"},
	"lang.ja":                   {"Japanese", "日本語"},
	"lang.en":                   {"English", "英語"},
	"handoff.open":              {"open", "対応中"},
	"handoff.closed":            {"closed", "終了"},
	"platform.line":             {"LINE", "LINE"},
	"platform.slack":            {"Slack", "Slack"},
	"platform.cli":              {"terminal", "端末"},
	"audit.review.add-examples": {"Examples added", "例文を追加"},
	"audit.review.new-intent":   {"Intent created", "インテントを作成"},
	"audit.picked":              {"%[1]d examples added: %[2]s", "例文を %[1]d 件追加: %[2]s"},
	"audit.added":               {"%[2]d examples added to “%[1]s”: %[3]s", "「%[1]s」に例文を %[2]d 件追加: %[3]s"},
	"audit.created":             {"Intent “%[1]s” (%[2]s) created with %[3]d examples", "インテント「%[1]s」（%[2]s）を作成（例文 %[3]d 件）"},
	"audit.readonly":            {"(read-only catalogue: offered as a download)", "（カタログが読み取り専用のため、ダウンロードで提供）"},
	"record.off":                {"The record of questions is off: figures need it (serve --record=on).", "質問の記録がオフです。指標には記録が必要です（serve --record=on）。"},
	"feedback.ratio":            {"Helpful", "役立った"},
	"nav.intent-drafts":         {"Drafts", "下書き"},
	"drafts.intro":              {"Imported intents that the bot does not answer from yet. Write what each still needs in its file, then delete its \"draft: true\" line.", "取り込んだインテントの下書きです。ボットはまだ回答に使いません。各ファイルに残りの内容を書き、\"draft: true\" の行を削除してください。"},
	"drafts.file":               {"Draft", "下書き"},
	"drafts.source":             {"Imported from", "取り込み元"},
	"drafts.needs":              {"Still needs", "残りの作業"},
	"drafts.ready":              {"Ready: delete \"draft: true\" to publish it", "完成: \"draft: true\" を削除すると公開されます"},
	"drafts.none":               {"No drafts. madoguchi import writes drafts from the office's FAQ documents.", "下書きはありません。madoguchi import で、既存のFAQ文書から下書きを作れます。"},
	"review.choose":             {"Tick the questions to add as examples (none is ticked for you), edit a question's words if needed, choose its intent, then check the effect before anything is written.", "例文として追加する質問にチェックを入れ（最初はどれも未選択です）、必要なら文言を直し、インテントを選んでから、書き込む前に影響を確認してください。"},
	"review.add":                {"Add", "追加"},
	"review.question":           {"Question", "質問"},
	"review.intent":             {"Intent", "インテント"},
	"review.evidence":           {"Suggestion and evidence", "提案と根拠"},
	"review.confidence":         {"confidence", "確信度"},
	"review.closest":            {"closest example", "最も近い例文"},
	"review.nosugg":             {"no suggestion", "提案なし"},
	"review.personal":           {"Personal data: edit it before adding", "個人情報を含みます。追加する前に文言を直してください"},
	"review.check":              {"Check the effect of the ticked questions", "チェックした質問の影響を確認"},
	"review.dismiss":            {"Dismiss the ticked questions", "チェックした質問を対応不要にする"},
	"review.pages":              {"Pages", "ページ"},
	"review.prev":               {"Previous", "前へ"},
	"review.next":               {"Next", "次へ"},
	"review.notours":            {"Asked, not ours", "対象外の質問"},
	"review.notourshelp":        {"Rightly escalated, or about something the catalogue does not cover: not failures. Material for new out-of-scope intents.", "正しく窓口案内した質問、またはカタログの対象外の質問です（失敗ではありません）。対象外インテントを作る材料になります。"},
	"plan.title":                {"Effect of the change", "変更の影響"},
	"plan.intro":                {"Nothing has been written yet.", "まだ何も書き込んでいません。"},
	"plan.adds":                 {"Examples to add", "追加する例文"},
	"plan.shifts":               {"Recorded questions answered differently", "回答が変わる記録済みの質問"},
	"plan.noshift":              {"No recorded question would be answered differently.", "回答が変わる記録済みの質問はありません。"},
	"plan.offtopic":             {"was rightly escalated", "正しく窓口案内していた質問です"},
	"plan.refused":              {"This change would make the catalogue worse:", "この変更はカタログを悪くします："},
	"plan.override":             {"Write it anyway (recorded in the audit log)", "それでも書き込む（監査ログに記録されます）"},
	"plan.apply":                {"Write these examples", "この例文を書き込む"},
	"err.nopick":                {"Tick at least one question.", "質問を1つ以上チェックしてください。"},
	"err.personal":              {"A question with personal data cannot be added: edit it first.", "個人情報を含む質問は追加できません。先に文言を直してください。"},
	"err.worse":                 {"The change would make the catalogue worse, so nothing was written.", "変更するとカタログが悪くなるため、何も書き込みませんでした。"},
	"nav.drafts":                {"From staff", "スタッフから"},
	"drafts.draft":              {"Draft", "下書き"},
	"drafts.questions":          {"The alumnus asked", "利用者の質問"},
	"drafts.answer":             {"Staff answered", "スタッフの回答"},
	"drafts.where":              {"Publish into", "公開先"},
	"drafts.existing":           {"An existing intent (add the questions as examples)", "既存のインテント（質問を例文に追加）"},
	"drafts.replace":            {"and replace its answer with the one below", "回答も下記に置き換える"},
	"drafts.new":                {"A new intent", "新しいインテント"},
	"drafts.examples":           {"Examples, one a line (each goes to its language; a new intent needs one in each)", "例文（1行に1つ、言語ごとに振り分け。新しいインテントには日英それぞれ1つ以上）"},
	"drafts.write":              {"write this language", "この言語を記入"},
	"drafts.publish":            {"Check and publish", "確認して公開"},
	"drafts.discard":            {"Discard", "破棄"},
	"err.dr.examples":           {"Keep at least one question as an example.", "例文として質問を1つ以上残してください。"},
	"err.dr.answers":            {"To replace the answer, write it in both languages.", "回答を置き換えるには、日英両方を入力してください。"},
	"err.dr.gone":               {"This draft was already published or discarded.", "この下書きはすでに公開または破棄されています。"},
	"resolution":                {"Resolution", "解決の状況"},
	"selfres":                   {"Self-resolution rate", "自己解決率"},
	"selfres.confirmed":         {"confirmed (“Solved”)", "「解決しました」"},
	"selfres.assumed":           {"assumed (quiet for 24 h)", "推定（24時間再質問なし）"},
	"selfres.pending":           {"answered in the last 24 h, not judged yet", "直近24時間の回答は未判定"},
	"helpful.share":             {"Rated “Solved”", "「解決しました」の割合"},
	"handoff.rate":              {"Handoff rate", "有人対応率"},
	"handoffs.perday":           {"Handoffs per day", "1日あたりの有人対応"},
	"firstreply":                {"Median time to the first staff reply", "スタッフの初回返信までの時間（中央値）"},
	"csat":                      {"Satisfied after a handoff", "有人対応後の満足度"},
	"ratings":                   {"ratings", "件の評価"},
	"trend":                     {"Answer and self-resolution rates per day", "日別の回答率と自己解決率"},
}
