package risk

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/store"
)

func round4(p float64) float64 { return math.Round(p*1e4) / 1e4 }

// scoring is one as-of date's features and fitted models.
type scoring struct {
	asOf     creditflow.Date
	currency string
	rows     []*featureRow // every customer on asOf, by customer_id
	priors   *bookPriors
	model    customerModel
	summary  ModelSummary
}

// newScoring loads and shrinks the features of every customer on asOf.
func newScoring(ctx context.Context, q store.Querier, asOf creditflow.Date) (*scoring, error) {
	cur, err := asOfCurrency(ctx, q, asOf)
	if err != nil {
		return nil, err
	}
	rows, err := loadFeatures(ctx, q, featureQuery{dates: []creditflow.Date{asOf}, currency: cur, cut: asOf})
	if err != nil {
		return nil, fmt.Errorf("risk scores on %s: %w", asOf, err)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].CustomerID < rows[j].CustomerID })
	sc := &scoring{asOf: asOf, currency: cur, rows: rows}
	sc.priors = estimatePriors(rows)
	for _, r := range rows {
		sc.priors.shrink(r)
	}
	return sc, nil
}

// customerModel predicts a customer's p_late, p_severe and expected days
// late from its features. A nil model falls back to the shrunk rate.
type customerModel struct {
	late, severe, days *glm
	openItem           *glm
}

// prediction is a customer's scores: probabilities in [0,1], days late
// of the next invoice (0 when on time).
type prediction struct {
	pLate, pSevere, daysLate float64
	x                        []float64
}

func (m *customerModel) predict(f *Features) prediction {
	x := design(f)
	p := prediction{x: x}
	if m.late != nil {
		p.pLate = m.late.predict(x)
	} else {
		p.pLate = f.LateShareShrunk
	}
	if m.severe != nil {
		p.pSevere = m.severe.predict(x)
	} else {
		p.pSevere = f.VeryLateShareShrunk
	}
	// Paid more than 60 days late is paid late.
	p.pSevere = math.Min(p.pSevere, p.pLate)
	if m.days != nil {
		p.daysLate = m.days.predict(x)
	} else {
		p.daysLate = math.Max(f.DBTShrunk, 0)
	}
	return p
}

// assemble turns the predictions into scores, reasons and limits.
func (sc *scoring) assemble(changes map[string]creditflow.BehaviourChange, maxLimit creditflow.Money, now time.Time) *Scored {
	s := &Scored{
		AsOf:       sc.asOf,
		Currency:   sc.currency,
		Customers:  make([]creditflow.RiskScore, len(sc.rows)),
		Model:      sc.summary,
		ComputedAt: now,
		index:      make(map[string]int, len(sc.rows)),
		features:   make([]Features, len(sc.rows)),
		limits:     make([]creditflow.CreditLimit, len(sc.rows)),
		changes:    changes,
		openItem:   sc.model.openItem,
	}
	if s.changes == nil {
		s.changes = map[string]creditflow.BehaviourChange{}
	}
	fs := make([]*Features, len(sc.rows))
	for i, r := range sc.rows {
		fs[i] = &r.Features
	}
	policy := newLimitPolicy(sc.currency, maxLimit, fs)
	var sumLate float64
	for i, r := range sc.rows {
		f := &r.Features
		p := sc.model.predict(f)
		sumLate += p.pLate
		ch := s.changes[f.CustomerID]
		rs := creditflow.RiskScore{
			CustomerID:       f.CustomerID,
			Name:             r.name,
			Segment:          f.Segment,
			Kind:             f.Kind,
			Score:            ScoreOf(p.pSevere),
			RiskClass:        RiskClassOf(p.pSevere),
			PLate:            round4(p.pLate),
			PSevere:          round4(p.pSevere),
			ExpectedDaysLate: math.Round(p.daysLate*10) / 10,
			Exposure:         f.Exposure,
			ChangeDetected:   ch.Detected,
			Change:           ch,
		}
		rs.Reasons = sc.reasons(f, p, ch)
		lim := policy.limit(f, r.manualLimit, &rs)
		rs.CreditLimit = lim.CreditLimit
		s.Customers[i] = rs
		s.index[f.CustomerID] = i
		s.features[i] = *f
		s.limits[i] = lim
	}
	s.bookLate = sc.priors.book.LateShare
	if len(sc.rows) > 0 {
		s.bookLate = sumLate / float64(len(sc.rows))
	}
	return s
}
