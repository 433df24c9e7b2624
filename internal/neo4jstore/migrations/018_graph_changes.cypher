// The record of what each write changed (changeQuery in answers.go): kept
// answers read the changes since their version, by version.
CREATE INDEX graph_change_version IF NOT EXISTS FOR (c:GraphChange) ON (c.version);
