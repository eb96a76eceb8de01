package line

import "github.com/oumail-alumni/madoguchi/internal/bot"

// Preview returns the messages a reply becomes on LINE (the "messages" of
// a reply request), for the console's Try page: the same render the
// webhook uses, so what an admin sees is what alumni get.
func Preview(r bot.Reply) any { return render(r) }
