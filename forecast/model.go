package forecast

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/risk"
	"github.com/creditflow/creditflow/store"
)

// Model settings, kept round on purpose: on the demo ledgers the backtest
// (see backtest.go) moves by less than 0.003 WAPE when any of them is halved
// or doubled.
const (
	// historyDays is how far back invoices are learned from, in days.
	historyDays = 730
	// halfLife is the recency half-life of the learning weights, in days.
	halfLife = 180.0
	// segmentPrior is the weight, in (recency-weighted) invoices at risk, of
	// the book's hazard in a segment's; customerPrior that of the segment's
	// hazard in a customer's.
	segmentPrior  = 20.0
	customerPrior = 4.0
	// customerSmooth is the half-width (days) of the window over which a
	// customer's payments are averaged.
	customerSmooth = 3
	// silentAfter: a customer with an item more than silentOverdue days past
	// due and no settlement in the last silentAfter days has stopped paying;
	// its hazard is multiplied by silentFactor.
	silentAfter   = 60
	silentOverdue = 45
	silentFactor  = 0.05
	// beforeChange is the weight of an invoice paid before a detected
	// change of the customer's behaviour, relative to one paid after.
	beforeChange = 0.5
	// bookFloor is the book's daily hazard where it has no data at all.
	bookFloor = 0.01
)

// dayNumber returns d as days since 1970-01-01.
func dayNumber(d creditflow.Date) int { return int(d.Unix() / 86400) }

// dateOf is the inverse of dayNumber.
func dateOf(n int) creditflow.Date {
	return creditflow.Date{Time: time.Unix(int64(n)*86400, 0).UTC()}
}

// record is one invoice as known on the as-of date; days are day numbers.
type record struct {
	invoiceID  string
	customer   string
	segment    string
	issued     int
	due        int
	settled    int // -1 while open
	disputed   bool
	amountCent int64
	openCent   int64
}

// ledger is what the forecast reads on an as-of date.
type ledger struct {
	asOf      int
	currency  string
	records   []record      // sorted by customer, then due date
	invoicing map[int]int64 // cents invoiced per week, by the Monday's day number
	receipts  map[int]int64 // cents received per week, by the Monday's day number (the receiptWeeks weeks up to asOf)
}

func reportCurrency(ctx context.Context, q store.Querier) (string, error) {
	var cur string
	if err := q.QueryRowContext(ctx, store.Query("report_currency")).Scan(&cur); err != nil {
		return "", fmt.Errorf("report currency: %w", err)
	}
	return cur, nil
}

// loadLedger reads the invoices and the weekly invoicing as they stood on
// asOf.
func loadLedger(ctx context.Context, q store.Querier, asOf creditflow.Date) (*ledger, error) {
	cur, err := reportCurrency(ctx, q)
	if err != nil {
		return nil, err
	}
	l := &ledger{asOf: dayNumber(asOf), currency: cur, invoicing: map[int]int64{}, receipts: map[int]int64{}}
	err = store.EachRow(ctx, q, store.Query("forecast_history"), func(rows *sql.Rows) error {
		var r record
		var issued, due, settled creditflow.Date
		if err := rows.Scan(&r.customer, &r.segment, &issued, &due, &r.disputed, &r.amountCent, &r.openCent, &settled, &r.invoiceID); err != nil {
			return err
		}
		r.issued, r.due, r.settled = dayNumber(issued), dayNumber(due), -1
		if !settled.IsZero() {
			r.settled = dayNumber(settled)
		}
		l.records = append(l.records, r)
		return nil
	}, asOf, cur, asOf.AddDays(-historyDays))
	if err != nil {
		return nil, fmt.Errorf("forecast history: %w", err)
	}
	if err := readWeeks(ctx, q, "forecast_invoicing", l.invoicing, asOf, cur); err != nil {
		return nil, fmt.Errorf("forecast invoicing: %w", err)
	}
	first := dateOf(mondayOf(l.asOf+1) - 7*receiptWeeks)
	if err := readWeeks(ctx, q, "forecast_receipts", l.receipts, asOf, cur, first); err != nil {
		return nil, fmt.Errorf("forecast receipts: %w", err)
	}
	return l, nil
}

// readWeeks reads the rows (week, cents) of the named query into weeks, by
// the week's day number.
func readWeeks(ctx context.Context, q store.Querier, query string, weeks map[int]int64, args ...any) error {
	return store.EachRow(ctx, q, store.Query(query), func(rows *sql.Rows) error {
		var week creditflow.Date
		var cents int64
		if err := rows.Scan(&week, &cents); err != nil {
			return err
		}
		weeks[dayNumber(week)] = cents
		return nil
	}, args...)
}

// model holds the fitted payment hazards on one as-of date.
type model struct {
	asOf     int
	book     []float64            // non-disputed invoices of the whole book
	segments map[string][]float64 // per segment, shrunk towards book
	disputed []float64            // disputed invoices, book-wide
	lag      []float64            // lag[L]: share of a new invoice paid L days after its date
	// customers, by id: the range of their records.
	custRange map[string][2]int
	records   []record
	scores    *risk.Scored
	// cache of customer hazards
	custHazard map[string]*customerHazard
	work       riskCounts
	smoothed   riskCounts
}

