// The change feed: every (:Change) takes the next number of one counter on
// the (:GraphState) node, in the write transaction that records it, so the
// feed is read in commit order by a range of that number.
CREATE INDEX change_feed IF NOT EXISTS FOR (c:Change) ON (c.feed);
