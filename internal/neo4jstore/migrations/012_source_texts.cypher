// Source texts: a source's paragraphs, found by source and number for
// quotes, and by their words for passage search, with the folding of
// entity search (case, diacritics; searchText holds the Latin
// transliteration).
CREATE CONSTRAINT source_text_source IF NOT EXISTS FOR (t:SourceText) REQUIRE t.source IS UNIQUE;
CREATE INDEX passage_source_n IF NOT EXISTS FOR (p:Passage) ON (p.source, p.n);
CREATE FULLTEXT INDEX passage_search IF NOT EXISTS FOR (p:Passage) ON EACH [p.text, p.searchText] OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding'}};
