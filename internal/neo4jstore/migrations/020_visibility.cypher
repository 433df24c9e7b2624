// A restricted fact holds the groups that may read it in its groups
// property; a public one has none, so these indexes hold the restricted
// facts alone, which are few. Counts answer a reader by subtracting what
// they may not see from Neo4j's counts (stats.go), and views leave out
// citations of the sources they may not see (views.go), without reading
// every fact. One per relationship type: Neo4j indexes relationship
// properties per type.
CREATE INDEX entity_groups IF NOT EXISTS FOR (n:Entity) ON (n.groups);
CREATE INDEX rel_leads_groups IF NOT EXISTS FOR ()-[r:LEADS]-() ON (r.groups);
CREATE INDEX rel_member_of_groups IF NOT EXISTS FOR ()-[r:MEMBER_OF]-() ON (r.groups);
CREATE INDEX rel_founded_groups IF NOT EXISTS FOR ()-[r:FOUNDED]-() ON (r.groups);
CREATE INDEX rel_works_for_groups IF NOT EXISTS FOR ()-[r:WORKS_FOR]-() ON (r.groups);
CREATE INDEX rel_owns_groups IF NOT EXISTS FOR ()-[r:OWNS]-() ON (r.groups);
CREATE INDEX rel_relative_of_groups IF NOT EXISTS FOR ()-[r:RELATIVE_OF]-() ON (r.groups);
CREATE INDEX rel_associated_with_groups IF NOT EXISTS FOR ()-[r:ASSOCIATED_WITH]-() ON (r.groups);
CREATE INDEX rel_defendant_in_groups IF NOT EXISTS FOR ()-[r:DEFENDANT_IN]-() ON (r.groups);
CREATE INDEX rel_complainant_in_groups IF NOT EXISTS FOR ()-[r:COMPLAINANT_IN]-() ON (r.groups);
CREATE INDEX rel_lawyer_in_groups IF NOT EXISTS FOR ()-[r:LAWYER_IN]-() ON (r.groups);
CREATE INDEX rel_judge_in_groups IF NOT EXISTS FOR ()-[r:JUDGE_IN]-() ON (r.groups);
CREATE INDEX rel_prosecutor_in_groups IF NOT EXISTS FOR ()-[r:PROSECUTOR_IN]-() ON (r.groups);
CREATE INDEX rel_heard_by_groups IF NOT EXISTS FOR ()-[r:HEARD_BY]-() ON (r.groups);
CREATE INDEX rel_concerns_groups IF NOT EXISTS FOR ()-[r:CONCERNS]-() ON (r.groups);
CREATE INDEX rel_participated_in_groups IF NOT EXISTS FOR ()-[r:PARTICIPATED_IN]-() ON (r.groups);
CREATE INDEX rel_organised_groups IF NOT EXISTS FOR ()-[r:ORGANISED]-() ON (r.groups);
CREATE INDEX rel_subject_of_groups IF NOT EXISTS FOR ()-[r:SUBJECT_OF]-() ON (r.groups);
CREATE INDEX rel_issued_groups IF NOT EXISTS FOR ()-[r:ISSUED]-() ON (r.groups);
CREATE INDEX rel_about_groups IF NOT EXISTS FOR ()-[r:ABOUT]-() ON (r.groups);
CREATE INDEX rel_assessed_groups IF NOT EXISTS FOR ()-[r:ASSESSED]-() ON (r.groups);
CREATE INDEX rel_preceded_groups IF NOT EXISTS FOR ()-[r:PRECEDED]-() ON (r.groups);
CREATE INDEX rel_caused_groups IF NOT EXISTS FOR ()-[r:CAUSED]-() ON (r.groups);
CREATE INDEX rel_located_in_groups IF NOT EXISTS FOR ()-[r:LOCATED_IN]-() ON (r.groups);
CREATE INDEX rel_in_code_groups IF NOT EXISTS FOR ()-[r:IN_CODE]-() ON (r.groups);
CREATE INDEX rel_part_of_groups IF NOT EXISTS FOR ()-[r:PART_OF]-() ON (r.groups);
CREATE INDEX rel_has_charge_groups IF NOT EXISTS FOR ()-[r:HAS_CHARGE]-() ON (r.groups);
CREATE INDEX rel_charged_with_groups IF NOT EXISTS FOR ()-[r:CHARGED_WITH]-() ON (r.groups);
CREATE INDEX rel_under_article_groups IF NOT EXISTS FOR ()-[r:UNDER_ARTICLE]-() ON (r.groups);
CREATE INDEX rel_brought_by_groups IF NOT EXISTS FOR ()-[r:BROUGHT_BY]-() ON (r.groups);
CREATE INDEX rel_supersedes_groups IF NOT EXISTS FOR ()-[r:SUPERSEDES]-() ON (r.groups);
CREATE INDEX rel_has_sentence_groups IF NOT EXISTS FOR ()-[r:HAS_SENTENCE]-() ON (r.groups);
CREATE INDEX rel_sentenced_to_groups IF NOT EXISTS FOR ()-[r:SENTENCED_TO]-() ON (r.groups);
CREATE INDEX rel_imposed_by_groups IF NOT EXISTS FOR ()-[r:IMPOSED_BY]-() ON (r.groups);
CREATE INDEX rel_for_charge_groups IF NOT EXISTS FOR ()-[r:FOR_CHARGE]-() ON (r.groups);
CREATE INDEX rel_subject_to_groups IF NOT EXISTS FOR ()-[r:SUBJECT_TO]-() ON (r.groups);
CREATE INDEX rel_has_restriction_groups IF NOT EXISTS FOR ()-[r:HAS_RESTRICTION]-() ON (r.groups);
CREATE INDEX rel_imposes_groups IF NOT EXISTS FOR ()-[r:IMPOSES]-() ON (r.groups);
CREATE INDEX rel_published_by_groups IF NOT EXISTS FOR ()-[r:PUBLISHED_BY]-() ON (r.groups);
CREATE INDEX rel_has_proceeding_groups IF NOT EXISTS FOR ()-[r:HAS_PROCEEDING]-() ON (r.groups);
CREATE INDEX rel_held_by_groups IF NOT EXISTS FOR ()-[r:HELD_BY]-() ON (r.groups);
CREATE INDEX rel_tried_in_groups IF NOT EXISTS FOR ()-[r:TRIED_IN]-() ON (r.groups);
CREATE INDEX rel_reviews_groups IF NOT EXISTS FOR ()-[r:REVIEWS]-() ON (r.groups);
CREATE INDEX rel_imposed_in_groups IF NOT EXISTS FOR ()-[r:IMPOSED_IN]-() ON (r.groups);
CREATE INDEX rel_replaces_groups IF NOT EXISTS FOR ()-[r:REPLACES]-() ON (r.groups);
