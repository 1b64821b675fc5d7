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
// dropped. Concurrent callers of one key share one computation, which runs
// detached from the request that started it, so that a visitor who leaves
// does not waste it. Failures are not kept. It is safe for concurrent use.
type memo[K comparable, V any] struct {
	size int // the most entries kept; the oldest go first

	mu      sync.Mutex
	entries map[K]*Pending[V]
	order   []K
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

// start returns the entry of key, starting its computation when there is
// none.
func (m *memo[K, V]) start(ctx context.Context, key K, compute func(context.Context) (V, error)) *Pending[V] {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.entries[key]; ok {
		return e
	}
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
		if e.err != nil {
			m.forget(key, e)
		}
	}()
	return e
}

// get waits for the result of key, computing it when needed.
func (m *memo[K, V]) get(ctx context.Context, key K, compute func(context.Context) (V, error)) (V, error) {
	return m.start(ctx, key, compute).Wait(ctx)
}

// forget drops e, if it is still the entry of key.
func (m *memo[K, V]) forget(key K, e *Pending[V]) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.entries[key] != e {
		return
	}
	m.dropLocked(key)
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

// drop drops the results whose key stale says is stale. Computations under
// way finish for their callers but are not kept.
func (m *memo[K, V]) drop(stale func(K) bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range append([]K(nil), m.order...) {
		if stale(k) {
			m.dropLocked(k)
		}
	}
}

// all is the stale function that drops every result.
func all[K any](K) bool { return true }
