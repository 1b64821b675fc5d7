package risk

import (
	"cmp"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/store"
)

// ChangeEvaluation measures the change test against a ledger with known
// behaviour (the demo ledger's truth.csv), replayed over a span of as-of
// dates. Rates are fractions in [0,1]; delays and errors are days.
type ChangeEvaluation struct {
	Customers, Worsening, Stopped, Stable int
	// RecallWorsening is the share of worsening customers flagged as
	// worsening on or after their change date; RecallStopped the share of
	// stopped_paying customers flagged as silent on or after their default
	// date. FalseAlarmRate is the share of stable customers flagged (any
	// kind) on any date of the replay.
	RecallWorsening, RecallStopped, FalseAlarmRate float64
	// MedianDelayDays and P90DelayDays are taken over the detected worsening
	// and stopped customers: days from the planted date to the first flag
	// of the planted kind.
	MedianDelayDays, P90DelayDays float64
	// MedianChangeDateErrorDays and MedianShiftErrorDays compare the
	// estimates of the first worsening flag with the planted change date
	// and shift (absolute errors).
	MedianChangeDateErrorDays, MedianShiftErrorDays float64
	// StoppedObservable counts the stopped_paying customers whose silence
	// can be seen in the ledger at all by the last date of the replay: at
	// least two invoices, due no earlier than 30 days before the default
	// date, open and 30 days or more past due then. The others were not
	// invoiced enough after they stopped paying. RecallStoppedObservable
	// is the share of those flagged as silent on or after the default date.
	StoppedObservable       int
	RecallStoppedObservable float64
}

// TruthRow is one row of the demo ledger's truth.csv.
type TruthRow struct {
	CustomerID, Behaviour   string
	ChangeDate, DefaultDate creditflow.Date
	ShiftDays               float64
}

// Behaviours of truth.csv.
const (
	truthStable    = "stable"
	truthWorsening = "worsening"
	truthStopped   = "stopped_paying"
)

// ReadTruth reads a truth.csv of the demo ledger (customer_id, behaviour,
// change_date, shift_days, default_date; other columns are ignored).
func ReadTruth(r io.Reader) ([]TruthRow, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("truth: header: %w", err)
	}
	col := make(map[string]int)
	for i, h := range header {
		col[h] = i
	}
	for _, need := range []string{"customer_id", "behaviour", "change_date", "shift_days", "default_date"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("%w: truth: no column %s", creditflow.ErrInvalid, need)
		}
	}
	var out []TruthRow
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: truth: %v", creditflow.ErrInvalid, err)
		}
		line, _ := cr.FieldPos(0)
		t := TruthRow{CustomerID: rec[col["customer_id"]], Behaviour: rec[col["behaviour"]]}
		if s := rec[col["change_date"]]; s != "" {
			if t.ChangeDate, err = creditflow.ParseDate(s); err != nil {
				return nil, fmt.Errorf("truth line %d: change_date: %w", line, err)
			}
		}
		if s := rec[col["default_date"]]; s != "" {
			if t.DefaultDate, err = creditflow.ParseDate(s); err != nil {
				return nil, fmt.Errorf("truth line %d: default_date: %w", line, err)
			}
		}
		if s := rec[col["shift_days"]]; s != "" {
			if t.ShiftDays, err = strconv.ParseFloat(s, 64); err != nil {
				return nil, fmt.Errorf("%w: truth line %d: shift_days %q: expected a number", creditflow.ErrInvalid, line, s)
			}
		}
		out = append(out, t)
	}
}

// EvaluateChangeDetection replays DetectChanges every stepDays days from
// from up to to, each run seeing only what was known on its date, and
// compares the flags with the truth.
func EvaluateChangeDetection(ctx context.Context, q store.Querier, truth []TruthRow, from, to creditflow.Date, stepDays int) (ChangeEvaluation, error) {
	r, err := replayChanges(ctx, q, from, to, stepDays, defaultChangeParams())
	if err != nil {
		return ChangeEvaluation{}, err
	}
	e := r.evaluate(truth)
	if err := r.observeStopped(ctx, q, truth, &e); err != nil {
		return ChangeEvaluation{}, err
	}
	return e, nil
}

// changeReplay holds the flags of each customer over a replay, in date
// order.
type changeReplay struct {
	last  creditflow.Date // the last as-of date replayed
	flags map[string][]creditflow.BehaviourChange
}

