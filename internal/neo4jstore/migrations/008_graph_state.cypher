// One (:GraphState) node holds the graph version that every casegraph
// write raises, so answers kept for a version are known to be current.
CREATE CONSTRAINT graph_state_id IF NOT EXISTS FOR (g:GraphState) REQUIRE g.id IS UNIQUE;
