package forecast

import "math"

// The delay grid: hazards are kept per day of delay x = payment day − due
// date, in days, from minDelay (paid long before the due date) to maxDelay;
// delays outside are clamped to the ends.
const (
	minDelay = -200
	maxDelay = 730
	nDelay   = maxDelay - minDelay + 1
)

// delayIndex returns the grid index of delay x (days), clamped.
func delayIndex(x int) int {
	return min(max(x, minDelay), maxDelay) - minDelay
}

// spell is one invoice's time at risk of being paid, in days of delay: it
// entered the risk set on delay from (the invoice date − due date) and left
// it on delay to, paid that day when paid is true, else still open then
// (censored). weight is its weight in the estimate (recency, in [0,1]).
type spell struct {
	from, to int
	paid     bool
	weight   float64
}

// riskCounts are the weighted events and numbers at risk per grid day.
type riskCounts struct {
	events, atRisk []float64
}

func newRiskCounts() riskCounts {
	return riskCounts{events: make([]float64, nDelay), atRisk: make([]float64, nDelay+1)}
}

// reset clears c for reuse.
func (c riskCounts) reset() {
	clear(c.events)
	clear(c.atRisk)
}

// add counts one spell. It accumulates the number at risk as differences;
// call finish once all spells are in.
func (c riskCounts) add(s spell) {
	from, to := delayIndex(s.from), delayIndex(s.to)
	if to < from {
		to = from
	}
	c.atRisk[from] += s.weight
	c.atRisk[to+1] -= s.weight
	if s.paid {
		c.events[to] += s.weight
	}
}

// finish turns the differences into numbers at risk.
func (c riskCounts) finish() {
	run := 0.0
	for i := 0; i < nDelay; i++ {
		run += c.atRisk[i]
		if run < 1e-12 {
			run = 0
		}
		c.atRisk[i] = run
	}
}

// smooth averages events and numbers at risk over a window of ±half days, so
// that a hazard from few invoices is a local rate rather than a comb of
// single days. It writes into dst and returns it.
func (c riskCounts) smooth(half int, dst riskCounts) riskCounts {
	for _, p := range [2][2][]float64{{c.events, dst.events}, {c.atRisk[:nDelay], dst.atRisk[:nDelay]}} {
		src, out := p[0], p[1]
		sum := 0.0
		lo, hi := 0, -1
		for i := 0; i < nDelay; i++ {
			for hi < min(i+half, nDelay-1) {
				hi++
				sum += src[hi]
			}
			for lo < i-half {
				sum -= src[lo]
				lo++
			}
			out[i] = sum / float64(2*half+1)
		}
	}
	return dst
}

// shrunkHazard returns the daily hazard (probability in [0,1] of being paid
// on delay x when still open the day before) of counts c, shrunk towards
// prior with the weight of a invoices: (events + a·prior) / (atRisk + a).
// Where c has few invoices at risk the prior dominates.
func shrunkHazard(c riskCounts, prior []float64, a float64, dst []float64) []float64 {
	if dst == nil {
		dst = make([]float64, nDelay)
	}
	for i := range dst {
		h := (c.events[i] + a*prior[i]) / (c.atRisk[i] + a)
		dst[i] = min(max(h, 0), 1)
	}
	return dst
}

// flatHazard is a constant daily hazard, the prior of the book where it has
// no data at all.
func flatHazard(h float64) []float64 {
	f := make([]float64, nDelay)
	for i := range f {
		f[i] = h
	}
	return f
}

// dayProbs writes into p[k-1], k = 1..len(p), the probability that an
// invoice still open on delay x0 (days) is paid on delay x0+k, with its
// hazard scaled by factor and moved later by shift days. It returns the
// probability that it is still open after the last day.
func dayProbs(h []float64, x0, shift int, factor float64, p []float64) (rest float64) {
	s := 1.0
	for k := range p {
		q := h[delayIndex(x0+k+1-shift)] * factor
		if q > 1 {
			q = 1
		}
		p[k] = s * q
		s -= p[k]
	}
	return max(s, 0)
}

// meanDelay returns the mean delay (days) of the distribution implied by
// hazard h for an invoice that enters at delay from, its open tail placed at
// maxDelay.
func meanDelay(h []float64, from int) float64 {
	s, m := 1.0, 0.0
	for x := from; x <= maxDelay; x++ {
		p := s * h[delayIndex(x)]
		m += p * float64(x)
		s -= p
	}
	return m + s*float64(maxDelay)
}

// recencyWeight is the weight of an invoice issued age days before the
// as-of date: halving every halfLife days, so that the model follows a
// customer whose behaviour changes.
func recencyWeight(age int, halfLife float64) float64 {
	if age <= 0 {
		return 1
	}
	return math.Exp2(-float64(age) / halfLife)
}
