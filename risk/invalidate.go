package risk

import (
	"slices"

	"github.com/creditflow/creditflow"
)

// InvalidateFrom drops the scores of from and of every later as-of date: a
// payment booked on from changes what was known on those dates only. The
// scores of earlier dates stand.
func (e *Engine) InvalidateFrom(from creditflow.Date) {
	e.mu.Lock()
	defer e.mu.Unlock()
	first := from.String() // as-of keys are ISO dates: they sort as days do
	e.order = slices.DeleteFunc(e.order, func(k string) bool {
		if k >= first {
			delete(e.cache, k)
			return true
		}
		return false
	})
}