// customerHazard is one customer's daily hazard on the delay grid and
// whether it stopped paying.
type customerHazard struct {
	h      []float64
	factor float64 // hazard multiplier (1, or silentFactor)
	silent bool
}

// spellOf returns the time at risk of r up to the as-of date.
func spellOf(r *record, asOf int) spell {
	s := spell{from: r.issued - r.due, weight: recencyWeight(asOf-r.issued, halfLife)}
	if r.settled >= 0 {
		s.to, s.paid = r.settled-r.due, true
	} else {
		s.to = asOf - r.due
	}
	return s
}

// fitModel estimates the hazards from the records of l.
func fitModel(l *ledger, scores *risk.Scored) *model {
	m := &model{
		asOf: l.asOf, segments: map[string][]float64{}, custRange: map[string][2]int{},
		records: l.records, scores: scores, custHazard: map[string]*customerHazard{},
		work: newRiskCounts(), smoothed: newRiskCounts(),
	}
	book, disputed, lag := newRiskCounts(), newRiskCounts(), newRiskCounts()
	segs := map[string]riskCounts{}
	first := l.asOf - historyDays
	for i := range l.records {
		r := &l.records[i]
		if k, ok := m.custRange[r.customer]; ok {
			m.custRange[r.customer] = [2]int{k[0], i + 1}
		} else {
			m.custRange[r.customer] = [2]int{i, i + 1}
		}
		if r.issued < first {
			continue // an old open item: forecast, not learned from
		}
		s := spellOf(r, l.asOf)
		ls := spell{from: 0, to: s.to - s.from, paid: s.paid, weight: s.weight}
		lag.add(ls)
		if r.disputed {
			disputed.add(s)
			continue
		}
		book.add(s)
		c, ok := segs[r.segment]
		if !ok {
			c = newRiskCounts()
			segs[r.segment] = c
		}
		c.add(s)
	}
	book.finish()
	disputed.finish()
	lag.finish()
	tmp := newRiskCounts()
	m.book = shrunkHazard(book.smooth(1, tmp), flatHazard(bookFloor), 1, nil)
	m.disputed = shrunkHazard(disputed.smooth(customerSmooth, tmp), flatHazard(bookFloor/2), 2, nil)
	for name, c := range segs {
		c.finish()
		m.segments[name] = shrunkHazard(c.smooth(1, tmp), m.book, segmentPrior, nil)
	}
	lh := shrunkHazard(lag, flatHazard(bookFloor), 1, nil)
	// lag hazard is indexed by L - minDelay; turn it into a distribution.
	m.lag = make([]float64, maxDelay+1)
	s := 1.0
	for L := 0; L <= maxDelay; L++ {
		p := s * lh[L-minDelay]
		m.lag[L] = p
		s -= p
	}
	return m
}

// customer returns the hazard of a customer's non-disputed items.
func (m *model) customer(id, segment string) *customerHazard {
	if ch, ok := m.custHazard[id]; ok {
		return ch
	}
	prior := m.book
	if h, ok := m.segments[segment]; ok {
		prior = h
	}
	ch := &customerHazard{factor: 1}
	rg, ok := m.custRange[id]
	if !ok {
		ch.h = prior
		m.custHazard[id] = ch
		return ch
	}
	m.work.reset()
	first := m.asOf - historyDays
	lastSettled := math.MinInt32 // never: far enough back not to overflow
	overdue := false
	var change *creditflow.BehaviourChange
	if m.scores != nil {
		if sc, ok := m.scores.Customer(id); ok && sc.Change.Detected {
			change = &sc.Change
		}
	}
	// After a worsening or improving change, the invoices paid before it
	// tell little about the next payments.
	changeDay := 0
	if change != nil && !change.ChangeDate.IsZero() && (change.Kind == "worsening" || change.Kind == "improving") {
		changeDay = dayNumber(change.ChangeDate)
	}
	for i := rg[0]; i < rg[1]; i++ {
		r := &m.records[i]
		if r.settled >= 0 {
			lastSettled = max(lastSettled, r.settled)
		}
		if r.disputed {
			continue
		}
		if r.settled < 0 && m.asOf-r.due > silentOverdue {
			overdue = true
		}
		if r.issued < first {
			continue
		}
		s := spellOf(r, m.asOf)
		if changeDay > 0 && r.settled >= 0 && r.settled < changeDay {
			s.weight *= beforeChange
		}
		m.work.add(s)
	}
	m.work.finish()
	ch.h = shrunkHazard(m.work.smooth(customerSmooth, m.smoothed), prior, customerPrior, nil)
	if overdue && m.asOf-lastSettled > silentAfter {
		ch.silent = true
	}
	if change != nil && change.Kind == "silence" {
		ch.silent = true
	}
	if ch.silent {
		ch.factor = silentFactor
	}
	m.custHazard[id] = ch
	return ch
}

// itemProbs writes into p[k-1] the probability that an open item with the
// given due date is paid k days after the as-of date, and returns the
// probability that it is paid later (or never).
func (m *model) itemProbs(customer, segment string, due int, disputed bool, p []float64) float64 {
	x0 := m.asOf - due
	if disputed {
		f := 1.0
		if ch := m.customer(customer, segment); ch.silent {
			f = silentFactor
		}
		return dayProbs(m.disputed, x0, 0, f, p)
	}
	ch := m.customer(customer, segment)
	return dayProbs(ch.h, x0, 0, ch.factor, p)
}
