-- The record of questions: one schema for SQLite and PostgreSQL, so the
-- SQL keeps to what both accept. Times are Unix milliseconds.

-- +goose Up
CREATE TABLE questions (
    id TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    platform TEXT NOT NULL,
    lang TEXT NOT NULL,
    user_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    decision TEXT NOT NULL,
    intent TEXT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    candidates TEXT NOT NULL,
    asked_for_person INTEGER NOT NULL,
    catalogue TEXT NOT NULL
);
CREATE INDEX questions_at ON questions (at);
CREATE INDEX questions_user ON questions (user_key);

-- A question's 👍 (good = 1) or 👎 (good = 0): the first click counts.
CREATE TABLE feedback (
    question_id TEXT PRIMARY KEY,
    good INTEGER NOT NULL,
    at BIGINT NOT NULL
);

-- A question that was handed to staff.
CREATE TABLE handoffs (
    question_id TEXT PRIMARY KEY,
    at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE handoffs;
DROP TABLE feedback;
DROP TABLE questions;
