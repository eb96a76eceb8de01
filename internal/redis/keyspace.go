package redis

// Every key madoguchi writes to Redis, in one place. They are data at rest
// that replicas of different versions share during a rolling update:
// change one only with a migration.
const (
	// root prefixes every key, so that madoguchi can share a Redis.
	root = "madoguchi:"

	// The state store's keys (see State).
	claimPrefix   = root + "claim:"   // + platform:event id, or any claimed key
	choicesPrefix = root + "choices:" // + user key: the choices last offered
	countPrefix   = root + "count:"   // + rate-limit key: a window's count

	// The intake queue's keys (see Queue): a stream per platform, read by
	// one consumer group, and the event ids taken from it.
	streamPrefix = root + "intake:"      // + platform
	seenPrefix   = root + "intake:seen:" // + platform:event id → the entry that took it
	group        = "madoguchi"

	// The handoff store's keys (see HandoffStore).
	handoffPrefix = root + "handoff:"
	ticketPrefix  = handoffPrefix + "t:"  // + ticket id: the ticket's hash
	userPrefix    = handoffPrefix + "u:"  // + handle: the user's open ticket
	threadPrefix  = handoffPrefix + "th:" // + channel:ts: the thread's ticket
	openKey       = handoffPrefix + "open"
	handoffClaim  = handoffPrefix + "c:" // + claimed key
)

// streamKey is the stream of platform's events.
func streamKey(platform string) string { return streamPrefix + platform }

// seenKey records which stream entry took platform's event id.
func seenKey(platform, id string) string { return seenPrefix + platform + ":" + id }
