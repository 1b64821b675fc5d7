package app

import (
	"context"
	"sync"
	"time"
)

// memoTimeout bounds the time one computation may take once nobody waits
// for it any more.
const memoTimeout = 5 * time.Minute

// memo keeps the results of a slow computation per key until they are
// dropped or outdated. Concurrent callers of one key share one computation,
// which runs detached from the request that started it, so that a visitor
// who leaves does not waste it. Failures are not kept. An outdated result
// is served while its key is computed again, until the new one is ready.
// It is safe for concurrent use.
type memo[K comparable, V any] struct {
	size int // the most entries kept; the oldest go first

	mu      sync.Mutex
	entries map[K]*Pending[V]
	order   []K
	stale   map[K]*Pending[V] // outdated results, served while computed again
}

// Pending is one result, ready when Done is closed.
type Pending[V any] struct {
	done chan struct{}
	v    V
	err  error
}

// Done is closed when the result is ready.
func (p *Pending[V]) Done() <-chan struct{} { return p.done }

// Result is the value and error; call it after Done is closed.
func (p *Pending[V]) Result() (V, error) { return p.v, p.err }

// Wait waits for the result, or for ctx to end.
func (p *Pending[V]) Wait(ctx context.Context) (V, error) {
	select {
	case <-p.done:
		return p.v, p.err
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}

// start returns the result of key: the outdated one while key is computed
// again, else the entry of key, starting its computation when there is
// none.
func (m *memo[K, V]) start(ctx context.Context, key K, compute func(context.Context) (V, error)) *Pending[V] {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[key]
	if !ok {
		e = m.startLocked(ctx, key, compute)
	}
	if old, ok := m.stale[key]; ok {
		return old
	}
	return e
}

// startLocked starts computing key; m.mu is held.
func (m *memo[K, V]) startLocked(ctx context.Context, key K, compute func(context.Context) (V, error)) *Pending[V] {
	if m.entries == nil {
		m.entries = map[K]*Pending[V]{}
	}
	e := &Pending[V]{done: make(chan struct{})}
	m.entries[key] = e
	m.order = append(m.order, key)
	for len(m.order) > max(m.size, 1) {
		delete(m.entries, m.order[0])
		m.order = m.order[1:]
	}
	go func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), memoTimeout)
		defer cancel()
		e.v, e.err = compute(cctx)
		close(e.done)
		m.settle(key, e)
	}()
	return e
}

// settle retires the outdated result of key once e, its new one, is ready,
// and forgets e when it failed.
func (m *memo[K, V]) settle(key K, e *Pending[V]) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.entries[key] != e {
		return // dropped or outdated meanwhile
	}
	delete(m.stale, key)
	if e.err != nil {
		m.dropLocked(key)
	}
}

// get waits for the result of key, computing it when needed.
func (m *memo[K, V]) get(ctx context.Context, key K, compute func(context.Context) (V, error)) (V, error) {
	return m.start(ctx, key, compute).Wait(ctx)
}

func (m *memo[K, V]) dropLocked(key K) {
	delete(m.entries, key)
	for i, k := range m.order {
		if k == key {
			m.order = append(m.order[:i:i], m.order[i+1:]...)
			break
		}
	}
}

// drop drops the results whose key is stale, outdated ones included.
// Computations under way finish for their callers but are not kept.
func (m *memo[K, V]) drop(stale func(K) bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range append([]K(nil), m.order...) {
		if stale(k) {
			m.dropLocked(k)
		}
	}
	for k := range m.stale {
		if stale(k) {
			delete(m.stale, k)
		}
	}
}

// outdate marks the ready results whose key is stale as outdated: they are
// served while computed again on the next call. Computations under way
// are dropped.
func (m *memo[K, V]) outdate(stale func(K) bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range append([]K(nil), m.order...) {
		if !stale(k) {
			continue
		}
		e := m.entries[k]
		m.dropLocked(k)
		select {
		case <-e.done:
			if e.err == nil {
				if m.stale == nil {
					m.stale = map[K]*Pending[V]{}
				}
				m.stale[k] = e
			}
		default:
		}
	}
	// Outdated results that are never asked for again must not pile up
	// (a fitted payment model holds a ledger's history): beyond size, any
	// go, and their keys are computed afresh when asked for.
	for k := range m.stale {
		if len(m.stale) <= max(m.size, 1) {
			break
		}
		delete(m.stale, k)
	}
}

// refreshing reports whether an outdated result of key is served.
func (m *memo[K, V]) refreshing(key K) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.stale[key]
	return ok
}

// all is the stale function that drops every result.
func all[K any](K) bool { return true }
