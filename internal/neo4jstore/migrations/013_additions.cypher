// What a case file adds to an entity another file defines: one
// (:Addition) node per file and entity, apart from the entity so that the
// entity's properties stay its owner's. Reads find them by the entity,
// imports by the file.
CREATE CONSTRAINT addition_id IF NOT EXISTS FOR (a:Addition) REQUIRE a.id IS UNIQUE;
CREATE INDEX addition_target IF NOT EXISTS FOR (a:Addition) ON (a.target);
CREATE INDEX addition_file IF NOT EXISTS FOR (a:Addition) ON (a.file);
