package risk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/store"
)

// Payment-risk scoring.
//
// Engine.Scores scores every customer as of a date A in five steps:
//
//  1. features of every customer on A (sql/risk_features.sql), shrunk
//     towards the customer's segment and the book (features.go);
//  2. training rows from past snapshots S = A-150, A-180, ... (up to 26,
//     30 days apart, from 180 days after the ledger's first invoice): the
//     features of up to maxTrainingCustomers customers (a seeded sample) on
//     S, and the fate, as known on A, of the invoices they were issued in
//     (S, S+90]. The 150 days make sure that whether they were paid late
//     is known (an invoice of S+90 on 60-day terms is due by S+150);
//     p_severe and the days late use only the snapshots from A-210 back,
//     for which "more than 60 days late" is known too. Shorter gaps are
//     used when the ledger is too short;
//  3. the models of model.go fitted on those rows: p_late, p_severe,
//     expected days late and the p_late of a single open item; p_severe,
//     rare and trained on older snapshots, with a much stronger penalty
//     (l2PenaltySevere says why);
//  4. behaviour changes and silences (DetectChanges, change.go), run
//     concurrently with 2-3 when the store.Querier is a connection pool;
//  5. per customer the predictions, score and class, the top three
//     reasons and the credit limit (limits.go).
//
// Nothing dated after A is read, so a score as of A does not change when
// later invoices or payments are loaded. A customer with too little
// history for the model to tell it apart still gets a sensible prior: its
// features are those of its segment (shrinkage), and the model has learnt
// from the past how customers with no or little history went on to pay.
// When the ledger is too short to fit a model, the shrunk rates serve as
// the probabilities (ModelSummary.Fallback names the targets).

// maxCachedDates is how many as-of dates an Engine keeps scored.
const maxCachedDates = 16

// EngineOptions configure an Engine.
type EngineOptions struct {
	MaxCreditLimit creditflow.Money // cap of recommended limits (default EUR 250,000.00)
	Seed           uint64           // for anything random (default 1)
	Now            func() time.Time
}

// Engine scores customers and keeps the scores of each as-of date until
// Invalidate. It is safe for concurrent use.
type Engine struct {
	q   store.Querier
	opt EngineOptions

	mu    sync.Mutex
	cache map[string]*scoreEntry // by as-of date
	order []string               // as-of dates, oldest first
	// stale are scores that InvalidateFrom outdated, by as-of date: they
	// are served while their dates are scored again (see Scores).
	stale map[string]*Scored
	// refreshing holds a slot for each date scored again in the
	// background (refreshSlots).
	refreshing chan struct{}
}

// scoreEntry is one as-of date's scores, done when done is closed.
type scoreEntry struct {
	done chan struct{}
	s    *Scored
	err  error
}

// NewEngine returns an engine reading from q.
func NewEngine(q store.Querier, opt EngineOptions) *Engine {
	if opt.MaxCreditLimit <= 0 {
		opt.MaxCreditLimit = DefaultMaxCreditLimit
	}
	if opt.Seed == 0 {
		opt.Seed = 1
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Engine{q: q, opt: opt, cache: map[string]*scoreEntry{}, refreshing: make(chan struct{}, refreshSlots)}
}

// Invalidate drops the cache; the ingest calls it (via the server) after
// every successful ingest. A scoring already under way finishes for its
// caller but is not kept.
func (e *Engine) Invalidate() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.cache = map[string]*scoreEntry{}
	e.order = nil
	e.stale = nil
}

