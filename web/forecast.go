package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/forecast"
)

// The cash-flow forecast API: how much cash the open invoices and the
// invoices still to come bring in, week by week, with a p10-p90 band
// (forecast.Compute). Forecasts are kept per (as-of date, weeks) until the
// next ingest, like the risk engine's scores they are built on.

// Forecast horizons, in weeks.
const (
	DefaultForecastWeeks = 13
	MaxForecastWeeks     = 52
)

// forecastCacheSize bounds the forecasts kept, and memoTimeout the time
// one computation may take once nobody waits for it any more.
const (
	forecastCacheSize = 64
	memoTimeout       = 5 * time.Minute
)

// forecastKey is what a forecast depends on besides the ledger.
type forecastKey struct {
	asOf  string
	weeks int
}

// memoCache keeps the results of a slow computation per key until invalidate.
// Concurrent callers of one key share one computation, which runs detached
// from the request that started it, so that a visitor who leaves does not
// waste it. Failures are not kept. It is safe for concurrent use.
type memoCache[K comparable, V any] struct {
	size int // the most entries kept; the oldest go first

	mu      sync.Mutex
	entries map[K]*memoCacheEntry[V]
	order   []K
}

// memoCacheEntry is one result, ready when done is closed.
type memoCacheEntry[V any] struct {
	done chan struct{}
	v    V
	err  error
}

// start returns the entry of key, starting its computation when there is
// none.
func (m *memoCache[K, V]) start(ctx context.Context, key K, compute func(context.Context) (V, error)) *memoCacheEntry[V] {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.entries[key]; ok {
		return e
	}
	if m.entries == nil {
		m.entries = map[K]*memoCacheEntry[V]{}
	}
	e := &memoCacheEntry[V]{done: make(chan struct{})}
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
func (m *memoCache[K, V]) get(ctx context.Context, key K, compute func(context.Context) (V, error)) (V, error) {
	e := m.start(ctx, key, compute)
	select {
	case <-e.done:
		return e.v, e.err
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}

// forget drops e, if it is still the entry of key.
func (m *memoCache[K, V]) forget(key K, e *memoCacheEntry[V]) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.entries[key] != e {
		return
	}
	delete(m.entries, key)
	for i, k := range m.order {
		if k == key {
			m.order = append(m.order[:i:i], m.order[i+1:]...)
			break
		}
	}
}

// invalidate drops every result. Computations under way finish for their
// callers but are not kept.
func (m *memoCache[K, V]) invalidate() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.entries, m.order = nil, nil
}

// forecasts are the server's caches of the forecast analytics.
type forecasts struct {
	weekly    memoCache[forecastKey, creditflow.Forecast]
	backtests memoCache[string, forecast.BacktestResult] // by as-of date
	// items forecast the payment of open items, by as-of date. A fitted
	// model holds the history it was fitted on (about 100 MB per million
	// invoices), so only the last two dates asked for are kept.
	items memoCache[string, *forecast.ItemForecaster]
}

func newForecasts() *forecasts {
	return &forecasts{
		weekly:    memoCache[forecastKey, creditflow.Forecast]{size: forecastCacheSize},
		backtests: memoCache[string, forecast.BacktestResult]{size: 8},
		items:     memoCache[string, *forecast.ItemForecaster]{size: 2},
	}
}

// invalidate drops the forecasts; handleIngest calls it with the engine's
// Invalidate.
func (f *forecasts) invalidate() {
	f.weekly.invalidate()
	f.backtests.invalidate()
	f.items.invalidate()
}

