package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jstore"
)

const tokenUsage = `usage:
  casegraph token create -role reader|editor|admin -name NAME [-groups GROUP,...]
  casegraph token list
  casegraph token revoke NAME`

func tokenCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("token needs a subcommand\n%s", tokenUsage)
	}
	sub, args := args[0], args[1:]
	var roleText, name, groupsText string
	extra := func(fs *flag.FlagSet) {}
	switch sub {
	case "create":
		extra = func(fs *flag.FlagSet) {
			fs.StringVar(&roleText, "role", "", "what the token may do: reader, editor or admin")
			fs.StringVar(&name, "name", "", "a name for the token, shown in logs and by token list")
			fs.StringVar(&groupsText, "groups", "", "comma-separated groups whose restricted facts the token may read (see docs/access.md)")
		}
	case "list", "revoke":
	default:
		return fmt.Errorf("unknown token subcommand %q\n%s", sub, tokenUsage)
	}
	cfg, log, rest, err := setup("token "+sub, args, getenv, stderr, extra)
	if err != nil {
		return err
	}
	// Check the arguments before waiting for Neo4j.
	var role kg.Role
	var groups []string
	switch sub {
	case "create":
		if len(rest) > 0 || name == "" {
			return fmt.Errorf("token create takes -role, -name and -groups and nothing else\n%s", tokenUsage)
		}
		if role, err = kg.ParseRole(roleText); err != nil {
			return err
		}
		if groupsText != "" {
			if groups, err = kg.Groups(strings.Split(groupsText, ",")); err != nil {
				return err
			}
		}
	case "list":
		if len(rest) > 0 {
			return fmt.Errorf("token list takes no arguments, got %q", rest)
		}
	case "revoke":
		if len(rest) != 1 {
			return fmt.Errorf("token revoke takes one token name\n%s", tokenUsage)
		}
		name = rest[0]
	}

	// Token names are unique through a constraint that migrate creates.
	store, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close(context.Background())
	switch sub {
	case "create":
		token, err := store.CreateToken(ctx, name, role, groups)
		if err != nil {
			return err
		}
		// The token alone on the first line, so scripts can take it.
		fmt.Fprintln(stdout, token)
		in := ""
		if len(groups) > 0 {
			in = " in " + strings.Join(groups, ", ")
		}
		fmt.Fprintf(stdout, "This is the %s token %q%s. Keep it now: it cannot be shown again (only its hash is stored).\n", role, name, in)
	case "list":
		tokens, err := store.ListTokens(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tGROUPS\tCREATED")
		for _, t := range tokens {
			groups := strings.Join(t.Groups, ",")
			if groups == "" {
				groups = "-"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", t.Name, t.Role, groups, t.Created.UTC().Format(time.RFC3339))
		}
		return tw.Flush()
	case "revoke":
		if err := store.RevokeToken(ctx, name); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "revoked token %q; a running service refuses it within %s\n", name, neo4jstore.TokenCacheTTL)
	}
	return nil
}
