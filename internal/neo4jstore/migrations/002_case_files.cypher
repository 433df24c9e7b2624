// Each imported case file keeps a manifest of what it wrote, so importing an
// edited file removes the facts it no longer states.
CREATE CONSTRAINT case_file_name IF NOT EXISTS FOR (f:CaseFile) REQUIRE f.name IS UNIQUE;

// Entities are listed and exported by the file they came from.
CREATE INDEX entity_origin IF NOT EXISTS FOR (n:Entity) ON (n.origin);
