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
