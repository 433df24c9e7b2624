// API bearer tokens. Only the SHA-256 of a token is stored; a request's
// token is found by hashing it and looking the hash up here. Tokens are not
// :Entity nodes, so nothing that reads or exports the graph sees them.
CREATE CONSTRAINT token_hash IF NOT EXISTS FOR (t:Token) REQUIRE t.hash IS UNIQUE;

// Tokens are created, listed and revoked by name.
CREATE CONSTRAINT token_name IF NOT EXISTS FOR (t:Token) REQUIRE t.name IS UNIQUE;
