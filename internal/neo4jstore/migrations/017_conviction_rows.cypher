// The conviction rows and tallies that Convictions and Counts read (see
// convictionrows.go): a write finds and deletes a case's rows by case, and
// a question under given articles finds rows by charge. Store.Migrate
// writes the rows themselves after the files, whenever the graph's were
// written by another format of them, or never (ensureRows).
CREATE INDEX conviction_row_case IF NOT EXISTS FOR (r:ConvictionRow) ON (r.case);
CREATE INDEX conviction_row_charge IF NOT EXISTS FOR (r:ConvictionRow) ON (r.charge);
CREATE CONSTRAINT tally_id IF NOT EXISTS FOR (t:Tally) REQUIRE t.id IS UNIQUE;
CREATE INDEX tally_dim IF NOT EXISTS FOR (t:Tally) ON (t.dim);
