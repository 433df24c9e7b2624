package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/casegraph/casegraph/internal/neo4jstore"
)

// errNotCurrent is what `migrate -status` returns when a migration is
// pending, changed or unknown, so that scripts see a non-zero exit.
var errNotCurrent = errors.New("the graph's schema is not current")

func migrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var status, rebuild bool
	cfg, log, rest, err := setup("migrate", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&status, "status", false, "list the migrations and the schema version without applying anything; exit non-zero when one is pending or changed")
		fs.BoolVar(&rebuild, "rebuild-rows", false, "also write every case's conviction rows and the counts anew, after changes made to Neo4j other than through casegraph")
	})
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("migrate takes no arguments, got %q", rest)
	}
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close(context.Background())
	ctx = asOperator(ctx, localActor(""))
	if status {
		return printStatus(ctx, store, cfg.Neo4jDatabase, stdout)
	}
	applied, err := store.Migrate(ctx)
	for _, m := range applied {
		fmt.Fprintln(stdout, "applied", m.File)
	}
	if err != nil {
		return err
	}
	if rebuild {
		if err := store.RebuildConvictionRows(ctx); err != nil {
			return err
		}
		fmt.Fprint(stdout, "conviction rows rebuilt; ")
	}
	if len(applied) == 0 {
		fmt.Fprint(stdout, "nothing to apply; ")
	}
	r, err := store.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database %q is at schema version %d\n", cfg.Neo4jDatabase, r.SchemaVersion)
	return nil
}

// printStatus lists each migration with when it was applied, or why not.
func printStatus(ctx context.Context, store *neo4jstore.Store, db string, stdout io.Writer) error {
	r, err := store.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "VERSION\tFILE\tAPPLIED")
	for _, m := range r.Migrations {
		state := string(m.State)
		switch m.State {
		case neo4jstore.MigrationApplied:
			state = m.AppliedAt.UTC().Format(time.RFC3339)
		case neo4jstore.MigrationChanged, neo4jstore.MigrationUnknown:
			state += " (applied " + m.AppliedAt.UTC().Format(time.RFC3339) + ")"
		}
		fmt.Fprintf(w, "%d\t%s\t%s\n", m.Version, m.File, state)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database %q: schema version %d; this casegraph knows up to %d\n", db, r.SchemaVersion, r.Latest)
	if r.Current() {
		return nil
	}
	counts := map[neo4jstore.MigrationState]int{}
	for _, m := range r.Migrations {
		counts[m.State]++
	}
	var what []string
	for _, st := range []neo4jstore.MigrationState{neo4jstore.MigrationPending, neo4jstore.MigrationChanged, neo4jstore.MigrationUnknown} {
		if counts[st] > 0 {
			what = append(what, fmt.Sprintf("%d %s", counts[st], st))
		}
	}
	return fmt.Errorf("%w: %s", errNotCurrent, strings.Join(what, ", "))
}
