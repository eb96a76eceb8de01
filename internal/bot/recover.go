package bot

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// Panic describes a panic recovered while answering one message. It carries
// no message text, so that it can be logged as it is.
type Panic struct {
	// Op is where it happened: "ask", "choose" or "message".
	Op string
	// Value is a runtime error's message ("slice bounds out of range
	// [-1:]"), which quotes no user data, or else only the panic value's
	// type: any other value may quote the text being answered.
	Value string
	// Stack is the panicking goroutine's stack (runtime/debug.Stack). Go
	// prints arguments there as machine words, never the strings they
	// point to.
	Stack []byte
}

// OnPanic sets what hears of a panic recovered while answering (the wiring
// logs and counts it). Whether or not it is set, the user gets the
// escalation reply and the process carries on: one message must never take
// down the bot for everyone. It may be called at any time.
func (b *Bot) OnPanic(fn func(Panic)) { b.onPanic.Store(&fn) }

// recovered is deferred by every entry point that answers a message: on a
// panic it replaces the reply with the escalation in lang and reports the
// panic. It must be deferred directly, for recover to see the panic.
func (b *Bot) recovered(op string, lang catalogue.Lang, r *Reply) {
	v := recover()
	if v == nil {
		return
	}
	p := NewPanic(op, v, debug.Stack())
	if fn := b.onPanic.Load(); fn != nil && *fn != nil {
		(*fn)(p)
	}
	*r = escalate(b.Index().Catalogue(), lang, false)
}

// NewPanic describes a recovered panic value v without quoting it, unless
// it is a runtime error: those never carry user data. Callers that recover
// panics of their own (a worker pool) report them in the same form.
func NewPanic(op string, v any, stack []byte) Panic {
	value := fmt.Sprintf("panic value of type %T", v)
	if err, ok := v.(runtime.Error); ok {
		value = err.Error()
	}
	return Panic{Op: op, Value: value, Stack: stack}
}
