-- FAQ drafts saved by staff from a handoff ticket: the alumnus's questions
-- (redacted, a JSON array of strings) and the staff reply chosen as the
-- answer, until an admin publishes or discards them. Portable SQL, as in
-- 00001; source (the staff reply's channel/ts) makes a second save of the
-- same reply a no-op. Times are Unix milliseconds.

-- +goose Up
CREATE TABLE drafts (
    id TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    source TEXT NOT NULL,
    ticket TEXT NOT NULL,
    lang TEXT NOT NULL,
    questions TEXT NOT NULL,
    answer TEXT NOT NULL,
    saved_by TEXT NOT NULL
);
CREATE UNIQUE INDEX drafts_source ON drafts (source);
CREATE INDEX drafts_at ON drafts (at);

-- +goose Down
DROP TABLE drafts;
