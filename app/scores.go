package app

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/risk"
	"golang.org/x/sync/errgroup"
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

// RiskOverview scores asOf and the month-ends before it at the same time,
// and finds the alerts of the last AlertDays; the first error cancels the
// others.
func (a *App) RiskOverview(ctx context.Context, asOf creditflow.Date) (*RiskOverview, error) {
	g, ctx := errgroup.WithContext(ctx)
	o := &RiskOverview{AsOf: asOf, Dates: MonthEnds(asOf, RiskHistoryDates), AlertsSince: asOf.AddDays(-AlertDays)}
	o.History = make([]*risk.Scored, len(o.Dates))
	for i, day := range o.Dates {
		g.Go(Labelled("scores on "+day.String(), func() (err error) {
			o.History[i], err = a.Scores(ctx, day)
			return err
		}))
	}
	g.Go(Labelled("alerts", func() (err error) {
		o.Alerts, err = a.Alerts(ctx, asOf, o.AlertsSince)
		return err
	}))
	if err := g.Wait(); err != nil {
		return nil, err
	}
	o.Scored = o.History[len(o.History)-1]
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
