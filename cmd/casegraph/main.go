// Command casegraph serves the casegraph knowledge graph over GraphQL and
// manages its Neo4j database. main only wires packages together.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `casegraph: a GraphQL knowledge graph of political prosecutions

Usage:
  casegraph serve   [flags]   migrate, then serve the API and GraphiQL
  casegraph migrate [flags]   apply the migrations the graph does not record
  casegraph migrate -status   list migrations and the schema version; exit 1
                              when one is pending or changed
  casegraph import  [flags] FILE|DIR...
                              check case files, then write each in one transaction
  casegraph export  [flags] DIR
                              write the graph's case files back to DIR
  casegraph export -format ftm [-o FILE]
                              write the graph as FollowTheMoney entities
  casegraph gen     [flags]   generate a synthetic graph for benchmarks
                              (-cases N -seed S; -out DIR writes case files)
  casegraph token create -role reader|editor|admin -name NAME
                              create a bearer token and print it once
  casegraph token list        list tokens (name, role, created)
  casegraph token revoke NAME delete a token
  casegraph version           print the version

Run "casegraph COMMAND -h" for a command's flags. Every flag also reads an
environment variable, named in its help.
`

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "casegraph:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, rest, getenv, stderr)
	case "migrate":
		return migrate(ctx, rest, getenv, stdout, stderr)
	case "import":
		return importCmd(ctx, rest, getenv, stdout, stderr)
	case "export":
		return exportCmd(ctx, rest, getenv, stdout, stderr)
	case "gen":
		return genCmd(ctx, rest, getenv, stdout, stderr)
	case "token":
		return tokenCmd(ctx, rest, getenv, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "casegraph", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}
