package risk

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/creditflow/creditflow"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// The scores are generalised linear models fitted by penalised maximum
// likelihood with gonum/optimize (Newton's method with the exact Hessian;
// the objectives are convex):
//
//   - p_late and p_severe: logistic regressions of "paid after the due date"
//     and "paid more than 60 days after it, or not at all" on the customer's
//     features at a past as-of date S, one binomial row per customer and S
//     (its invoices issued in (S, S+90] are the trials);
//   - expected_days_late: a log-link (Poisson quasi-likelihood) regression
//     of the days late of those invoices, counted as 0 when paid on time;
//   - the p_late of one open item: a logistic regression on the customer's
//     p_late and the invoice's own features.
//
// Features are standardised on the training rows and the coefficients
// (not the intercept) carry an L2 penalty, which keeps a fit on a small
// ledger sane. An intercept-only fit matches the observed frequency exactly,
// and every maximum-likelihood logistic fit matches it on the training rows
// (calibration in the large).

// glmFamily is the distribution and link of a glm.
type glmFamily int

const (
	familyLogistic glmFamily = iota // binomial, logit link
	familyPoisson                   // Poisson quasi-likelihood, log link
)

// glmRows are the training rows of a glm: X[i] the (raw, unstandardised)
// features, Y[i] the successes (logistic) or the sum of the outcome
// (Poisson) and N[i] the trials (logistic) or the number of outcomes summed
// (Poisson). All three have the same length.
type glmRows struct {
	X    [][]float64
	Y, N []float64
}

func (r *glmRows) add(x []float64, y, n float64) {
	r.X = append(r.X, x)
	r.Y = append(r.Y, y)
	r.N = append(r.N, n)
}

// glm is a fitted model: eta = Intercept + sum_j Beta[j] * (x[j]-Mean[j])/Scale[j].
type glm struct {
	Family    glmFamily
	Names     []string
	Mean      []float64
	Scale     []float64
	Intercept float64
	Beta      []float64
}

// errNoData means a model has no rows (or no trials) to be fitted on.
var errNoData = errors.New("no training data")

// fitGLM fits a penalised glm; lambda is the L2 penalty on the standardised
// coefficients, in units of the log-likelihood.
func fitGLM(family glmFamily, names []string, rows glmRows, lambda float64) (*glm, error) {
	n := len(rows.X)
	if n != len(rows.Y) || n != len(rows.N) {
		return nil, fmt.Errorf("fit: %d feature rows, %d outcomes, %d trials", n, len(rows.Y), len(rows.N))
	}
	p := len(names)
	var sumY, sumN float64
	for i, x := range rows.X {
		if len(x) != p {
			return nil, fmt.Errorf("fit: row %d has %d features, want %d", i, len(x), p)
		}
		if rows.N[i] < 0 || rows.Y[i] < 0 || (family == familyLogistic && rows.Y[i] > rows.N[i]) {
			return nil, fmt.Errorf("fit: row %d: outcome %g of %g trials", i, rows.Y[i], rows.N[i])
		}
		sumY += rows.Y[i]
		sumN += rows.N[i]
	}
	if sumN == 0 {
		return nil, errNoData
	}
	m := &glm{Family: family, Names: names, Mean: make([]float64, p), Scale: make([]float64, p)}
	// Standardise with trial-weighted moments.
	for j := 0; j < p; j++ {
		var s, ss float64
		for i, x := range rows.X {
			s += rows.N[i] * x[j]
		}
		mean := s / sumN
		for i, x := range rows.X {
			d := x[j] - mean
			ss += rows.N[i] * d * d
		}
		sd := math.Sqrt(ss / sumN)
		if sd < 1e-9 {
			sd = 1
		}
		m.Mean[j], m.Scale[j] = mean, sd
	}
	z := make([]float64, n*(p+1)) // row-major, column 0 is the intercept
	for i, x := range rows.X {
		zi := z[i*(p+1) : (i+1)*(p+1)]
		zi[0] = 1
		for j := range x {
			zi[j+1] = (x[j] - m.Mean[j]) / m.Scale[j]
		}
	}
	rate := sumY / sumN
	init := make([]float64, p+1)
	switch family {
	case familyLogistic:
		r := math.Min(math.Max(rate, 1e-6), 1-1e-6)
		init[0] = math.Log(r / (1 - r))
	case familyPoisson:
		init[0] = math.Log(math.Max(rate, 1e-6))
	}
	if p == 0 || rate <= 0 || (family == familyLogistic && rate >= 1) {
		// Nothing to learn beyond the rate (and the likelihood has no
		// finite optimum when every trial has the same outcome).
		m.Intercept = init[0]
		m.Beta = make([]float64, p)
		return m, nil
	}
	obj := glmObjective{family: family, z: z, y: rows.Y, n: rows.N, p: p + 1, lambda: lambda}
	prob := optimize.Problem{Func: obj.value, Grad: obj.grad, Hess: obj.hess}
	settings := &optimize.Settings{
		GradientThreshold: 1e-7 * math.Max(sumN, 1),
		Converger:         &optimize.FunctionConverge{Absolute: 1e-9, Relative: 1e-12, Iterations: 30},
		MajorIterations:   200,
	}
	res, err := optimize.Minimize(prob, init, settings, &optimize.Newton{})
	if err != nil && res == nil {
		return nil, fmt.Errorf("fit: %w", err)
	}
	for _, v := range res.X {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("fit: diverged (%v)", res.Status)
		}
	}
	m.Intercept = res.X[0]
	m.Beta = slices.Clone(res.X[1:])
	return m, nil
}

