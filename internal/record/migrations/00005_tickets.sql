-- What the office's figures need of each conversation with staff: when it
-- opened, when staff first replied, and the user's rating after it closed.
-- Neither the staff member nor the user is stored: the figures are an
-- aggregate of the office, not a ranking of people. Portable SQL, as in
-- 00001; times are Unix milliseconds. (Numbered 124, apart from the
-- numbers that migrations written beside it took: 00024, 00220.)

-- +goose Up
CREATE TABLE tickets (
    id TEXT PRIMARY KEY,
    opened BIGINT NOT NULL,
    first_reply BIGINT
);
CREATE INDEX tickets_opened ON tickets (opened);

-- A rating of 1..levels (levels 3 or 5); the first tap counts.
CREATE TABLE ratings (
    ticket_id TEXT PRIMARY KEY,
    score INTEGER NOT NULL,
    levels INTEGER NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX ratings_at ON ratings (at);

-- +goose Down
DROP TABLE ratings;
DROP TABLE tickets;
