// Search by name, alias, description or title, in any case and with or
// without diacritics: standard-folding is the only built-in analyzer that
// folds accents (ASCIIFoldingFilter) as well as case. searchText holds the
// transliterations and phonetic keys of the name and aliases (see
// searchtext.go), so Cyrillic and Latin spellings of a name meet. The index
// is eventually consistent: it catches up with a write shortly after commit.
//
// The index's labels cannot change once it exists, so an index over more
// labels gets a new name: entity_search_2 adds Proceeding and Group, and
// the first one is dropped.
CREATE FULLTEXT INDEX entity_search_2 IF NOT EXISTS
FOR (n:Person|Party|Organisation|Court|LegalCode|LegalArticle|Place|Event|Case|Charge|Sentence|Restriction|Source|Proceeding|Group)
ON EACH [n.name, n.searchText, n.description, n.title]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding'}};

DROP INDEX entity_search IF EXISTS;