// forecastWeeks reads the weeks parameter: 1 to MaxForecastWeeks, by
// default DefaultForecastWeeks.
func forecastWeeks(r *http.Request) (int, error) {
	v := r.URL.Query().Get("weeks")
	if v == "" {
		return DefaultForecastWeeks, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > MaxForecastWeeks {
		return 0, fmt.Errorf("%w: weeks %q: expected a whole number from 1 to %d", creditflow.ErrInvalid, v, MaxForecastWeeks)
	}
	return n, nil
}

// forecast returns the weekly forecast from asOf, built on the engine's
// scores of that date and kept until the next ingest.
func (s *Server) forecast(ctx context.Context, asOf creditflow.Date, weeks int) (creditflow.Forecast, error) {
	return s.forecasts.weekly.get(ctx, forecastKey{asOf: asOf.String(), weeks: weeks}, func(ctx context.Context) (creditflow.Forecast, error) {
		scored, err := s.engine.Scores(ctx, asOf)
		if err != nil {
			return creditflow.Forecast{}, err
		}
		f, err := forecast.Compute(ctx, s.db, asOf, forecast.Options{Weeks: weeks, Scores: scored})
		if err != nil {
			return creditflow.Forecast{}, fmt.Errorf("forecast from %s, %d weeks: %w", asOf, weeks, err)
		}
		return NewForecastAnswer(f), nil
	})
}

// itemForecaster returns the payment model of open items on asOf, fitted
// on the engine's scores of that date and kept until the next ingest.
func (s *Server) itemForecaster(ctx context.Context, asOf creditflow.Date) (*forecast.ItemForecaster, error) {
	return s.forecasts.items.get(ctx, asOf.String(), func(ctx context.Context) (*forecast.ItemForecaster, error) {
		scored, err := s.engine.Scores(ctx, asOf)
		if err != nil {
			return nil, err
		}
		return forecast.NewItemForecaster(ctx, s.db, asOf, forecast.Options{Scores: scored})
	})
}

// NewForecastAnswer is f as GET /api/forecast and `creditflow forecast
// --json` write it: lists are never null.
func NewForecastAnswer(f creditflow.Forecast) creditflow.Forecast {
	if f.Weeks == nil {
		f.Weeks = []creditflow.ForecastWeek{}
	}
	if f.TopCustomers == nil {
		f.TopCustomers = []creditflow.CustomerCash{}
	}
	return f
}

// handleForecast answers GET /api/forecast?as_of=&weeks=: the cash expected
// in each week from the Monday of as_of's week on.
func (s *Server) handleForecast(w http.ResponseWriter, r *http.Request) {
	asOf, err := s.asOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	weeks, err := forecastWeeks(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f, err := s.forecast(r.Context(), asOf, weeks)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, f)
}

// ForecastWeekColumns are the CSV columns of ForecastWeekRecord, named as
// the JSON fields of a week.
var ForecastWeekColumns = []string{"week_start", "week_end", "expected", "p10", "p50", "p90", "from_open", "from_new"}

// ForecastWeekRecord returns wk as a CSV row in the order of
// ForecastWeekColumns, with amounts written as in the JSON.
func ForecastWeekRecord(wk creditflow.ForecastWeek) []string {
	return []string{wk.WeekStart.String(), wk.WeekEnd.String(), wk.Expected.String(), wk.P10.String(),
		wk.P50.String(), wk.P90.String(), wk.FromOpen.String(), wk.FromNew.String()}
}

// withPaymentForecast adds to open items the date each is expected to be
// paid on and the probability in [0,1] that it is paid within 30 days of
// asOf, as the forecast model sees them.
func (s *Server) withPaymentForecast(ctx context.Context, asOf creditflow.Date, items []openItemRisk) error {
	if len(items) == 0 {
		return nil
	}
	forecaster, err := s.itemForecaster(ctx, asOf)
	if err != nil {
		return fmt.Errorf("payment forecast of open items: %w", err)
	}
	plain := make([]creditflow.OpenItem, len(items))
	for i, it := range items {
		plain[i] = it.OpenItem
	}
	fs := forecaster.Forecast(plain)
	if len(fs) != len(items) {
		return fmt.Errorf("payment forecast of open items: %d forecasts for %d items", len(fs), len(items))
	}
	byID := map[string]forecast.ItemForecast{}
	for _, f := range fs {
		byID[f.InvoiceID] = f
	}
	for i := range items {
		f := fs[i]
		if f.InvoiceID != items[i].InvoiceID {
			var ok bool
			if f, ok = byID[items[i].InvoiceID]; !ok {
				return errors.New("payment forecast of open items: no forecast for invoice " + items[i].InvoiceID)
			}
		}
		day, p := f.ExpectedPaymentDate, roundProb(f.PPaidWithin30Days)
		items[i].ExpectedPaymentDate, items[i].PPaidWithin30Days = &day, &p
	}
	return nil
}