// glmObjective is the penalised negative log-likelihood of a glm over
// standardised rows z (row-major, p columns, column 0 the intercept).
type glmObjective struct {
	family glmFamily
	z      []float64
	y, n   []float64
	p      int
	lambda float64
}

func (o glmObjective) eta(i int, b []float64) float64 {
	zi := o.z[i*o.p : (i+1)*o.p]
	e := 0.0
	for j, v := range zi {
		e += v * b[j]
	}
	return e
}

func (o glmObjective) value(b []float64) float64 {
	f := 0.0
	for i := range o.y {
		e := o.eta(i, b)
		switch o.family {
		case familyLogistic:
			f += o.n[i]*softplus(e) - o.y[i]*e
		case familyPoisson:
			f += o.n[i]*math.Exp(math.Min(e, 50)) - o.y[i]*e
		}
	}
	for j := 1; j < o.p; j++ {
		f += 0.5 * o.lambda * b[j] * b[j]
	}
	return f
}

// mean returns the expected outcome per trial at linear predictor e.
func (o glmObjective) mean(e float64) float64 {
	if o.family == familyLogistic {
		return sigmoid(e)
	}
	return math.Exp(math.Min(e, 50))
}

func (o glmObjective) grad(g, b []float64) {
	clear(g)
	for i := range o.y {
		r := o.n[i]*o.mean(o.eta(i, b)) - o.y[i]
		zi := o.z[i*o.p : (i+1)*o.p]
		for j, v := range zi {
			g[j] += r * v
		}
	}
	for j := 1; j < o.p; j++ {
		g[j] += o.lambda * b[j]
	}
}

func (o glmObjective) hess(h *mat.SymDense, b []float64) {
	p := o.p
	acc := make([]float64, p*p)
	for i := range o.y {
		mu := o.mean(o.eta(i, b))
		w := o.n[i] * mu
		if o.family == familyLogistic {
			w = o.n[i] * mu * (1 - mu)
		}
		if w == 0 {
			continue
		}
		zi := o.z[i*p : (i+1)*p]
		for j := 0; j < p; j++ {
			wj := w * zi[j]
			row := acc[j*p : (j+1)*p]
			for k := j; k < p; k++ {
				row[k] += wj * zi[k]
			}
		}
	}
	for j := 0; j < p; j++ {
		for k := j; k < p; k++ {
			v := acc[j*p+k]
			if j == k && j > 0 {
				v += o.lambda
			}
			h.SetSym(j, k, v)
		}
	}
}

