package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/forecast"
)

// Forecast horizons, in weeks.
const (
	DefaultForecastWeeks = 13
	MaxForecastWeeks     = 52
)

// The forecast page's backtest: forecasts of BacktestWeeks weeks made in
// the backtestSpan days before the as-of date whose weeks have all passed.
const (
	BacktestWeeks = 4
	backtestSpan  = 26 * 7
)

// Forecast returns the weekly cash forecast from asOf over weeks weeks,
// built on the scores of that date. Its lists are never nil.
func (a *App) Forecast(ctx context.Context, asOf creditflow.Date, weeks int) (creditflow.Forecast, error) {
	return a.forecasts.get(ctx, forecastKey{asOf: asOf, weeks: weeks}, func(ctx context.Context) (creditflow.Forecast, error) {
		scored, err := a.engine.FreshScores(ctx, asOf)
		if err != nil {
			return creditflow.Forecast{}, err
		}
		f, err := forecast.Compute(ctx, a.db, asOf, forecast.Options{Weeks: weeks, Scores: scored})
		if err != nil {
			return creditflow.Forecast{}, fmt.Errorf("forecast from %s, %d weeks: %w", asOf, weeks, err)
		}
		if f.Weeks == nil {
			f.Weeks = []creditflow.ForecastWeek{}
		}
		if f.TopCustomers == nil {
			f.TopCustomers = []creditflow.CustomerCash{}
		}
		return f, nil
	})
}

// BacktestSpan is the span of the as-of dates of the forecast page's
// backtest: forecasts made in the six months before asOf whose weeks have
// all passed by asOf.
func BacktestSpan(asOf creditflow.Date) (from, to creditflow.Date) {
	return asOf.AddDays(-backtestSpan), asOf.AddDays(-7 * BacktestWeeks)
}

// ForecastBacktest starts (or finds) the forecast page's backtest as of
// asOf; the caller waits for it as long as it likes.
func (a *App) ForecastBacktest(ctx context.Context, asOf creditflow.Date) *Pending[forecast.BacktestResult] {
	return a.backtests.start(ctx, asOf, func(ctx context.Context) (forecast.BacktestResult, error) {
		from, to := BacktestSpan(asOf)
		return forecast.Backtest(ctx, a.db, from, to, BacktestWeeks)
	})
}

// ItemForecaster returns the payment model of open items as of asOf,
// fitted on the scores of that date.
func (a *App) ItemForecaster(ctx context.Context, asOf creditflow.Date) (*forecast.ItemForecaster, error) {
	return a.items.get(ctx, asOf, func(ctx context.Context) (*forecast.ItemForecaster, error) {
		scored, err := a.engine.FreshScores(ctx, asOf)
		if err != nil {
			return nil, err
		}
		return forecast.NewItemForecaster(ctx, a.db, asOf, forecast.Options{Scores: scored})
	})
}

// PaymentForecasts returns, for each open item (same order), when it is
// expected to be paid and the probability that it is paid within 30 days.
func (a *App) PaymentForecasts(ctx context.Context, asOf creditflow.Date, items []creditflow.OpenItem) ([]forecast.ItemForecast, error) {
	if len(items) == 0 {
		return nil, nil
	}
	forecaster, err := a.ItemForecaster(ctx, asOf)
	if err != nil {
		return nil, fmt.Errorf("payment forecast of open items: %w", err)
	}
	fs := forecaster.Forecast(items)
	if len(fs) != len(items) {
		return nil, fmt.Errorf("payment forecast of open items: %d forecasts for %d items", len(fs), len(items))
	}
	byID := map[string]forecast.ItemForecast{}
	for _, f := range fs {
		byID[f.InvoiceID] = f
	}
	out := make([]forecast.ItemForecast, len(items))
	for i, it := range items {
		f := fs[i]
		if f.InvoiceID != it.InvoiceID {
			var ok bool
			if f, ok = byID[it.InvoiceID]; !ok {
				return nil, errors.New("payment forecast of open items: no forecast for invoice " + it.InvoiceID)
			}
		}
		out[i] = f
	}
	return out, nil
}