func replayChanges(ctx context.Context, q store.Querier, from, to creditflow.Date, stepDays int, p changeParams) (changeReplay, error) {
	if stepDays <= 0 {
		return changeReplay{}, fmt.Errorf("%w: step of %d days: expected 1 or more", creditflow.ErrInvalid, stepDays)
	}
	if from.IsZero() || to.Before(from.Time) {
		return changeReplay{}, fmt.Errorf("%w: replay from %s to %s: expected from on or before to", creditflow.ErrInvalid, from, to)
	}
	r := changeReplay{flags: make(map[string][]creditflow.BehaviourChange)}
	for d := from; !d.After(to.Time); d = d.AddDays(stepDays) {
		found, err := detectChanges(ctx, q, d, p)
		if err != nil {
			return changeReplay{}, err
		}
		for id, ch := range found {
			r.flags[id] = append(r.flags[id], ch)
		}
		r.last = d
	}
	return r, nil
}

// firstOnOrAfter returns the first flag of kind for customer on or after day.
func (r changeReplay) firstOnOrAfter(customer, kind string, day creditflow.Date) (creditflow.BehaviourChange, bool) {
	for _, ch := range r.flags[customer] {
		if ch.Kind == kind && !ch.DetectedOn.Before(day.Time) {
			return ch, true
		}
	}
	return creditflow.BehaviourChange{}, false
}

func (r changeReplay) evaluate(truth []TruthRow) ChangeEvaluation {
	var e ChangeEvaluation
	var hitsW, hitsS, alarms int
	var delays, dateErr, shiftErr []float64
	for _, t := range truth {
		e.Customers++
		switch t.Behaviour {
		case truthWorsening:
			e.Worsening++
			if ch, ok := r.firstOnOrAfter(t.CustomerID, ChangeWorsening, t.ChangeDate); ok {
				hitsW++
				delays = append(delays, float64(ch.DetectedOn.DaysSince(t.ChangeDate)))
				dateErr = append(dateErr, math.Abs(float64(ch.ChangeDate.DaysSince(t.ChangeDate))))
				shiftErr = append(shiftErr, math.Abs(ch.ShiftDays-t.ShiftDays))
			}
		case truthStopped:
			e.Stopped++
			if ch, ok := r.firstOnOrAfter(t.CustomerID, ChangeSilence, t.DefaultDate); ok {
				hitsS++
				delays = append(delays, float64(ch.DetectedOn.DaysSince(t.DefaultDate)))
			}
		case truthStable:
			e.Stable++
			if len(r.flags[t.CustomerID]) > 0 {
				alarms++
			}
		}
	}
	e.RecallWorsening = ratio(hitsW, e.Worsening)
	e.RecallStopped = ratio(hitsS, e.Stopped)
	e.FalseAlarmRate = ratio(alarms, e.Stable)
	e.MedianDelayDays = quantileOf(delays, 0.5)
	e.P90DelayDays = quantileOf(delays, 0.9)
	e.MedianChangeDateErrorDays = quantileOf(dateErr, 0.5)
	e.MedianShiftErrorDays = quantileOf(shiftErr, 0.5)
	return e
}

// observeStopped fills StoppedObservable and RecallStoppedObservable from
// the delays on the last date of the replay.
func (r changeReplay) observeStopped(ctx context.Context, q store.Querier, truth []TruthRow, e *ChangeEvaluation) error {
	defaults := make(map[string]creditflow.Date)
	for _, t := range truth {
		if t.Behaviour == truthStopped {
			defaults[t.CustomerID] = t.DefaultDate
		}
	}
	cur, err := reportCurrency(ctx, q)
	if err != nil {
		return err
	}
	unpaid := make(map[string]int)
	err = readDelays(ctx, q, r.last, cur, "", func(customerID string, pt DelayPoint, _ creditflow.Date) error {
		if dflt, ok := defaults[customerID]; ok && pt.Censored && pt.DaysLate >= 30 && !pt.DueDate.Before(dflt.AddDays(-30).Time) {
			unpaid[customerID]++
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("evaluate changes: %w", err)
	}
	hits := 0
	for id, dflt := range defaults {
		if unpaid[id] < 2 {
			continue
		}
		e.StoppedObservable++
		if _, ok := r.firstOnOrAfter(id, ChangeSilence, dflt); ok {
			hits++
		}
	}
	e.RecallStoppedObservable = ratio(hits, e.StoppedObservable)
	return nil
}

func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// quantileOf returns the q-quantile of x rounded to 0.1, 0 for an empty x.
func quantileOf(x []float64, q float64) float64 {
	s := slices.Clone(x)
	slices.SortFunc(s, cmp.Compare[float64])
	return round1(SortedQuantile(s, q))
}