// eta returns the linear predictor of raw features x.
func (m *glm) eta(x []float64) float64 {
	e := m.Intercept
	for j, b := range m.Beta {
		e += b * (x[j] - m.Mean[j]) / m.Scale[j]
	}
	return e
}

// predict returns the expected outcome of one trial: a probability in
// [0,1] (logistic) or the mean outcome (Poisson).
func (m *glm) predict(x []float64) float64 {
	if m.Family == familyLogistic {
		return sigmoid(m.eta(x))
	}
	return math.Exp(math.Min(m.eta(x), 50))
}

// contributions returns each feature's term of the linear predictor,
// relative to the training mean (in log-odds or log units).
func (m *glm) contributions(x []float64) []float64 {
	c := make([]float64, len(m.Beta))
	for j, b := range m.Beta {
		c[j] = b * (x[j] - m.Mean[j]) / m.Scale[j]
	}
	return c
}

// coefficients adds the model's intercept and standardised coefficients
// to out, keyed "prefix.name".
func (m *glm) coefficients(prefix string, out map[string]float64) {
	out[prefix+".intercept"] = m.Intercept
	for j, name := range m.Names {
		out[prefix+"."+name] = m.Beta[j]
	}
}

func sigmoid(e float64) float64 {
	if e >= 0 {
		return 1 / (1 + math.Exp(-e))
	}
	x := math.Exp(e)
	return x / (1 + x)
}

// softplus is log(1+exp(e)) without overflow.
func softplus(e float64) float64 {
	if e > 30 {
		return e
	}
	if e < -30 {
		return math.Exp(e)
	}
	return math.Log1p(math.Exp(e))
}

// logOdds returns log(p/(1-p)) with p kept inside [1e-4, 1-1e-4].
func logOdds(p float64) float64 {
	p = math.Min(math.Max(p, 1e-4), 1-1e-4)
	return math.Log(p / (1 - p))
}

// clampTo keeps x within [lo, hi]; NaN becomes lo.
func clampTo(x, lo, hi float64) float64 {
	if math.IsNaN(x) || x < lo {
		return lo
	}
	if x > hi {
		return hi
	}
	return x
}

// Risk classes by p_severe, the probability that the next invoice is paid
// more than 60 days after its due date or not at all.
const (
	ClassA creditflow.RiskClass = "A" // p_severe < 2%
	ClassB creditflow.RiskClass = "B" // 2% <= p_severe < 5%
	ClassC creditflow.RiskClass = "C" // 5% <= p_severe < 10%
	ClassD creditflow.RiskClass = "D" // 10% <= p_severe < 20%
	ClassE creditflow.RiskClass = "E" // p_severe >= 20%
)

// classBounds are the upper bounds of p_severe of classes A-D.
var classBounds = [...]float64{0.02, 0.05, 0.10, 0.20}

// RiskClassOf returns the class of a p_severe (probability in [0,1]).
func RiskClassOf(pSevere float64) creditflow.RiskClass {
	switch {
	case pSevere < classBounds[0]:
		return ClassA
	case pSevere < classBounds[1]:
		return ClassB
	case pSevere < classBounds[2]:
		return ClassC
	case pSevere < classBounds[3]:
		return ClassD
	}
	return ClassE
}

// Score bounds: the score is p_severe on a log scale, 0 at 0.5% and below,
// 100 at 50% and above. The class bounds fall on scores 30 (2%), 50 (5%),
// 65 (10%) and 80 (20%).
const (
	scoreMinP = 0.005
	scoreMaxP = 0.5
)

