// The duplicate check after a save reads the entities that share a block
// key with the saved one (dupkeys.go): dupKeys holds an entity's keys as
// tokens that the whitespace analyzer keeps whole. Updated at commit, so
// the check after a write sees the writes before it. Store.Migrate writes
// dupKeys for entities written before it (ensureDupKeys).
CREATE FULLTEXT INDEX duplicate_keys IF NOT EXISTS
FOR (n:Person|Party|Organisation|Court|LegalCode|LegalArticle|Place|Event|Case|Charge|Sentence|Restriction|Proceeding|Group)
ON EACH [n.dupKeys]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace', `fulltext.eventually_consistent`: false}};
