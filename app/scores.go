package app

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/risk"
)

// Scores returns every customer's risk as of asOf: features, change
// detection, model and credit limits, computed once per date.
func (a *App) Scores(ctx context.Context, asOf creditflow.Date) (*risk.Scored, error) {
	return a.engine.Scores(ctx, asOf)
}

// Customer returns one customer's risk detail as of asOf.
func (a *App) Customer(ctx context.Context, asOf creditflow.Date, id string) (risk.CustomerDetail, error) {
	return a.engine.Customer(ctx, asOf, id)
}

// CreditLimit returns one customer's recommended credit limit as of asOf.
func (a *App) CreditLimit(ctx context.Context, asOf creditflow.Date, id string) (creditflow.CreditLimit, error) {
	return a.engine.CreditLimit(ctx, asOf, id)
}

// OpenItemPLate returns, for each open item (same order), the probability
// in [0,1] that it is paid after its due date.
func (a *App) OpenItemPLate(ctx context.Context, asOf creditflow.Date, items []creditflow.OpenItem) ([]float64, error) {
	return a.engine.OpenItemPLate(ctx, asOf, items)
}

// Alerts returns the behaviour changes detected in [since, asOf], newest
// first and, on one day, the largest exposure first. It is never nil.
func (a *App) Alerts(ctx context.Context, asOf, since creditflow.Date) ([]creditflow.Alert, error) {
	alerts, err := a.engine.Alerts(ctx, asOf, since)
	if err != nil {
		return nil, err
	}
	if alerts == nil {
		return []creditflow.Alert{}, nil
	}
	slices.SortStableFunc(alerts, func(a, b creditflow.Alert) int {
		if c := b.DetectedOn.Compare(a.DetectedOn.Time); c != 0 {
			return c
		}
		return cmp.Compare(b.Exposure, a.Exposure)
	})
	return alerts, nil
}

// MonthEnds returns the n-1 month-ends before asOf, oldest first, followed
// by asOf itself: the dates of the dashboards' history charts.
func MonthEnds(asOf creditflow.Date, n int) []creditflow.Date {
	y, m, _ := asOf.Date()
	dates := make([]creditflow.Date, 0, n)
	for i := n - 1; i >= 1; i-- {
		// Day 0 of a month is the last day of the month before it.
		dates = append(dates, creditflow.Date{Time: time.Date(y, m-time.Month(i)+1, 0, 0, 0, 0, 0, time.UTC)})
	}
	return append(dates, asOf)
}

// Risk overview: the classes over RiskHistoryDates dates and the alerts of
// the AlertDays before the as-of date.
const (
	RiskHistoryDates = 6
	AlertDays        = 30
)

// RiskOverview is the book's risk as of a date and the months before it.
type RiskOverview struct {
	AsOf        creditflow.Date
	Scored      *risk.Scored      // as of AsOf
	Dates       []creditflow.Date // oldest first, AsOf last
	History     []*risk.Scored    // the scores of Dates
	AlertsSince creditflow.Date
	Alerts      []creditflow.Alert
}

// RiskOverview returns the risk overview of asOf, computed once per date
// (RiskOverviewStart) and waited for.
func (a *App) RiskOverview(ctx context.Context, asOf creditflow.Date) (*RiskOverview, error) {
	return a.RiskOverviewStart(ctx, asOf).Wait(ctx)
}

// RiskOverviewStart starts (or finds) the risk overview of asOf; the
// caller waits for it as long as it likes. After a booked payment the
// outdated overview is served while it is computed again (Refreshing).
func (a *App) RiskOverviewStart(ctx context.Context, asOf creditflow.Date) *Pending[*RiskOverview] {
	return a.overviews.start(ctx, asOf, func(ctx context.Context) (*RiskOverview, error) {
		return a.computeRiskOverview(ctx, asOf)
	})
}

// computeRiskOverview scores asOf, dates its alerts, then scores the
// month-ends before it one after the other: the scores of asOf are what
// every page needs first, and one date at a time leaves a core to the
// pages served meanwhile. A date already scored costs nothing; fresh
// scores only, so that an overview is never made of outdated ones.
func (a *App) computeRiskOverview(ctx context.Context, asOf creditflow.Date) (*RiskOverview, error) {
	o := &RiskOverview{AsOf: asOf, Dates: MonthEnds(asOf, RiskHistoryDates), AlertsSince: asOf.AddDays(-AlertDays)}
	o.History = make([]*risk.Scored, len(o.Dates))
	last := len(o.Dates) - 1
	var err error
	if o.History[last], err = a.engine.FreshScores(ctx, asOf); err != nil {
		return nil, fmt.Errorf("scores on %s: %w", asOf, err)
	}
	if o.Alerts, err = a.Alerts(ctx, asOf, o.AlertsSince); err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	for i := last - 1; i >= 0; i-- {
		if o.History[i], err = a.engine.FreshScores(ctx, o.Dates[i]); err != nil {
			return nil, fmt.Errorf("scores on %s: %w", o.Dates[i], err)
		}
	}
	o.Scored = o.History[last]
	return o, nil
}

// Labelled is f for an errgroup, its error prefixed with what it did.
func Labelled(what string, f func() error) func() error {
	return func() error {
		if err := f(); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	}
}
