// Idempotency keys: a change made under a client's key is recorded as an
// (:Applied) node with its answer, so the same change sent again is
// answered, not made twice. Keys are kept for a day; the index lets each
// write forget the old ones cheaply.
CREATE CONSTRAINT applied_key IF NOT EXISTS FOR (a:Applied) REQUIRE a.key IS UNIQUE;
CREATE INDEX applied_at IF NOT EXISTS FOR (a:Applied) ON (a.at);
