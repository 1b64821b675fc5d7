package risk

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestModelRecoversCoefficients fits the glms on synthetic data drawn from
// known coefficients and checks that they come back.
func TestModelRecoversCoefficients(t *testing.T) {
	cases := []struct {
		name      string
		family    glmFamily
		intercept float64
		beta      []float64
		means     []float64 // of the features, drawn normal with sd 1 + j
		trials    float64   // per row
	}{
		{"logistic", familyLogistic, -0.5, []float64{1.2, -0.8}, []float64{0, 2}, 1},
		{"logistic aggregated", familyLogistic, 0.3, []float64{0.4, -0.25, 0.1}, []float64{1, -1, 5}, 5},
		{"poisson", familyPoisson, 1.0, []float64{0.5, -0.3}, []float64{0, 1}, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, 11))
			names := make([]string, len(c.beta))
			for j := range names {
				names[j] = "x" + string(rune('1'+j))
			}
			var rows glmRows
			for range 20000 {
				x := make([]float64, len(c.beta))
				eta := c.intercept
				for j := range x {
					x[j] = c.means[j] + float64(1+j)*rng.NormFloat64()
					eta += c.beta[j] * x[j]
				}
				var y float64
				switch c.family {
				case familyLogistic:
					p := sigmoid(eta)
					for range int(c.trials) {
						if rng.Float64() < p {
							y++
						}
					}
				case familyPoisson:
					// A sum of c.trials Poisson draws of mean exp(eta).
					y = poisson(rng, c.trials*math.Exp(eta))
				}
				rows.add(x, y, c.trials)
			}
			m, err := fitGLM(c.family, names, rows, 1e-6)
			if err != nil {
				t.Fatal(err)
			}
			// Back to the raw scale of the features.
			intercept := m.Intercept
			for j, b := range m.Beta {
				got := b / m.Scale[j]
				intercept -= got * m.Mean[j]
				if math.Abs(got-c.beta[j]) > 0.05+0.05*math.Abs(c.beta[j]) {
					t.Errorf("beta[%d] = %.4f, want %.4f", j, got, c.beta[j])
				}
			}
			if math.Abs(intercept-c.intercept) > 0.1 {
				t.Errorf("intercept = %.4f, want %.4f", intercept, c.intercept)
			}
		})
	}
}

