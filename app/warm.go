package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/creditflow/creditflow"
)

// Warm computes today's figures in the background now and again after
// every Invalidate, until stop is called, so that the first visitor of the
// day does not wait for them (seconds on a ledger of a million invoices).
// stop waits for the warm-ups under way; after it no new one starts.
func (a *App) Warm(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	a.warm.mu.Lock()
	a.warm.ctx = ctx
	a.warm.mu.Unlock()
	a.warm.again(a)
	return func() {
		a.warm.mu.Lock()
		a.warm.ctx = nil
		cancel()
		a.warm.mu.Unlock()
		a.warm.group.Wait()
	}
}

// again starts a warm-up when Warm runs.
func (w *warmer) again(a *App) {
	w.mu.Lock()
	defer w.mu.Unlock()
	ctx := w.ctx
	if ctx == nil || ctx.Err() != nil {
		return
	}
	w.group.Go(func() {
		start := time.Now()
		asOf := creditflow.NewDate(a.now())
		err := a.WarmUp(ctx, asOf)
		switch {
		case err == nil:
			a.log.Info("warmed up", slog.String("as_of", asOf.String()), slog.Float64("seconds", time.Since(start).Seconds()))
		case ctx.Err() == nil: // not the server shutting down
			a.log.Warn("warm-up", slog.String("as_of", asOf.String()), slog.Any("error", err))
		}
	})
}

// WarmUp computes what the pages of asOf show: first the worklist, which
// is cheap and is what a change most often touches; then the scores of
// asOf, the forecast and the payment model of open items on them; then the
// risk overview's months and alerts and the forecast page's backtest. The
// caches share the work with any request that asks meanwhile.
func (a *App) WarmUp(ctx context.Context, asOf creditflow.Date) error {
	if _, err := a.Worklist(ctx, asOf); err != nil {
		return err
	}
	if _, err := a.Forecast(ctx, asOf, DefaultForecastWeeks); err != nil { // scores first, then the forecast on them
		return err
	}
	if _, err := a.ItemForecaster(ctx, asOf); err != nil {
		return fmt.Errorf("payment model of open items: %w", err)
	}
	if _, err := a.RiskOverview(ctx, asOf); err != nil {
		return err
	}
	_, err := a.ForecastBacktest(ctx, asOf).Wait(ctx)
	return err
}
