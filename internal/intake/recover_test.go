package intake

import (
	"context"
	"errors"
	"testing"
)

func TestRecovering(t *testing.T) {
	var got any
	h := Recovering(func(v any, stack []byte) {
		got = v
		if len(stack) == 0 {
			t.Error("got no stack")
		}
	}, func(context.Context, Event) error { panic("boom") })
	if err := h(context.Background(), Event{}); err != nil {
		t.Errorf("got %v, want nil: a panicking event counts as handled", err)
	}
	if got != "boom" {
		t.Errorf("got panic value %v, want boom", got)
	}
	want := errors.New("interrupted")
	h = Recovering(func(any, []byte) { t.Error("reported a panic that did not happen") },
		func(context.Context, Event) error { return want })
	if err := h(context.Background(), Event{}); err != want {
		t.Errorf("got %v, want %v", err, want)
	}
}
