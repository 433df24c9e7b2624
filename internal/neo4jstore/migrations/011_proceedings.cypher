// Proceedings and the sentences they impose: relationship IDs, as for
// every other type (003).
CREATE INDEX rel_has_proceeding_id IF NOT EXISTS FOR ()-[r:HAS_PROCEEDING]-() ON (r.id);
CREATE INDEX rel_held_by_id IF NOT EXISTS FOR ()-[r:HELD_BY]-() ON (r.id);
CREATE INDEX rel_tried_in_id IF NOT EXISTS FOR ()-[r:TRIED_IN]-() ON (r.id);
CREATE INDEX rel_reviews_id IF NOT EXISTS FOR ()-[r:REVIEWS]-() ON (r.id);
CREATE INDEX rel_imposed_in_id IF NOT EXISTS FOR ()-[r:IMPOSED_IN]-() ON (r.id);
CREATE INDEX rel_replaces_id IF NOT EXISTS FOR ()-[r:REPLACES]-() ON (r.id);