// ScoreOf returns the 0-100 score (higher = riskier) of a p_severe.
func ScoreOf(pSevere float64) int {
	if !(pSevere > scoreMinP) {
		return 0
	}
	s := 100 * math.Log(pSevere/scoreMinP) / math.Log(scoreMaxP/scoreMinP)
	return int(math.Round(clampTo(s, 0, 100)))
}

// AUC returns the area under the ROC curve of scores against outcomes
// given as positives and negatives per row (weights, e.g. counts of late
// and on-time invoices of one customer). Ties count one half. It returns
// NaN when there are no positives or no negatives.
func AUC(score, pos, neg []float64) float64 {
	if len(score) != len(pos) || len(score) != len(neg) {
		panic("risk.AUC: slices of different lengths")
	}
	idx := make([]int, len(score))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return score[idx[a]] < score[idx[b]] })
	var negBelow, area, totalPos, totalNeg float64
	for i := 0; i < len(idx); {
		j := i
		var p, n float64
		for ; j < len(idx) && score[idx[j]] == score[idx[i]]; j++ {
			p += pos[idx[j]]
			n += neg[idx[j]]
		}
		area += p * (negBelow + n/2)
		negBelow += n
		totalPos += p
		totalNeg += n
		i = j
	}
	if totalPos == 0 || totalNeg == 0 {
		return math.NaN()
	}
	return area / (totalPos * totalNeg)
}

// Brier returns the mean squared difference between the predicted
// probability and the outcome (1 positive, 0 negative), over all trials
// weighted by pos and neg. It returns NaN when there are no trials.
func Brier(pred, pos, neg []float64) float64 {
	if len(pred) != len(pos) || len(pred) != len(neg) {
		panic("risk.Brier: slices of different lengths")
	}
	var s, w float64
	for i, p := range pred {
		s += pos[i]*(1-p)*(1-p) + neg[i]*p*p
		w += pos[i] + neg[i]
	}
	if w == 0 {
		return math.NaN()
	}
	return s / w
}

// CalibrationBin compares predicted probabilities with observed
// frequencies over the trials whose prediction lies in [Lo, Hi].
type CalibrationBin struct {
	Lo            float64 `json:"lo"`
	Hi            float64 `json:"hi"`
	MeanPredicted float64 `json:"mean_predicted"`
	Observed      float64 `json:"observed"`
	N             int     `json:"n"`
}

// Calibration splits the trials into at most bins groups of about equal
// weight by predicted probability (rows with the same prediction stay
// together) and returns the mean prediction and the observed frequency of
// each group.
func Calibration(pred, pos, neg []float64, bins int) []CalibrationBin {
	if len(pred) != len(pos) || len(pred) != len(neg) {
		panic("risk.Calibration: slices of different lengths")
	}
	idx := make([]int, 0, len(pred))
	total := 0.0
	for i := range pred {
		if pos[i]+neg[i] > 0 {
			idx = append(idx, i)
			total += pos[i] + neg[i]
		}
	}
	out := []CalibrationBin{}
	if total == 0 || bins <= 0 {
		return out
	}
	sort.SliceStable(idx, func(a, b int) bool { return pred[idx[a]] < pred[idx[b]] })
	per := total / float64(bins)
	var cur CalibrationBin
	var sp, sy, sw float64
	flush := func() {
		if sw == 0 {
			return
		}
		cur.MeanPredicted = sp / sw
		cur.Observed = sy / sw
		out = append(out, cur)
		cur, sp, sy, sw = CalibrationBin{}, 0, 0, 0
	}
	done := 0.0
	for k, i := range idx {
		w := pos[i] + neg[i]
		if sw == 0 {
			cur.Lo = pred[i]
		}
		cur.Hi = pred[i]
		cur.N += int(math.Round(w))
		sp += pred[i] * w
		sy += pos[i]
		sw += w
		done += w
		last := k == len(idx)-1
		if !last && pred[idx[k+1]] == pred[i] {
			continue
		}
		if last || done >= per*float64(len(out)+1) {
			flush()
		}
	}
	flush()
	return out
}
