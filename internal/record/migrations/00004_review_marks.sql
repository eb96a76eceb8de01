-- What the admins did with each reviewed question: applied (added to an
-- intent's examples) or dismissed, by whom and when, so that it leaves
-- the review. Portable SQL, as in 00001. Numbered high so as not to clash
-- with the migrations added beside it. Times are Unix milliseconds.

-- +goose Up
CREATE TABLE review_marks (
    question_id TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    who TEXT NOT NULL,
    action TEXT NOT NULL,
    intent TEXT NOT NULL
);

-- +goose Down
DROP TABLE review_marks;
