package casefile

import (
	"go.yaml.in/yaml/v3"

	"github.com/casegraph/casegraph/internal/kg"
)

// A fact's visibility is `public` or a list of the groups that may read
// it. A file's top-level visibility is that of each fact it states
// without one of its own; docs/access.md describes the model.

// visibilityKey names the field, at the top of a file and in an entry.
const visibilityKey = "visibility"

// readVisibility reads a visibility value: nil for public, else its groups
// sorted and each once.
func (c *checker) readVisibility(path string, n *yaml.Node) ([]string, bool) {
	switch {
	case n.Kind == yaml.ScalarNode && n.Value == "public":
		return nil, true
	case n.Kind == yaml.SequenceNode && len(n.Content) > 0 && len(n.Content) <= maxItems:
		names := make([]string, 0, len(n.Content))
		ok := true
		for _, g := range n.Content {
			if g.Kind != yaml.ScalarNode || !kg.ValidGroup(g.Value) {
				c.addf(at(path, g), "group %s: want lower-case letters, digits and single hyphens, at most %d of them", kg.Quote(g.Value), kg.MaxGroupName)
				ok = false
				continue
			}
			names = append(names, g.Value)
		}
		if !ok {
			return nil, false
		}
		groups, _ := kg.Groups(names)
		return groups, true
	}
	c.addf(at(path, n), "visibility: want public, or a list of the groups that may read it (at most %d), such as [monitors]", maxItems)
	return nil, false
}

// fileVisibility reads a file's top-level visibility before its entries,
// which take it when they state none.
func (c *checker) fileVisibility(path string, root *yaml.Node) {
	c.groups = nil
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == visibilityKey {
			c.groups, _ = c.readVisibility(path, root.Content[i+1])
		}
	}
}

// groupsOf is the visibility of an entry: its own, or its file's.
func (c *checker) groupsOf(path string, m map[string][2]*yaml.Node) ([]string, bool) {
	if kv, has := m[visibilityKey]; has {
		return c.readVisibility(path, kv[1])
	}
	return c.groups, true
}

// restrict records groups on a fact's properties.
func restrict(props map[string]any, groups []string) {
	if len(groups) > 0 {
		props[kg.GroupsProp] = groups
	}
}
