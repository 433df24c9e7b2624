// Package kg is casegraph's domain: the entities of the knowledge graph, the
// errors the rest of the program speaks in, and the interfaces the API needs.
// It imports only the standard library, so every other package may import it
// and it imports none of them.
package kg
