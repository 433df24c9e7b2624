// One unique id across every entity: node(id:) and imports look entities up
// through this index whatever their type.
CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;