// Scores scores every customer as of asOf (features, change detection,
// model, limits), cached per as-of date. Concurrent callers for the same
// date share one computation.
func (e *Engine) Scores(ctx context.Context, asOf creditflow.Date) (*Scored, error) {
	if err := validateAsOf(asOf); err != nil {
		return nil, err
	}
	key := asOf.String()
	for {
		e.mu.Lock()
		ent, ok := e.cache[key]
		if old := e.stale[key]; old != nil {
			if !ok {
				e.refreshLocked(ctx, asOf, key)
			}
			e.mu.Unlock()
			return old, nil
		}
		if !ok {
			ent = &scoreEntry{done: make(chan struct{})}
			e.cache[key] = ent
			e.order = append(e.order, key)
			e.evictLocked(key)
			e.mu.Unlock()
			ent.s, ent.err = e.compute(ctx, asOf)
			close(ent.done)
			if ent.err != nil {
				e.mu.Lock()
				if e.cache[key] == ent {
					delete(e.cache, key)
					e.order = slices.DeleteFunc(e.order, func(k string) bool { return k == key })
				}
				e.mu.Unlock()
			}
			return ent.s, ent.err
		}
		e.mu.Unlock()
		select {
		case <-ent.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if ent.err != nil && ctx.Err() == nil &&
			(errors.Is(ent.err, context.Canceled) || errors.Is(ent.err, context.DeadlineExceeded)) {
			continue // the caller that computed gave up; this one has not
		}
		return ent.s, ent.err
	}
}

// evictLocked drops the oldest dates beyond maxCachedDates, never keep.
func (e *Engine) evictLocked(keep string) {
	for len(e.order) > maxCachedDates {
		k := e.order[0]
		if k == keep {
			break
		}
		e.order = e.order[1:]
		delete(e.cache, k)
	}
}

// Scored is every customer's risk on one as-of date. It does not change
// once made; the slices it returns are its own, not to be modified.
type Scored struct {
	AsOf      creditflow.Date        `json:"as_of"`
	Currency  string                 `json:"currency"`
	Customers []creditflow.RiskScore `json:"customers"` // sorted by customer_id
	Model     ModelSummary           `json:"model"`
	// ComputedAt is when the scores were computed (EngineOptions.Now).
	ComputedAt time.Time `json:"computed_at"`

	index    map[string]int // customer_id → index in Customers
	features []Features     // by index
	limits   []creditflow.CreditLimit
	changes  map[string]creditflow.BehaviourChange
	openItem *glm    // nil: an open item gets its customer's p_late
	bookLate float64 // p_late of an unknown customer

	ordersMu sync.Mutex
	orders   map[string][]int // sort order → indexes of Customers

	onsetOnce  sync.Once
	onsets     map[string]creditflow.Date // customer_id → first weekly as-of date the change test fired
	onsetErr   error
	onsetsDone atomic.Bool // the changes are dated (onsets, onsetErr set)
}

// Customer returns the score of one customer.
func (s *Scored) Customer(id string) (creditflow.RiskScore, bool) {
	i, ok := s.index[id]
	if !ok {
		return creditflow.RiskScore{}, false
	}
	return s.Customers[i], true
}

// compute scores every customer as of asOf.
func (e *Engine) compute(ctx context.Context, asOf creditflow.Date) (*Scored, error) {
	sc, err := newScoring(ctx, e.q, asOf)
	if err != nil {
		return nil, err
	}
	var (
		changes  map[string]creditflow.BehaviourChange
		chErr    error
		detected = make(chan struct{})
	)
	detect := func() {
		defer close(detected)
		changes, chErr = DetectChanges(ctx, e.q, asOf)
	}
	if isPool(e.q) {
		go detect()
	} else {
		detect()
	}
	err = sc.train(ctx, e.q, e.opt.Seed)
	<-detected
	if err != nil {
		return nil, err
	}
	if chErr != nil {
		return nil, fmt.Errorf("risk scores on %s: %w", asOf, chErr)
	}
	return sc.assemble(changes, e.opt.MaxCreditLimit, e.opt.Now()), nil
}

// isPool reports whether q is a connection pool (*sql.DB, *store.DB),
// which may run two queries at once; a *sql.Conn or *sql.Tx may not.
func isPool(q store.Querier) bool {
	_, ok := q.(interface {
		Conn(context.Context) (*sql.Conn, error)
	})
	return ok
}
