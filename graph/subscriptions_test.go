package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/casegraph/casegraph/graph"
	"github.com/casegraph/casegraph/internal/feed"
	"github.com/casegraph/casegraph/internal/kg"
)

// changes is a feed whose every subscription has already ended for why.
type changes struct {
	why        error
	subscribed int
}

func (c *changes) Subscribe(context.Context, string, feed.Filter) (*feed.Subscription, error) {
	c.subscribed++
	return feed.Ended(c.why), nil
}

// subscribe runs a subscription over Server-Sent Events and returns the
// events its stream held, each as its name and data.
func subscribe(t *testing.T, c graph.Changes, query string) [][2]string {
	t.Helper()
	srv := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{Changes: c}}))
	srv.AddTransport(transport.SSE{})
	srv.Use(graph.SubscriptionEnds{})
	body, _ := json.Marshal(map[string]string{"query": query})
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(body)))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Accept", "text/event-stream")
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	var events [][2]string
	for block := range strings.SplitSeq(w.Body.String(), "\n\n") {
		var ev [2]string
		for line := range strings.SplitSeq(block, "\n") {
			if name, ok := strings.CutPrefix(line, "event: "); ok {
				ev[0] = name
			}
			if data, ok := strings.CutPrefix(line, "data: "); ok {
				ev[1] = data
			}
		}
		if ev[0] != "" {
			events = append(events, ev)
		}
	}
	return events
}

type answer struct {
	Errors []struct {
		Message    string
		Extensions map[string]any
	}
}

// A subscriber the feed drops for falling behind is told so, with a code,
// before its stream completes; one the hub ends on shutdown too.
func TestSubscriptionEndedByTheFeedSaysWhy(t *testing.T) {
	tests := []struct {
		why         error
		code, limit string
	}{
		{feed.Behind{Max: 3}, string(kg.RateLimited), "behind"},
		{kg.Errorf(kg.Unavailable, "the service is shutting down"), string(kg.Unavailable), ""},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			events := subscribe(t, &changes{why: tt.why}, `subscription { changes { id } }`)
			if len(events) != 2 || events[0][0] != "next" || events[1][0] != "complete" {
				t.Fatalf("events %q, want next with the error, then complete", events)
			}
			var a answer
			if err := json.Unmarshal([]byte(events[0][1]), &a); err != nil || len(a.Errors) != 1 {
				t.Fatalf("%s: %v", events[0][1], err)
			}
			e := a.Errors[0].Extensions
			if e["code"] != tt.code || (tt.limit != "" && (e["limit"] != tt.limit || e["max"] != float64(3))) {
				t.Fatalf("error %s, want code %s and limit %q", events[0][1], tt.code, tt.limit)
			}
		})
	}
	t.Run("ended by its client", func(t *testing.T) {
		if events := subscribe(t, &changes{}, `subscription { changes { id } }`); len(events) != 1 || events[0][0] != "complete" {
			t.Fatalf("events %q, want complete alone", events)
		}
	})
}

// A subscription names at most MaxWatchedIDs IDs.
func TestChangesWatchesBoundedIDs(t *testing.T) {
	ids := func(n int) string {
		list := make([]string, n)
		for i := range list {
			list[i] = fmt.Sprintf("%q", fmt.Sprintf("person/%d", i))
		}
		return "[" + strings.Join(list, ", ") + "]"
	}
	c := &changes{}
	if events := subscribe(t, c, `subscription { changes(ids: `+ids(graph.MaxWatchedIDs)+`) { id } }`); c.subscribed != 1 {
		t.Fatalf("%d IDs: %q", graph.MaxWatchedIDs, events)
	}
	events := subscribe(t, c, `subscription { changes(ids: `+ids(graph.MaxWatchedIDs+1)+`) { id } }`)
	if c.subscribed != 1 || len(events) == 0 {
		t.Fatalf("%d IDs subscribed: %q", graph.MaxWatchedIDs+1, events)
	}
	var a answer
	if err := json.Unmarshal([]byte(events[0][1]), &a); err != nil || len(a.Errors) != 1 {
		t.Fatalf("%q: %v", events, err)
	}
	if e := a.Errors[0].Extensions; e["code"] != string(kg.Invalid) || e["limit"] != "ids" || e["max"] != float64(graph.MaxWatchedIDs) {
		t.Fatalf("error %s, want BAD_USER_INPUT with limit ids and max %d", events[0][1], graph.MaxWatchedIDs)
	}
}