// poisson draws a Poisson variate of mean mu (Knuth for small means, a
// rounded normal for large ones).
func poisson(rng *rand.Rand, mu float64) float64 {
	if mu > 50 {
		return math.Max(math.Round(mu+math.Sqrt(mu)*rng.NormFloat64()), 0)
	}
	l, k, p := math.Exp(-mu), 0.0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// TestModelDegenerate checks the fits that have nothing to learn.
func TestModelDegenerate(t *testing.T) {
	rows := glmRows{X: [][]float64{{1}, {2}, {3}}, Y: []float64{0, 0, 0}, N: []float64{2, 2, 2}}
	m, err := fitGLM(familyLogistic, []string{"x"}, rows, 1)
	if err != nil {
		t.Fatal(err)
	}
	if p := m.predict([]float64{2}); p > 1e-5 {
		t.Errorf("all negatives: p = %g, want about 0", p)
	}
	if _, err := fitGLM(familyLogistic, []string{"x"}, glmRows{}, 1); err != errNoData {
		t.Errorf("no rows: err = %v, want errNoData", err)
	}
	if _, err := fitGLM(familyLogistic, []string{"x"}, glmRows{X: [][]float64{{1, 2}}, Y: []float64{0}, N: []float64{1}}, 1); err == nil {
		t.Error("a row of the wrong width: no error")
	}
}

// TestModelAUCBrier checks the metrics against hand-computed values.
func TestModelAUCBrier(t *testing.T) {
	cases := []struct {
		name          string
		score         []float64
		pos, neg      []float64
		auc, brier    float64
		aucNaN, brNaN bool
	}{
		// Brier: (0.01 + 0.16 + 0.4225 + 0.04) / 4.
		{"textbook", []float64{0.1, 0.4, 0.35, 0.8}, []float64{0, 0, 1, 1}, []float64{1, 1, 0, 0}, 0.75, 0.158125, false, false},
		{"perfect", []float64{0.1, 0.2, 0.8, 0.9}, []float64{0, 0, 1, 1}, []float64{1, 1, 0, 0}, 1, 0.025, false, false},
		{"reversed", []float64{0.9, 0.8, 0.2, 0.1}, []float64{0, 0, 1, 1}, []float64{1, 1, 0, 0}, 0, 0.725, false, false},
		{"ties count half", []float64{0.5, 0.5}, []float64{1, 0}, []float64{0, 1}, 0.5, 0.25, false, false},
		// Weighted rows: 0.3 with 1 positive and 2 negatives, 0.7 with 3
		// and 1. AUC = (1×(0 + 2/2) + 3×(2 + 1/2)) / (4×3) = 8.5/12.
		// Brier = (1×0.49 + 2×0.09 + 3×0.09 + 1×0.49) / 7 = 1.43/7.
		{"weighted", []float64{0.3, 0.7}, []float64{1, 3}, []float64{2, 1}, 8.5 / 12, 1.43 / 7, false, false},
		// Brier = (1×0.49 + 3×0.09) / 4.
		{"no negatives", []float64{0.3, 0.7}, []float64{1, 3}, []float64{0, 0}, 0, 0.76 / 4, true, false},
		{"empty", nil, nil, nil, 0, 0, true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			auc := AUC(c.score, c.pos, c.neg)
			if c.aucNaN != math.IsNaN(auc) || (!c.aucNaN && math.Abs(auc-c.auc) > 1e-12) {
				t.Errorf("AUC = %g, want %g", auc, c.auc)
			}
			b := Brier(c.score, c.pos, c.neg)
			if c.brNaN != math.IsNaN(b) || (!c.brNaN && math.Abs(b-c.brier) > 1e-12) {
				t.Errorf("Brier = %g, want %g", b, c.brier)
			}
		})
	}
}

func TestModelRiskClass(t *testing.T) {
	cases := []struct {
		pSevere float64
		class   string
		score   int
	}{
		{0, "A", 0},
		{0.005, "A", 0},
		{0.0199, "A", 30},
		{0.02, "B", 30},
		{0.0499, "B", 50},
		{0.05, "C", 50},
		{0.0999, "C", 65},
		{0.10, "D", 65},
		{0.1999, "D", 80},
		{0.20, "E", 80},
		{0.5, "E", 100},
		{0.99, "E", 100},
		{math.NaN(), "E", 0},
	}
	for _, c := range cases {
		if got := RiskClassOf(c.pSevere); string(got) != c.class {
			t.Errorf("RiskClassOf(%g) = %s, want %s", c.pSevere, got, c.class)
		}
		if got := ScoreOf(c.pSevere); got != c.score {
			t.Errorf("ScoreOf(%g) = %d, want %d", c.pSevere, got, c.score)
		}
	}
	// The score never goes down as p_severe goes up.
	last := -1
	for p := 0.0; p <= 1; p += 0.001 {
		s := ScoreOf(p)
		if s < last || s < 0 || s > 100 {
			t.Fatalf("ScoreOf(%g) = %d after %d", p, s, last)
		}
		last = s
	}
}

