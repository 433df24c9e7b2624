// Saved investigations (named views of the graph) are found by ID, and an
// ID names one.
CREATE CONSTRAINT investigation_id IF NOT EXISTS FOR (i:Investigation) REQUIRE i.id IS UNIQUE;
