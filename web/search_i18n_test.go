package web

import (
	"testing"

	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/search"
)

// TestSearchKindsHaveDutch checks the names of the kinds of matches, which
// TestEveryTextHasDutch does not see (they are looked up from a table),
// and that the table names every kind.
func TestSearchKindsHaveDutch(t *testing.T) {
	for _, k := range search.Kinds {
		sk := searchKindOf(k)
		for _, text := range []string{sk.Label, sk.One, sk.Many} {
			if !present.HasDutch(text) {
				t.Errorf("kind %s: %q has no Dutch", k, text)
			}
		}
	}
}
