package bot

import "time"

// handoffRecorder is a Recorder that also keeps which questions were handed
// to staff (record.Recorder does).
type handoffRecorder interface {
	Recorder
	Handoff(user string, at time.Time)
}

// HandedOff notes in the record that user's latest question went to the
// office's staff, so that the review counts what the bot could not do.
// Without a recorder, or one that keeps no handoffs, it does nothing.
func (d *Dialog) HandedOff(user string) {
	if h, ok := d.rec.(handoffRecorder); ok {
		h.Handoff(d.pseudonym(user), d.now())
	}
}
