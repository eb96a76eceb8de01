package catalogue

import "fmt"

// Unfinished lists what draft in still needs before it can be published:
// the problems Load would report once its "draft: true" line is gone, then
// the languages with fewer examples than RecommendedExamples. A draft with
// nothing listed is ready: removing that line publishes it.
func Unfinished(in *Intent) Problems {
	ps := append(Problems(nil), in.Needs...)
	for _, l := range Langs {
		if n := len(in.Examples.In(l)); n > 0 && n < RecommendedExamples {
			ps = append(ps, Problem{File: in.File,
				Msg:   fmt.Sprintf("%d examples (%s); write %d or more, the ways people really ask", n, l, RecommendedExamples),
				MsgJA: fmt.Sprintf("例文 (%s) が %d 件です。実際の聞き方を %d 件以上書いてください", l, n, RecommendedExamples)})
		}
	}
	return ps.sorted()
}

// draftAdvice is lint's word on each draft: that nothing answers from it,
// and what it still needs.
func draftAdvice(drafts []*Intent) Problems {
	var ps Problems
	for _, in := range drafts {
		needs := Unfinished(in)
		if len(needs) == 0 {
			ps = append(ps, Problem{File: in.File,
				Msg:   `draft, not answered: it is complete; remove its "draft: true" line to publish it`,
				MsgJA: `下書き（回答に使われません）: 必要な項目はそろっています。"draft: true" の行を削除すると公開されます`})
			continue
		}
		ps = append(ps, Problem{File: in.File,
			Msg:   fmt.Sprintf("draft, not answered until finished: %d things to do below, then remove its \"draft: true\" line", len(needs)),
			MsgJA: fmt.Sprintf("下書き（回答に使われません）: 下の %d 件を済ませてから \"draft: true\" の行を削除してください", len(needs))})
		for _, p := range needs {
			p.Msg = "draft needs: " + p.Msg
			if p.MsgJA != "" {
				p.MsgJA = "下書きに必要: " + p.MsgJA
			}
			ps = append(ps, p)
		}
	}
	return ps
}

// noteOverlaps adds to each draft's needs the examples that a published
// intent already has: the question may be answered already (merge the
// draft into that intent), and publishing the draft as it is would fail.
func noteOverlaps(c *Catalogue) {
	owner := map[string]*Intent{}
	for _, in := range c.Intents {
		for _, ex := range in.Examples.All() {
			owner[normalizeExample(ex)] = in
		}
	}
	for _, d := range c.Drafts {
		for _, ex := range d.Examples.All() {
			if in := owner[normalizeExample(ex)]; in != nil {
				d.Needs = append(d.Needs, Problem{File: d.File,
					Msg:   fmt.Sprintf("example %q is already an example of intent %q (%s): that intent may answer this question already; add what is new there, or write the example differently", ex, in.ID, in.File),
					MsgJA: fmt.Sprintf("例文「%s」はインテント %q（%s）の例文にもあります。すでにそのインテントで答えられるかもしれません。新しい内容はそちらに加えるか、例文を変えてください", ex, in.ID, in.File)})
			}
		}
	}
}
