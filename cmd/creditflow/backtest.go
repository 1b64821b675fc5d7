package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"text/tabwriter"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/bank"
	"github.com/creditflow/creditflow/risk"
	"github.com/creditflow/creditflow/store"
)

// runBacktest runs one of the backtests: how well a model would have done
// on the ledger's own past.
func runBacktest(ctx context.Context, c *command, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("backtest: name what to test: `backtest risk`, `backtest change`, `backtest forecast` or `backtest matching`")
	}
	switch args[0] {
	case "risk":
		return runBacktestRisk(ctx, c.sub("risk"), args[1:])
	case "change":
		return runBacktestChange(ctx, c.sub("change"), args[1:])
	case "forecast":
		return runBacktestForecast(ctx, c.sub("forecast"), args[1:])
	case "matching":
		return runBacktestMatching(ctx, c.sub("matching"), args[1:])
	}
	return fmt.Errorf("backtest: unknown backtest %q: expected risk, change, forecast or matching", args[0])
}

// number is a float64 that a finite JSON number cannot always hold: an AUC
// without a single late payer is not defined. It is written as null then.
type number float64

func (n number) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(n)) || math.IsInf(float64(n), 0) {
		return []byte("null"), nil
	}
	return []byte(fmt.Sprintf("%.4f", float64(n))), nil
}

// riskBacktestJSON is the --json output of `backtest risk`.
type riskBacktestJSON struct {
	From      creditflow.Date `json:"from"`
	To        creditflow.Date `json:"to"`
	AsOfDates int             `json:"as_of_dates"`
	// Rows are the invoices with a known late/on-time outcome, RowsSevere
	// those with a known severe outcome.
	Rows              int               `json:"rows"`
	RowsSevere        int               `json:"rows_severe"`
	Model             backtestFigures   `json:"model"`
	Baseline          backtestFigures   `json:"baseline"`
	Calibration       []calibrationJSON `json:"calibration"`
	CalibrationSevere []calibrationJSON `json:"calibration_severe"`
}

// backtestFigures are AUC (in [0,1], 0.5 is guessing) and Brier score
// (mean squared error of the probability, lower is better).
type backtestFigures struct {
	AUCLate     number `json:"auc_late"`
	BrierLate   number `json:"brier_late"`
	AUCSevere   number `json:"auc_severe"`
	BrierSevere number `json:"brier_severe"`
}

func figuresOf(f risk.BacktestFigures) backtestFigures {
	return backtestFigures{AUCLate: number(f.AUCLate), BrierLate: number(f.BrierLate),
		AUCSevere: number(f.AUCSevere), BrierSevere: number(f.BrierSevere)}
}

type calibrationJSON struct {
	Lo            number `json:"lo"`
	Hi            number `json:"hi"`
	MeanPredicted number `json:"mean_predicted"`
	Observed      number `json:"observed"`
	N             int    `json:"n"`
}

func calibrationOf(bins []risk.CalibrationBin) []calibrationJSON {
	out := []calibrationJSON{}
	for _, b := range bins {
		out = append(out, calibrationJSON{Lo: number(b.Lo), Hi: number(b.Hi),
			MeanPredicted: number(b.MeanPredicted), Observed: number(b.Observed), N: b.N})
	}
	return out
}

func runBacktestRisk(ctx context.Context, c *command, args []string) error {
	c.spanFlags()
	c.jsonFlag("print JSON")
	if err := c.Parse(args); err != nil {
		return err
	}
	from, to, err := c.span()
	if err != nil {
		return err
	}
	return c.withDB(ctx, func(db *store.DB, _ creditflow.Date) error {
		bt, err := risk.BacktestRisk(ctx, db, from, to)
		if err != nil {
			return err
		}
		v := riskBacktestJSON{From: bt.From, To: bt.To, AsOfDates: bt.AsOfDates, Rows: bt.Rows, RowsSevere: bt.RowsSevere,
			Model: figuresOf(bt.Model), Baseline: figuresOf(bt.Baseline),
			Calibration: calibrationOf(bt.Calibration), CalibrationSevere: calibrationOf(bt.CalibrationSevere)}
		return c.output(v, nil, func(w io.Writer) error { return printRiskBacktest(w, bt) })
	})
}

