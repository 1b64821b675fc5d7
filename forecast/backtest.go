package forecast

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/store"
)

// BacktestFigures are the accuracy of one forecaster over all weeks of a
// backtest. WAPE is Σ|actual − forecast| / Σ|actual| over the weeks, a
// fraction (0 is perfect); Coverage is the share in [0,1] of weeks whose
// actual total fell inside [p10, p90] (0 for the baselines, which have no
// band).
type BacktestFigures struct {
	WAPEOpen  float64 `json:"wape_open"`
	WAPETotal float64 `json:"wape_total"`
	Coverage  float64 `json:"coverage"`
}

// BacktestResult compares the forecast with two naive baselines: every open
// item paid on its due date, and on its due date plus the customer's
// average delay. For the invoices not yet issued both baselines take the
// invoices of the same days a year (364 days) earlier, moved by 364 days,
// with the same rule.
type BacktestResult struct {
	From             creditflow.Date `json:"from"`
	To               creditflow.Date `json:"to"`
	Forecasts        int             `json:"forecasts"`
	Weeks            int             `json:"weeks"` // weeks compared, over all forecasts
	Model            BacktestFigures `json:"model"`
	DueDate          BacktestFigures `json:"due_date"`
	DueDatePlusDelay BacktestFigures `json:"due_date_plus_delay"`
}

// backtestPaths is the number of simulated paths per backtest forecast.
const backtestPaths = DefaultPaths

// wape accumulates absolute errors.
type wape struct{ errOpen, actOpen, errTotal, actTotal, covered, weeks float64 }

func (a *wape) add(actOpen, actTotal, fOpen, fTotal float64) {
	a.errOpen += math.Abs(actOpen - fOpen)
	a.actOpen += math.Abs(actOpen)
	a.errTotal += math.Abs(actTotal - fTotal)
	a.actTotal += math.Abs(actTotal)
	a.weeks++
}

func (a *wape) figures() BacktestFigures {
	var f BacktestFigures
	if a.actOpen > 0 {
		f.WAPEOpen = round4(a.errOpen / a.actOpen)
	}
	if a.actTotal > 0 {
		f.WAPETotal = round4(a.errTotal / a.actTotal)
	}
	if a.weeks > 0 {
		f.Coverage = round4(a.covered / a.weeks)
	}
	return f
}

func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// Backtest forecasts weeks weeks ahead on every 4th Monday from the first
// Monday on or after from up to to, each time as of the Sunday before (so
// that the weeks are whole), and compares each week that the ledger fully
// covers with the cash that came in: payments dated in the week (total) and
// payments allocated in the week to the items open on the forecast date
// (from open).
func Backtest(ctx context.Context, q store.Querier, from, to creditflow.Date, weeks int) (BacktestResult, error) {
	res := BacktestResult{From: from, To: to}
	if weeks < 1 || weeks > MaxWeeks {
		return res, fmt.Errorf("%w: weeks %d: expected 1..%d", creditflow.ErrInvalid, weeks, MaxWeeks)
	}
	if from.IsZero() || to.IsZero() || to.Before(from.Time) {
		return res, fmt.Errorf("%w: backtest from %s to %s: expected two dates, from on or before to", creditflow.ErrInvalid, from, to)
	}
	var end creditflow.Date
	if err := q.QueryRowContext(ctx, store.Query("risk_ledger_end")).Scan(&end); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return res, fmt.Errorf("backtest: ledger end: %w", err)
	}
	if end.IsZero() {
		return res, nil
	}
	lastDay := dayNumber(end)
	var model, due, delay wape
	for monday := mondayOf(dayNumber(from) + 6); monday <= dayNumber(to); monday += 28 {
		asOf := monday - 1
		if asOf+7 > lastDay {
			break
		}
		l, err := loadLedger(ctx, q, dateOf(asOf))
		if err != nil {
			return res, fmt.Errorf("backtest %s: %w", dateOf(asOf), err)
		}
		r := run(ctx, l, Options{Weeks: weeks, Paths: backtestPaths, Seed: 1})
		if err := ctx.Err(); err != nil {
			return res, err
		}
		h := newHorizon(asOf, weeks)
		actOpen, actTotal, err := actuals(ctx, q, l.currency, h)
		if err != nil {
			return res, fmt.Errorf("backtest %s: %w", dateOf(asOf), err)
		}
		dueOpen, dueTotal, delOpen, delTotal := baselines(l, h)
		res.Forecasts++
		for w := 0; w < weeks; w++ {
			if h.firstWeek+7*w+6 > lastDay {
				break
			}
			fw := r.forecast.Weeks[w]
			model.add(actOpen[w], actTotal[w], float64(fw.FromOpen), float64(fw.Expected))
			if actTotal[w] >= float64(fw.P10) && actTotal[w] <= float64(fw.P90) {
				model.covered++
			}
			due.add(actOpen[w], actTotal[w], dueOpen[w], dueTotal[w])
			delay.add(actOpen[w], actTotal[w], delOpen[w], delTotal[w])
			res.Weeks++
		}
	}
	res.Model = model.figures()
	res.DueDate = due.figures()
	res.DueDate.Coverage = 0
	res.DueDatePlusDelay = delay.figures()
	res.DueDatePlusDelay.Coverage = 0
	return res, nil
}

