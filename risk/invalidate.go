package risk

import (
	"context"
	"slices"
	"time"

	"github.com/creditflow/creditflow"
)

// refreshTimeout bounds the scoring of a date in the background.
const refreshTimeout = 5 * time.Minute

// refreshSlots is how many dates are scored again in the background at
// once: one, so that the pages served meanwhile keep a core.
const refreshSlots = 1

// InvalidateFrom outdates the scores of from and of every later as-of
// date: a payment booked on from changes what was known on those dates
// only, and the scores of earlier dates stand. Until an outdated date is
// scored again, Scores serves its old scores and scores it anew in the
// background, so that one booked payment does not make every page wait
// seconds; Refreshing tells when that is the case.
func (e *Engine) InvalidateFrom(from creditflow.Date) {
	e.mu.Lock()
	defer e.mu.Unlock()
	first := from.String() // as-of keys are ISO dates: they sort as days do
	e.order = slices.DeleteFunc(e.order, func(k string) bool {
		if k < first {
			return false
		}
		ent := e.cache[k]
		delete(e.cache, k)
		select {
		case <-ent.done:
			if ent.err == nil {
				if e.stale == nil {
					e.stale = map[string]*Scored{}
				}
				e.stale[k] = ent.s
			}
		default: // still being scored on the ledger as it was: dropped
		}
		return true
	})
	// Outdated scores that are never asked for again must not pile up.
	for k := range e.stale {
		if len(e.stale) <= maxCachedDates {
			break
		}
		delete(e.stale, k)
	}
}

// FreshScores is Scores without outdated scores: it waits for a date that
// is being scored again. Analytics built on the scores (the forecast, the
// worklist's weights) use it, so that they are never computed from
// outdated ones.
func (e *Engine) FreshScores(ctx context.Context, asOf creditflow.Date) (*Scored, error) {
	e.mu.Lock()
	key := asOf.String()
	if _, ok := e.stale[key]; ok {
		ent, running := e.cache[key]
		if !running {
			ent = e.refreshLocked(ctx, asOf, key)
		}
		e.mu.Unlock()
		select {
		case <-ent.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if ent.err == nil {
			return ent.s, nil
		}
		// The refresh failed: score the date in this request.
	} else {
		e.mu.Unlock()
	}
	return e.Scores(ctx, asOf)
}

// Refreshing reports whether Scores serves outdated scores of asOf while
// it scores the date again.
func (e *Engine) Refreshing(asOf creditflow.Date) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, ok := e.stale[asOf.String()]
	return ok
}

// refreshLocked scores asOf anew in the background, detached from the
// request that asked; the outdated scores go when the new ones are ready.
// e.mu is held.
func (e *Engine) refreshLocked(ctx context.Context, asOf creditflow.Date, key string) *scoreEntry {
	ent := &scoreEntry{done: make(chan struct{})}
	e.cache[key] = ent
	e.order = append(e.order, key)
	e.evictLocked(key)
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), refreshTimeout)
		defer cancel()
		e.refreshing <- struct{}{}
		ent.s, ent.err = e.compute(ctx, asOf)
		if ent.err == nil {
			// The alerts are dated before the new scores replace the old,
			// so that they never keep a page waiting either.
			e.dateOnsets(ctx, ent.s)
		}
		<-e.refreshing
		close(ent.done)
		e.mu.Lock()
		defer e.mu.Unlock()
		if e.cache[key] != ent {
			return // outdated or dropped meanwhile
		}
		delete(e.stale, key)
		if ent.err != nil {
			delete(e.cache, key)
			e.order = slices.DeleteFunc(e.order, func(k string) bool { return k == key })
		}
	}()
	return ent
}
