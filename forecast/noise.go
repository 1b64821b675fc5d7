package forecast

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/creditflow/creditflow/risk"
)

// The week noise: each week's simulated total is multiplied by a lognormal
// noise of mean 1, for what the model cannot know (its own errors in the
// payment hazards and in the invoicing, a large customer paying a few days
// early or late, bank holidays). How much of that there is depends on the
// ledger: a fixed log-SD of 0.11 gave a p10-p90 band holding 0.66 of the
// weeks on one demo ledger and 0.88 on another. So it is calibrated on the
// ledger itself, in the manner of split-conformal prediction, using only
// what was known on the as-of date:
//
//   - on calibrationRuns earlier dates a_k (Sundays, 4 weeks apart), each
//     far enough back that all its forecast weeks end on or before the
//     as-of date, the ledger as it stood on a_k is rebuilt from the one on
//     the as-of date (ledgerAsOf), and the model is fitted on it and
//     simulated with calibrationPaths paths, without noise;
//   - each of those past forecast weeks is compared with the cash that came
//     in (the payments dated in the week, as in the backtest, read by
//     loadLedger up to the as-of date);
//   - sigma is the smallest noise (found by bisection, with the same seeded
//     draws for every candidate) whose p10-p90 band holds 80% of those
//     weeks, with the split-conformal finite-sample correction
//     ceil((n+1)·0.8)/n.
//
// This measures the model's own forecast error at the horizons it is used
// at. The dispersion of the log weekly receipts around a smooth level does
// not: on the demo ledgers it is about what the simulation already
// produces (0.10 to 0.17 against 0.11 to 0.15), while the noise needed for
// 80% ranges from about 0.05 to 0.2. The cost is calibrationRuns fits and
// small simulations on data already loaded (no extra query besides the
// weekly receipts), about 0.25 s on a 100,000-invoice ledger; all draws are
// seeded by Options.Seed, so the forecast stays deterministic. With too
// little history (fewer than calibrationMinWeeks past weeks to compare)
// sigma is defaultWeekNoise.
const (
	calibrationRuns     = 8
	calibrationPaths    = 100
	calibrationMinWeeks = 12
	// calibrationCoverage is the share of past weeks the band must hold.
	calibrationCoverage = 0.8
	// defaultWeekNoise is the week noise when the ledger is too young to
	// calibrate it.
	defaultWeekNoise = 0.11
	// maxWeekNoise bounds the calibrated noise.
	maxWeekNoise = 1.0
)

// receiptWeeks is how many complete weeks of cash received before the as-of
// date loadLedger reads: enough for the calibration forecasts.
const receiptWeeks = MaxWeeks + 1 + 4*(calibrationRuns-1)

// weekNoise is the calibration of the noise on each week's total.
type weekNoise struct {
	sigma float64 // standard deviation of the lognormal noise
	weeks int     // past weeks the calibration compared (0: default)
}

// ledgerAsOf rebuilds from l the ledger as it stood on day a (< l.asOf):
// invoices dated on or before a, those settled after a open again. The open
// amount on a of an item open then is taken as its amount (partial payments
// made before a on items settled after it are not told apart); items older
// than l's learning window that were open on a but settled by l.asOf are
// missing. Disputes are as on l.asOf.
func ledgerAsOf(l *ledger, a int) *ledger {
	p := &ledger{asOf: a, currency: l.currency, invoicing: map[int]int64{}}
	for i := range l.records {
		r := l.records[i]
		if r.issued > a {
			continue
		}
		if r.settled > a || r.settled < 0 {
			r.settled = -1
			r.openCent = r.amountCent
		}
		p.records = append(p.records, r)
	}
	for wk, c := range l.invoicing {
		if wk+6 <= a {
			p.invoicing[wk] = c
		}
	}
	return p
}

// calibrateNoise calibrates the week noise on l's past.
func calibrateNoise(ctx context.Context, l *ledger, opt Options) weekNoise {
	W := opt.Weeks
	lastSunday := mondayOf(l.asOf+1) - 1 // end of the last complete week
	// One past week: the log of the cash that came in, and the log of the
	// simulated totals with the standard normal draws of their noise.
	type past struct {
		actual float64
		logs   []float64
		z      []float64
	}
	var weeks []past
	rng := rand.New(rand.NewPCG(opt.Seed, 0x63616c6962)) // "calib"
	for k := 0; k < calibrationRuns && ctx.Err() == nil; k++ {
		a := lastSunday - 7*W - 28*k
		// Only when the ledger had started by then.
		if l.receipts[mondayOf(a)] <= 0 {
			continue
		}
		p := ledgerAsOf(l, a)
		sp := simulatePaths(ctx, p, Options{Weeks: W, Paths: calibrationPaths, Seed: opt.Seed})
		for w := 0; w < W; w++ {
			actual := float64(l.receipts[sp.h.firstWeek+7*w])
			if actual <= 0 {
				continue
			}
			pw := past{actual: math.Log(actual)}
			for q := 0; q < calibrationPaths; q++ {
				if t := sp.openSum[q*W+w] + sp.newSum[q*W+w]; t > 0 {
					pw.logs = append(pw.logs, math.Log(t))
					pw.z = append(pw.z, rng.NormFloat64())
				}
			}
			if len(pw.logs) >= 10 {
				weeks = append(weeks, pw)
			}
		}
	}
	if len(weeks) < calibrationMinWeeks {
		return weekNoise{sigma: defaultWeekNoise}
	}
	buf := make([]float64, calibrationPaths)
	coverage := func(sigma float64) float64 {
		in := 0
		for _, pw := range weeks {
			buf = buf[:len(pw.logs)]
			for i, x := range pw.logs {
				buf[i] = x + sigma*pw.z[i] - sigma*sigma/2
			}
			slices.Sort(buf)
			if pw.actual >= risk.SortedQuantile(buf, 0.1) && pw.actual <= risk.SortedQuantile(buf, 0.9) {
				in++
			}
		}
		return float64(in) / float64(len(weeks))
	}
	// The smallest sigma whose band holds 80% of the past weeks (coverage
	// grows with sigma, up to the noise of the draws): bisection.
	target := math.Ceil(float64(len(weeks)+1)*calibrationCoverage) / float64(len(weeks))
	lo, hi := 0.0, maxWeekNoise
	if coverage(lo) >= target {
		return weekNoise{sigma: 0, weeks: len(weeks)}
	}
	for range 12 {
		mid := (lo + hi) / 2
		if coverage(mid) >= target {
			hi = mid
		} else {
			lo = mid
		}
	}
	return weekNoise{sigma: hi, weeks: len(weeks)}
}

// addNoise multiplies each path's week totals (both parts) by a lognormal
// noise of mean 1 and log-SD sigma, drawn from a generator seeded by
// opt.Seed.
func addNoise(openSum, newSum []float64, W int, opt Options, sigma float64) {
	if sigma <= 0 {
		return
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0x6e6f697365)) // "noise"
	for i := range openSum[:opt.Paths*W] {
		e := math.Exp(sigma*rng.NormFloat64() - sigma*sigma/2)
		openSum[i] *= e
		newSum[i] *= e
	}
}
