package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// forgetCmd deletes the records of the migrations after -after from a
// copy of the bench graph, so that a casegraph built at an older revision
// serves it: that one refuses a graph migrated past what it knows. The
// indexes and properties those migrations made stay, unread by the older
// revision. Never for a graph anyone keeps: the next current casegraph to
// start would apply the migrations again.
func forgetCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("forget-migrations", flag.ContinueOnError)
	uri := fs.String("neo4j-uri", "", "Neo4j holding the copy")
	after := fs.Int("after", 0, "the last migration the revision knows")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *uri == "" || *after <= 0 {
		return fmt.Errorf("forget-migrations: -neo4j-uri and a positive -after are required")
	}
	d, err := neo4j.NewDriverWithContext(*uri, neo4j.NoAuth())
	if err != nil {
		return err
	}
	defer d.Close(ctx)
	res, err := neo4j.ExecuteQuery(ctx, d, `MATCH (m:SchemaMigration) WHERE m.version > $after DELETE m RETURN count(*) AS n`,
		map[string]any{"after": int64(*after)}, neo4j.EagerResultTransformer)
	if err != nil {
		return fmt.Errorf("forget-migrations: %w", err)
	}
	n, _ := res.Records[0].Get("n")
	fmt.Printf("forgot %d migration records after %03d\n", n, *after)
	return nil
}
