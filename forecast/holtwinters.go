package forecast

import (
	"math"

	"gonum.org/v1/gonum/optimize"
)

// holtWinters is additive exponential smoothing with a damped trend and a
// seasonal cycle of period steps (Holt-Winters), fitted by least squares of
// the one-step-ahead errors. Values are in the units of the series (cents
// per week for the invoicing).
type holtWinters struct {
	alpha, beta, gamma float64 // smoothing of level, trend, season, in (0,1)
	phi                float64 // trend damping per step, in (0,1]
	period             int     // 0: no seasonality
	level, trend       float64
	season             []float64 // the next period seasonal terms, season[0] first
	residualSD         float64   // standard deviation of the one-step errors
}

// hwDamping keeps long forecasts from running away with a noisy trend.
const hwDamping = 0.95

// run smooths y with the given parameters and returns the sum of squared
// one-step errors; with keep it stores the final state in hw.
func (hw *holtWinters) run(y []float64, alpha, beta, gamma float64, keep bool) float64 {
	m := hw.period
	var level, trend float64
	var season []float64
	start := 0
	if m > 0 {
		// Initial state from the first two cycles.
		var s1, s2 float64
		for i := 0; i < m; i++ {
			s1 += y[i]
			s2 += y[m+i]
		}
		s1 /= float64(m)
		s2 /= float64(m)
		level, trend = s1, (s2-s1)/float64(m)
		season = make([]float64, m)
		for i := 0; i < m; i++ {
			season[i] = y[i] - (s1 + (float64(i)-float64(m-1)/2)*trend)
		}
		level = s1 + float64(m-1)/2*trend
		start = m
	} else {
		level = y[0]
		if len(y) > 1 {
			trend = 0
		}
		start = 1
	}
	sse := 0.0
	n := 0
	for t := start; t < len(y); t++ {
		s := 0.0
		if m > 0 {
			s = season[t%m]
		}
		pred := level + hw.phi*trend + s
		e := y[t] - pred
		sse += e * e
		n++
		newLevel := level + hw.phi*trend + alpha*e
		trend = hw.phi*trend + alpha*beta*e
		if m > 0 {
			season[t%m] = s + gamma*(1-alpha)*e
		}
		level = newLevel
	}
	if keep {
		hw.alpha, hw.beta, hw.gamma = alpha, beta, gamma
		hw.level, hw.trend = level, trend
		if m > 0 {
			// Rotate so that season[0] belongs to the next step.
			next := len(y) % m
			hw.season = append(season[next:], season[:next]...)
		}
		if n > 1 {
			hw.residualSD = math.Sqrt(sse / float64(n-1))
		}
	}
	return sse
}

func logistic(v float64) float64 { return 1 / (1 + math.Exp(-v)) }

// fitHoltWinters fits the smoothing parameters to y with Nelder-Mead. It
// uses seasonality of the given period when y holds at least two full
// cycles and more, else a damped trend only. y needs at least 2 values.
func fitHoltWinters(y []float64, period int) *holtWinters {
	hw := &holtWinters{phi: hwDamping}
	if len(y) >= 2*period+4 && period > 1 {
		hw.period = period
	}
	obj := func(v []float64) float64 {
		return hw.run(y, logistic(v[0]), logistic(v[1]), logistic(v[2]), false)
	}
	init := []float64{-1, -3, -2} // alpha ≈ 0.27, beta ≈ 0.05, gamma ≈ 0.12
	res, err := optimize.Minimize(optimize.Problem{Func: obj}, init,
		&optimize.Settings{MajorIterations: 300, Converger: &optimize.FunctionConverge{Absolute: 1e-9, Relative: 1e-9, Iterations: 40}},
		&optimize.NelderMead{})
	x := init
	if err == nil && res != nil && !math.IsNaN(res.F) {
		x = res.X
	} else if res != nil && len(res.X) == 3 && !math.IsNaN(res.F) && res.F <= obj(init) {
		x = res.X
	}
	hw.run(y, logistic(x[0]), logistic(x[1]), logistic(x[2]), true)
	return hw
}

// forecast returns the forecasts 1..h steps ahead, floored at zero.
func (hw *holtWinters) forecast(h int) []float64 {
	out := make([]float64, h)
	damp := 0.0
	pow := 1.0
	for k := 1; k <= h; k++ {
		pow *= hw.phi
		damp += pow
		v := hw.level + damp*hw.trend
		if hw.period > 0 {
			v += hw.season[(k-1)%hw.period]
		}
		out[k-1] = max(v, 0)
	}
	return out
}
