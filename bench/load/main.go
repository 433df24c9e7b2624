// Command load benchmarks casegraph against its peers on one Neo4j:
//
//	load plan  -neo4j-uri URI -out workload.json   pick variables, capture casegraph's Cypher
//	load run   -workload FILE -target casegraph|neo4j-graphql|cypher|http ...
//	load check -workload FILE                      compare casegraph's and @neo4j/graphql's answers
//	load merge -out RESULT.json RUN.json...        join runs of one contender made in turns
//	load table RESULT.json...                      print the results side by side
//	load forget-migrations -neo4j-uri URI -after N  let an older revision serve a copy of the graph
//
// plan runs every request of the mix twice through casegraph's GraphQL
// handler in process, recording the statements the second asking sends, so
// that the cypher target replays the very Cypher casegraph sends in steady
// state: the floor. The http target only GETs -url (casegraph's /healthz)
// once per request of the mix: what an HTTP round trip costs by itself.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: load plan|run|check|merge|table|forget-migrations [flags]")
	}
	switch args[0] {
	case "plan":
		return planCmd(ctx, args[1:])
	case "run":
		return runCmd(ctx, args[1:])
	case "check":
		return checkCmd(ctx, args[1:])
	case "merge":
		return mergeCmd(args[1:])
	case "table":
		return tableCmd(args[1:])
	case "forget-migrations":
		return forgetCmd(ctx, args[1:])
	}
	return fmt.Errorf("unknown command %q: want plan, run, check, merge, table or forget-migrations", args[0])
}