func TestModelCalibration(t *testing.T) {
	pred := []float64{0.1, 0.1, 0.9, 0.5}
	pos := []float64{5, 5, 45, 0}
	neg := []float64{45, 45, 5, 0} // the last row has no trials
	bins := Calibration(pred, pos, neg, 2)
	want := []CalibrationBin{
		{Lo: 0.1, Hi: 0.1, MeanPredicted: 0.1, Observed: 0.1, N: 100},
		{Lo: 0.9, Hi: 0.9, MeanPredicted: 0.9, Observed: 0.9, N: 50},
	}
	if len(bins) != len(want) {
		t.Fatalf("bins = %+v, want %+v", bins, want)
	}
	for i := range want {
		b, w := bins[i], want[i]
		if b.N != w.N || math.Abs(b.MeanPredicted-w.MeanPredicted) > 1e-12 || math.Abs(b.Observed-w.Observed) > 1e-12 || b.Lo != w.Lo || b.Hi != w.Hi {
			t.Errorf("bin %d = %+v, want %+v", i, b, w)
		}
	}
	if got := Calibration(nil, nil, nil, 10); len(got) != 0 {
		t.Errorf("no rows: %+v", got)
	}
}

// TestModelReasonGroups checks that every model input belongs to exactly
// one reason group, so that the reasons account for the whole score.
func TestModelReasonGroups(t *testing.T) {
	seen := map[string]int{}
	for _, g := range reasonGroups {
		for _, f := range g.features {
			seen[f]++
		}
	}
	for _, f := range modelFeatures {
		if seen[f] != 1 {
			t.Errorf("feature %s is in %d reason groups", f, seen[f])
		}
		delete(seen, f)
	}
	for f := range seen {
		t.Errorf("reason group feature %s is no model input", f)
	}
	if n := len(design(&Features{})); n != len(modelFeatures) {
		t.Errorf("design has %d inputs, modelFeatures %d", n, len(modelFeatures))
	}
}

// TestModelSeverePenalty checks what the strong penalty of p_severe does on
// a rare outcome (about 3%): it shrinks the standardised coefficients
// towards 0 (a flatter fit) without biasing the level, since the intercept
// is not penalised, the mean prediction on the training rows stays the
// observed rate.
func TestModelSeverePenalty(t *testing.T) {
	if l2PenaltySevere <= l2Penalty {
		t.Fatalf("l2PenaltySevere %g is not stronger than l2Penalty %g", l2PenaltySevere, l2Penalty)
	}
	rng := rand.New(rand.NewPCG(3, 5))
	names := []string{"x1", "x2", "x3"}
	var rows glmRows
	for range 4000 {
		x := []float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()}
		x[2] = 0.9*x[1] + 0.45*x[2] // correlated inputs
		p := sigmoid(-3.8 + 0.9*x[0] + 0.5*x[1] - 0.2*x[2])
		var y float64
		for range 5 {
			if rng.Float64() < p {
				y++
			}
		}
		rows.add(x, y, 5)
	}
	weak, err := fitGLM(familyLogistic, names, rows, l2Penalty)
	if err != nil {
		t.Fatal(err)
	}
	strong, err := fitGLM(familyLogistic, names, rows, l2PenaltySevere)
	if err != nil {
		t.Fatal(err)
	}
	norm := func(m *glm) float64 {
		s := 0.0
		for _, b := range m.Beta {
			s += b * b
		}
		return math.Sqrt(s)
	}
	if norm(strong) >= norm(weak) {
		t.Errorf("coefficients not shrunk: |beta| %.4f with penalty %g, %.4f with %g", norm(strong), l2PenaltySevere, norm(weak), l2Penalty)
	}
	if strong.Beta[0] <= 0 {
		t.Errorf("the strongest input lost its sign: %v", strong.Beta)
	}
	var sumY, sumN, sumP float64
	for i, x := range rows.X {
		sumY += rows.Y[i]
		sumN += rows.N[i]
		sumP += rows.N[i] * strong.predict(x)
	}
	if got, want := sumP/sumN, sumY/sumN; math.Abs(got-want) > 1e-4 {
		t.Errorf("mean prediction %.5f, observed rate %.5f", got, want)
	}
	t.Logf("observed %.4f; |beta| %.4f (penalty %g) → %.4f (penalty %g)", sumY/sumN, norm(weak), l2Penalty, norm(strong), l2PenaltySevere)
}