// actuals returns per week of h the cash that came in for the items open
// on h.asOf and in total, in cents.
func actuals(ctx context.Context, q store.Querier, cur string, h horizon) (open, total []float64, err error) {
	open, total = make([]float64, h.weeks), make([]float64, h.weeks)
	rows, err := q.QueryContext(ctx, store.Query("forecast_actuals"), dateOf(h.asOf), cur, dateOf(h.asOf+h.days))
	if err != nil {
		return nil, nil, fmt.Errorf("actuals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var day creditflow.Date
		var t, o int64
		if err := rows.Scan(&day, &t, &o); err != nil {
			return nil, nil, fmt.Errorf("actuals: %w", err)
		}
		k := dayNumber(day) - h.asOf
		if k < 1 || k > h.days {
			continue
		}
		w := h.weekOf(k)
		open[w] += float64(o)
		total[w] += float64(t)
	}
	return open, total, rows.Err()
}

// baselines returns per week of h the naive forecasts (cents): everything
// paid on its due date, and on its due date plus the customer's average
// delay (days, over the invoices settled in the learning window), each split
// into the open items and the total with last year's invoicing moved by 364
// days. What falls due on or before the as-of date is paid the next day.
func baselines(l *ledger, h horizon) (dueOpen, dueTotal, delOpen, delTotal []float64) {
	dueOpen, dueTotal = make([]float64, h.weeks), make([]float64, h.weeks)
	delOpen, delTotal = make([]float64, h.weeks), make([]float64, h.weeks)
	sum, n := map[string]float64{}, map[string]float64{}
	for i := range l.records {
		r := &l.records[i]
		if r.settled >= 0 && !r.disputed {
			sum[r.customer] += float64(r.settled - r.due)
			n[r.customer]++
		}
	}
	put := func(dst []float64, day int, cents float64) {
		k := max(day-h.asOf, 1)
		if k <= h.days {
			dst[h.weekOf(k)] += cents
		}
	}
	for i := range l.records {
		r := &l.records[i]
		avg := 0
		if n[r.customer] > 0 {
			avg = int(math.Round(sum[r.customer] / n[r.customer]))
		}
		if r.settled < 0 && r.openCent > 0 {
			c := float64(r.openCent)
			put(dueOpen, r.due, c)
			put(dueTotal, r.due, c)
			put(delOpen, r.due+avg, c)
			put(delTotal, r.due+avg, c)
		}
		// Last year's invoices of the same days stand for the new ones.
		if r.issued+364 > h.asOf && r.issued+364 <= h.asOf+h.days {
			c := float64(r.amountCent)
			put(dueTotal, r.due+364, c)
			put(delTotal, r.due+364+avg, c)
		}
	}
	return
}
