package neo4jstore

// SplitStatements exposes splitStatements to the external test package.
var SplitStatements = splitStatements

// ReadMigrations exposes readMigrations to the external test package.
var ReadMigrations = readMigrations

// EnumName exposes enumName to the external test package.
var EnumName = enumName
