package risk

import (
	"context"
	"fmt"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/store"
)

// RiskBacktest is how well the payment-risk scores predicted what
// happened: at each monthly as-of date A from From to To, every customer
// was scored from what was known on A (the model trained afresh on the
// ledger up to A), and the scores were compared with the fate of the
// invoices the customer was issued in (A, A+90], as known on the last day
// of the ledger. Each invoice is one trial; invoices whose fate is still
// unknown (open and not yet due, or for p_severe open and at most 60 days
// past due) are left out.
type RiskBacktest struct {
	From      creditflow.Date `json:"from"`
	To        creditflow.Date `json:"to"`
	AsOfDates int             `json:"as_of_dates"`
	// Rows is the invoices with a known late/on-time outcome, over all
	// as-of dates; RowsSevere those with a known severe outcome.
	Rows       int `json:"rows"`
	RowsSevere int `json:"rows_severe"`
	// Model are the engine's scores; Baseline the naive forecast: the
	// customer's historical share of late (more than 60 days late)
	// invoices, the book's share for a customer without history.
	Model    BacktestFigures `json:"model"`
	Baseline BacktestFigures `json:"baseline"`
	// Calibration of the model's p_late and p_severe: ten groups of about
	// equal numbers of invoices, by predicted probability.
	Calibration       []CalibrationBin `json:"calibration"`
	CalibrationSevere []CalibrationBin `json:"calibration_severe"`
}

// BacktestFigures are the area under the ROC curve (0.5 is chance, 1
// perfect) and the Brier score (mean squared error of the probability,
// lower is better) of p_late and p_severe.
type BacktestFigures struct {
	AUCLate     float64 `json:"auc_late"`
	BrierLate   float64 `json:"brier_late"`
	AUCSevere   float64 `json:"auc_severe"`
	BrierSevere float64 `json:"brier_severe"`
}

// maxBacktestDates bounds the monthly as-of dates of one backtest.
const maxBacktestDates = 120

// BacktestRisk replays the history: at each monthly as-of date from from
// to to (the same day of each month, or each month's last day when from is
// one) it scores every customer from what was known then and compares with
// what happened to the invoices issued over the next 90 days.
func BacktestRisk(ctx context.Context, q store.Querier, from, to creditflow.Date) (RiskBacktest, error) {
	if err := validateAsOf(from); err != nil {
		return RiskBacktest{}, err
	}
	if err := validateAsOf(to); err != nil {
		return RiskBacktest{}, err
	}
	if to.Before(from.Time) {
		return RiskBacktest{}, fmt.Errorf("%w: backtest from %s to %s: from is after to", creditflow.ErrInvalid, from, to)
	}
	dates := monthlyDates(from, to)
	if len(dates) > maxBacktestDates {
		return RiskBacktest{}, fmt.Errorf("%w: backtest from %s to %s: %d as-of dates, at most %d", creditflow.ErrInvalid, from, to, len(dates), maxBacktestDates)
	}
	bt := RiskBacktest{From: from, To: to, AsOfDates: len(dates)}
	cur, err := reportCurrency(ctx, q)
	if err != nil {
		return bt, err
	}
	var end creditflow.Date
	if err := q.QueryRowContext(ctx, store.Query("risk_ledger_end")).Scan(&end); err != nil {
		return bt, fmt.Errorf("risk backtest: %w", err)
	}
	if end.IsZero() {
		return bt, fmt.Errorf("%w: risk backtest: the ledger is empty", creditflow.ErrInvalid)
	}

	// The forecasts of each date, by customer.
	type forecast struct{ pLate, pSevere, baseLate, baseSevere float64 }
	forecasts := make(map[string]forecast)
	for _, a := range dates {
		sc, err := newScoring(ctx, q, a)
		if err != nil {
			return bt, err
		}
		if err := sc.train(ctx, q, 1); err != nil {
			return bt, err
		}
		var k, n, kv, nv int
		for _, r := range sc.rows {
			k, n, kv, nv = k+r.nLate, n+r.LateKnown, kv+r.nVeryLate, nv+r.VeryLateKnown
		}
		bookLate, bookSevere := share(k, n), share(kv, nv)
		for _, r := range sc.rows {
			p := sc.model.predict(&r.Features)
			fc := forecast{pLate: p.pLate, pSevere: p.pSevere, baseLate: bookLate, baseSevere: bookSevere}
			if r.LateKnown > 0 {
				fc.baseLate = r.LateShare
			}
			if r.VeryLateKnown > 0 {
				fc.baseSevere = r.VeryLateShare
			}
			forecasts[r.CustomerID+"|"+a.String()] = fc
		}
	}

	// What happened, as known on the ledger's last day.
	cut := end
	if cut.Before(to.Time) {
		cut = to
	}
	outcomes, err := loadFeatures(ctx, q, featureQuery{dates: dates, currency: cur, cut: cut, horizon: outcomeHorizon})
	if err != nil {
		return bt, fmt.Errorf("risk backtest: %w", err)
	}
	var mLate, bLate, latePos, lateNeg, mSev, bSev, sevPos, sevNeg []float64
	for _, r := range outcomes {
		fc, ok := forecasts[r.CustomerID+"|"+r.AsOf.String()]
		if !ok {
			continue
		}
		o := r.out
		if o.lateKnown > 0 {
			mLate, bLate = append(mLate, fc.pLate), append(bLate, fc.baseLate)
			latePos, lateNeg = append(latePos, float64(o.late)), append(lateNeg, float64(o.lateKnown-o.late))
			bt.Rows += o.lateKnown
		}
		if o.severeKnown > 0 {
			mSev, bSev = append(mSev, fc.pSevere), append(bSev, fc.baseSevere)
			sevPos, sevNeg = append(sevPos, float64(o.severe)), append(sevNeg, float64(o.severeKnown-o.severe))
			bt.RowsSevere += o.severeKnown
		}
	}
	if bt.Rows == 0 {
		return bt, fmt.Errorf("%w: risk backtest from %s to %s: no invoice issued in the 90 days after an as-of date has a known outcome", creditflow.ErrInvalid, from, to)
	}
	bt.Model = BacktestFigures{
		AUCLate: AUC(mLate, latePos, lateNeg), BrierLate: Brier(mLate, latePos, lateNeg),
		AUCSevere: AUC(mSev, sevPos, sevNeg), BrierSevere: Brier(mSev, sevPos, sevNeg),
	}
	bt.Baseline = BacktestFigures{
		AUCLate: AUC(bLate, latePos, lateNeg), BrierLate: Brier(bLate, latePos, lateNeg),
		AUCSevere: AUC(bSev, sevPos, sevNeg), BrierSevere: Brier(bSev, sevPos, sevNeg),
	}
	bt.Calibration = Calibration(mLate, latePos, lateNeg, 10)
	bt.CalibrationSevere = Calibration(mSev, sevPos, sevNeg, 10)
	return bt, nil
}

// monthlyDates returns from and the same day of every later month up to
// to; when from is the last day of its month, the last day of each month.
func monthlyDates(from, to creditflow.Date) []creditflow.Date {
	monthEnd := from.MonthEnd().Equal(from.Time)
	var out []creditflow.Date
	for k := 0; ; k++ {
		first := creditflow.NewDate(time.Date(from.Year(), from.Month()+time.Month(k), 1, 0, 0, 0, 0, time.UTC))
		d := first.MonthEnd()
		if !monthEnd && from.Day() < d.Day() {
			d = first.AddDays(from.Day() - 1)
		}
		if d.After(to.Time) {
			return out
		}
		out = append(out, d)
	}
}