// printRiskBacktest writes the backtest for a reader who is not a
// statistician: what was compared, the figures side by side, and what
// they mean.
func printRiskBacktest(w io.Writer, bt risk.RiskBacktest) error {
	fmt.Fprintf(w, "Payment-risk backtest, as-of dates from %s to %s\n", bt.From, bt.To)
	fmt.Fprintf(w, "On each of %d monthly as-of dates every customer was scored from what was known then;\n", bt.AsOfDates)
	fmt.Fprintf(w, "the scores are compared with what became of the invoices issued in the next 90 days\n")
	fmt.Fprintf(w, "(%d invoices for paying late, %d for paying 60+ days late).\n\n", bt.Rows, bt.RowsSevere)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\tmodel\tnaive baseline\tbetter")
	row := func(label string, m, b float64, higherBetter bool) {
		better := "model"
		switch {
		case math.IsNaN(m) || math.IsNaN(b):
			better = "–"
		case m == b:
			better = "same"
		case (m < b) == higherBetter:
			better = "baseline"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", label, fixed(m, 3), fixed(b, 3), better)
	}
	fmt.Fprintln(tw, "Paid late (p_late)\t\t\t")
	row("  AUC", bt.Model.AUCLate, bt.Baseline.AUCLate, true)
	row("  Brier score", bt.Model.BrierLate, bt.Baseline.BrierLate, false)
	fmt.Fprintln(tw, "Paid 60+ days late (p_severe)\t\t\t")
	row("  AUC", bt.Model.AUCSevere, bt.Baseline.AUCSevere, true)
	row("  Brier score", bt.Model.BrierSevere, bt.Baseline.BrierSevere, false)
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprint(w, `
AUC: how well the scores rank the invoices that were paid late above those
that were not; 1 is perfect, 0.5 is no better than a coin toss. Brier
score: the average squared gap between the probability and what happened
(0 or 1); 0 is perfect, lower is better. The naive baseline predicts each
customer's own past share of late (60+ days late) invoices, and the share
of the whole book for a customer without history.
`)
	for _, c := range []struct {
		what string
		bins []risk.CalibrationBin
	}{{"paying late (p_late)", bt.Calibration}, {"paying 60+ days late (p_severe)", bt.CalibrationSevere}} {
		if len(c.bins) == 0 {
			continue
		}
		fmt.Fprintf(w, "\nCalibration of the model's chance of %s:\n", c.what)
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "predicted\tinvoices\tpredicted on average\tobserved\t")
		for _, b := range c.bins {
			fmt.Fprintf(tw, "%s – %s\t%d\t%s\t%s\t\n", pct1(b.Lo), pct1(b.Hi), b.N, pct1(b.MeanPredicted), pct1(b.Observed))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	fmt.Fprintln(w, "\nA well-calibrated model has observed close to predicted on every line.")
	return nil
}

// fixed writes x with d decimals, or a dash when it is not defined.
func fixed(x float64, d int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	return fmt.Sprintf("%.*f", d, x)
}

// pct1 writes a fraction in [0,1] as a percentage with one decimal.
func pct1(x float64) string { return fixed(100*x, 1) + "%" }

// changeEvaluationJSON is the --json output of `backtest change`. Rates
// are fractions in [0,1]; delays and errors are days.
type changeEvaluationJSON struct {
	From                      creditflow.Date `json:"from"`
	To                        creditflow.Date `json:"to"`
	StepDays                  int             `json:"step_days"`
	Customers                 int             `json:"customers"`
	Worsening                 int             `json:"worsening"`
	Stopped                   int             `json:"stopped"`
	Stable                    int             `json:"stable"`
	RecallWorsening           number          `json:"recall_worsening"`
	RecallStopped             number          `json:"recall_stopped"`
	FalseAlarmRate            number          `json:"false_alarm_rate"`
	MedianDelayDays           number          `json:"median_delay_days"`
	P90DelayDays              number          `json:"p90_delay_days"`
	MedianChangeDateErrorDays number          `json:"median_change_date_error_days"`
	MedianShiftErrorDays      number          `json:"median_shift_error_days"`
}

func runBacktestChange(ctx context.Context, c *command, args []string) error {
	truthPath := c.String("truth", "", "the `truth.csv` of the demo ledger: what really happened to each customer (required)")
	c.spanFlags()
	step := c.Int("step", 14, "run the change test every this many `days`")
	c.jsonFlag("print JSON")
	if err := c.Parse(args); err != nil {
		return err
	}
	if *truthPath == "" {
		return fmt.Errorf("backtest change: --truth FILE is required (the truth.csv that `creditflow demo` writes)")
	}
	from, to, err := c.span()
	if err != nil {
		return err
	}
	if *step < 1 {
		return fmt.Errorf("backtest change: --step %d: expected 1 or more days", *step)
	}
	f, err := os.Open(c.path(*truthPath))
	if err != nil {
		return fmt.Errorf("backtest change: %w", err)
	}
	truth, err := risk.ReadTruth(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("backtest change: %s: %w", *truthPath, err)
	}
	return c.withDB(ctx, func(db *store.DB, _ creditflow.Date) error {
		ev, err := risk.EvaluateChangeDetection(ctx, db, truth, from, to, *step)
		if err != nil {
			return err
		}
		v := changeEvaluationJSON{From: from, To: to, StepDays: *step,
			Customers: ev.Customers, Worsening: ev.Worsening, Stopped: ev.Stopped, Stable: ev.Stable,
			RecallWorsening: number(ev.RecallWorsening), RecallStopped: number(ev.RecallStopped), FalseAlarmRate: number(ev.FalseAlarmRate),
			MedianDelayDays: number(ev.MedianDelayDays), P90DelayDays: number(ev.P90DelayDays),
			MedianChangeDateErrorDays: number(ev.MedianChangeDateErrorDays), MedianShiftErrorDays: number(ev.MedianShiftErrorDays)}
		return c.output(v, nil, func(w io.Writer) error { return printChangeEvaluation(w, ev, *truthPath, *step, from, to) })
	})
}

// printChangeEvaluation writes how well the change test found the
// behaviour written in the truth file.
func printChangeEvaluation(w io.Writer, ev risk.ChangeEvaluation, truthPath string, step int, from, to creditflow.Date) error {
	fmt.Fprintf(w, "Behaviour-change detection, run every %d days from %s to %s,\n", step, from, to)
	fmt.Fprintf(w, "against %s: %d customers (%d worsening, %d stopped paying, %d stable).\n\n",
		truthPath, ev.Customers, ev.Worsening, ev.Stopped, ev.Stable)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Worsening customers found\t%s\t(%d of %d)\n", pct1(ev.RecallWorsening), hits(ev.RecallWorsening, ev.Worsening), ev.Worsening)
	fmt.Fprintf(tw, "Customers who stopped paying found\t%s\t(%d of %d)\n", pct1(ev.RecallStopped), hits(ev.RecallStopped, ev.Stopped), ev.Stopped)
	fmt.Fprintf(tw, "False alarms\t%s\tof stable customers flagged at least once (%d of %d)\n",
		pct1(ev.FalseAlarmRate), hits(ev.FalseAlarmRate, ev.Stable), ev.Stable)
	fmt.Fprintf(tw, "Time to detection\t%s days\tmedian; 90%% are found within %s days\n", fixed(ev.MedianDelayDays, 0), fixed(ev.P90DelayDays, 0))
	fmt.Fprintf(tw, "Change date estimate\t%s days\tmedian error\n", fixed(ev.MedianChangeDateErrorDays, 0))
	fmt.Fprintf(tw, "Shift estimate\t%s days\tmedian error of the change in days late\n", fixed(ev.MedianShiftErrorDays, 1))
	return tw.Flush()
}

// hits turns a rate back into a count of n.
func hits(rate float64, n int) int { return int(math.Round(rate * float64(n))) }

// runBacktestMatching compares the matching of imported bank statements
// with the truth file of a generated ledger.
func runBacktestMatching(ctx context.Context, c *command, args []string) error {
	truth := c.String("truth", "", "statement_truth.csv written by `creditflow demo --statements` (required)")
	c.jsonFlag("print JSON")
	if err := c.Parse(args); err != nil {
		return err
	}
	if *truth == "" {
		return fmt.Errorf("backtest matching: --truth FILE is required")
	}
	return c.withDB(ctx, func(db *store.DB, _ creditflow.Date) error {
		rep, err := bank.EvaluateMatching(ctx, db, c.path(*truth))
		if err != nil {
			return err
		}
		return c.output(rep, nil, func(w io.Writer) error { return printMatchingEvaluation(w, rep) })
	})
}

// printMatchingEvaluation writes how the matching of the statements
// compares with their truth file.
func printMatchingEvaluation(w io.Writer, rep bank.MatchingReport) error {
	fmt.Fprintf(w, "bank credits: %d; matched automatically: %d (%.1f%%), of which wrong: %d (to another customer: %d), on account (customer only): %d, to some of its invoices (rest on account): %d; unmatched: %d\n",
		rep.Credits, rep.Auto, rep.AutoShare*100, rep.Wrong, rep.WrongCustomer, rep.OnAccount, rep.Incomplete, rep.Unmatched)
	fmt.Fprintf(w, "returned direct debits: %d, booked to the right customer: %d, to a wrong one: %d; truth rows not in the database: %d\n",
		rep.Returns, rep.ReturnsBooked, rep.ReturnsWrong, rep.Missing)
	printCounts := func(title string, m map[string]*bank.RuleCount) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprintf(w, "%s:\n", title)
		for _, k := range keys {
			c := m[k]
			fmt.Fprintf(w, "  %-24s credits %7d  auto %7d  wrong %5d  unmatched %6d\n", k, c.Credits, c.Auto, c.Wrong, c.Unmatched)
		}
	}
	fmt.Fprintf(w, "at other thresholds (estimated from the stored confidences):\n")
	for _, th := range rep.Thresholds {
		fmt.Fprintf(w, "  %.2f: automatic %.1f%%, wrong %d (to another customer %d)\n", th.Threshold, th.AutoShare*100, th.Wrong, th.WrongCustomer)
	}
	printCounts("by rule", rep.ByRule)
	printCounts("by noise", rep.ByNoise)
	for _, ex := range rep.Examples {
		fmt.Fprintln(w, "  wrong:", ex)
	}
	return nil
}
