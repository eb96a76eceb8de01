package line

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/handoff"
)

var _ handoff.Menus = (*Menus)(nil)

// menusFresh is how long the ids of madoguchi's rich menus are trusted
// before they are listed again: `richmenu apply` replaces them.
const menusFresh = 5 * time.Minute

// maxLinked bounds the users whose linked menu is remembered; past it the
// memory starts again (a forgotten user costs one more call at most).
const maxLinked = 10000

// Menus links LINE users to madoguchi's rich menus (made by `madoguchi
// line richmenu apply`): the staff menu, in the user's language, while
// they talk with staff (the handoff's Menus port), and the English main
// menu for a user whose messages are in English (Follow). Everyone else
// sees the channel's default, the Japanese main menu. It does nothing
// when LINE has no such menu.
type Menus struct {
	client *Client
	now    func() time.Time

	mu      sync.Mutex
	ids     map[string]string // "main en" → rich menu id
	fetched time.Time
	// linked is the menu this process last gave each user ("" the
	// default), by a hash of their id.
	linked map[[32]byte]string
}

// NewMenus returns Menus linking through c, the channel's one client;
// now is the clock (time.Now when nil).
func NewMenus(c *Client, now func() time.Time) *Menus {
	if now == nil {
		now = time.Now
	}
	return &Menus{client: c, now: now, linked: map[[32]byte]string{}}
}

// WithStaff links the user to the staff menu in lang (the handoff's Menus
// port); nothing when LINE has none.
func (m *Menus) WithStaff(ctx context.Context, platform, to string, lang catalogue.Lang) error {
	if platform != "line" {
		return nil
	}
	id, err := m.menu(ctx, menuStaff, lang)
	if err != nil || id == "" {
		return err
	}
	return m.give(ctx, to, id, false)
}

// WithBot gives the user back the bot's menu in lang when the conversation
// with staff closes (the handoff's Menus port).
func (m *Menus) WithBot(ctx context.Context, platform, to string, lang catalogue.Lang) error {
	if platform != "line" {
		return nil
	}
	// Without a staff menu nothing was linked for the conversation.
	if ja, err := m.menu(ctx, menuStaff, catalogue.Japanese); err != nil || ja == "" {
		return err
	}
	id, err := m.mainFor(ctx, lang)
	if err != nil {
		return err
	}
	// Another replica may have linked the staff menu: act even when this
	// one does not know the user.
	return m.give(ctx, to, id, false)
}

// Follow gives a user who wrote in lang the main menu in that language:
// the English one linked, or the default for Japanese. A user this
// process does not know is taken to have the default.
func (m *Menus) Follow(ctx context.Context, to string, lang catalogue.Lang) error {
	id, err := m.mainFor(ctx, lang)
	if err != nil {
		return err
	}
	return m.give(ctx, to, id, true)
}

// mainFor is the main menu to link for lang: the English one, or "" (the
// default) for Japanese or when there is no English menu.
func (m *Menus) mainFor(ctx context.Context, lang catalogue.Lang) (string, error) {
	if lang != catalogue.English {
		return "", nil
	}
	return m.menu(ctx, menuMain, catalogue.English)
}

// give links the user to menu id, or unlinks them ("": the default), unless
// this process gave them that menu last. unknownIsDefault takes a user
// this process does not know to have the default.
func (m *Menus) give(ctx context.Context, to, id string, unknownIsDefault bool) error {
	key := sha256.Sum256([]byte(to))
	m.mu.Lock()
	last, known := m.linked[key]
	m.mu.Unlock()
	if (known && last == id) || (!known && unknownIsDefault && id == "") {
		return nil
	}
	var err error
	if id == "" {
		err = m.client.menuCall(ctx, "unlink rich menu", func(api *messaging_api.MessagingApiAPI) (*http.Response, error) {
			res, _, err := api.UnlinkRichMenuIdFromUserWithHttpInfo(to)
			return res, err
		})
	} else {
		err = m.client.menuCall(ctx, "link rich menu", func(api *messaging_api.MessagingApiAPI) (*http.Response, error) {
			res, _, err := api.LinkRichMenuIdToUserWithHttpInfo(to, id)
			return res, err
		})
	}
	if ae, ok := errors.AsType[*APIError](err); ok && ae.Status == http.StatusNotFound {
		// The menu was replaced since it was listed: list again next time.
		m.mu.Lock()
		m.fetched = time.Time{}
		m.mu.Unlock()
	}
	if err != nil {
		return err
	}
	m.mu.Lock()
	if len(m.linked) >= maxLinked {
		clear(m.linked)
	}
	m.linked[key] = id
	m.mu.Unlock()
	return nil
}

// menu is the id of madoguchi's menu of kind in lang, "" when LINE has
// none; the list is read again once it is menusFresh old.
func (m *Menus) menu(ctx context.Context, kind string, lang catalogue.Lang) (string, error) {
	m.mu.Lock()
	fresh := m.ids != nil && m.now().Sub(m.fetched) < menusFresh
	m.mu.Unlock()
	if !fresh {
		menus, err := m.client.listMenus(ctx)
		if err != nil {
			return "", fmt.Errorf("rich menus: %w", err)
		}
		ids := map[string]string{}
		for _, mi := range menus {
			ids[mi.Kind+" "+string(mi.Lang)] = mi.ID
		}
		m.mu.Lock()
		m.ids, m.fetched = ids, m.now()
		m.mu.Unlock()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.ids[kind+" "+string(lang)], nil
}
