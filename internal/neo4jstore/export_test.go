package neo4jstore

// SplitStatements exposes splitStatements to the external test package.
var SplitStatements = splitStatements

// ReadMigrations exposes readMigrations to the external test package.
var ReadMigrations = readMigrations

// EnumName exposes enumName to the external test package.
var EnumName = enumName

// Patches counts the kept lists of conviction rows k brought up to date
// rather than read again.
func (k *Kept) Patches() int64 { return k.patches.Load() }

// StorePages counts the convictions pages k asked the store for, their
// filters matching too many rows to keep.
func (k *Kept) StorePages() int64 { return k.storePages.Load() }

// KeepRows is Keep whose lists of conviction rows hold up to rows rows.
func KeepRows(s *Store, maxBytes, rows int) *Kept {
	k := Keep(s, maxBytes)
	k.rowsMax = rows
	return k
}

// SetEdgeSpread makes nodes with more than n relationships on a side hubs
// to a neighbourhood's edge reading, in place of edgeSpread.
func SetEdgeSpread(s *Store, n int) { s.spread = n }
