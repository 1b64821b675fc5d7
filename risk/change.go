package risk

import (
	"context"
	"fmt"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/store"
)

// Behaviour-change detection.
//
// The series. One value per invoice: the days from its due date to the day
// it was settled, as known on the as-of date A (sql/payment_delays.sql).
// Credit notes, disputed invoices and invoices nobody paid for (settled by
// credit notes, or from credit already on account) are left out. Every
// invoice counts the same, whatever its amount: the test is about how the
// customer pays, each invoice is one decision to pay, and weighting by
// amount would let one large invoice look like a change of habit. (The
// amount at stake comes in with the alert, as its exposure.)
//
// The observations. The invoices are grouped into fortnights by due date,
// and each fortnight is one observation: whether its median delay is beyond
// a limit. A fortnight rather than an invoice because payment delays come in
// clusters (a lump payment settles several invoices at once, an unreferenced
// payment is applied to the oldest invoice, a partial payment keeps one
// open for weeks): counted per invoice, a customer with a thousand invoices
// a year would trip any test on such clusters, while one with ten would
// hardly ever be tested. The median, not the mean, so that one invoice paid
// two months late does not make its fortnight late.
//
// Censoring is exact. An invoice still open on A is not on time: it is at
// least A − due days late. Whether it is beyond a limit of T days is known
// once it is settled, or once it has been open for T days (then it is
// beyond); a fortnight's median is known to be beyond T once more than half
// its invoices are, and known not to be once at least half were settled
// within T. A fortnight whose median is not known yet is skipped. So a long
// overdue open invoice counts as late as soon as it is, and the recent
// invoices settled early (the fast payers among them) cannot make the
// customer look punctual.
//
// The test. A CUSUM of the log-likelihood ratio, per fortnight:
//
//   - Baseline: the first half of the customer's fortnights with a payment
//     (at least 8, at most 60; a customer with 8 or fewer is not tested).
//     μ0 is the median of their medians and σ 1.4826 × their median
//     absolute deviation (robust to the clusters).
//   - Limits: later T = μ0 + max(10 days, 2σ), far later T + 15 days,
//     earlier μ0 − max(10 days, 2σ).
//   - In control, a fortnight is beyond T with the share p0 of the baseline
//     fortnights that were, shrunk towards 15% with the weight of 20
//     fortnights (3% for the far limit), so that a short clean history does
//     not make every late fortnight damning. After a worsening, 90% are
//     beyond T and 45% beyond the far limit: a shift of at least 15 days,
//     the smallest worth a credit controller's attention.
//   - Each known fortnight adds log(p1/p0) for what is known (beyond the far
//     limit, between the limits, beyond T but not yet known how far, or
//     within T); the statistic restarts at zero whenever it would go below.
//     A worsening is reported when the statistic is at or above h = 6 on A
//     (two or three clearly late fortnights in a row for a punctual payer,
//     four or five for an erratic one); an improvement, which carries no
//     risk, needs 8. A change that has since been undone lets the statistic
//     fall back and is no longer reported.
//   - The limits, shares and h were chosen on demo ledgers of several seeds
//     for at most about 5% of stable customers flagged over 18 months of
//     fortnightly runs (see change_eval_test.go).
//
// Why a CUSUM and not a Bayesian change-point model: it is sequential by
// construction (one pass, O(n) per customer, all customers of a large
// ledger in well under a second), its parameters have a direct meaning (the
// smallest shift of interest and how much evidence to demand), and the
// point where the statistic last left zero estimates the change point. A
// Bayesian model would need a likelihood for these heavy-tailed, clustered,
// censored delays too; the banded one above is the simplest that is exact
// under censoring, and the CUSUM is its sequential likelihood-ratio test.
//
// What is reported. ChangeDate is the first due date of the new regime's
// first fortnight plus the usual delay before it, the day its payment would
// have come under the old habit. BeforeDays is the median delay of the
// settled invoices before it, AfterDays the median delay since of the
// invoices old enough to tell (open ones at their lower bound), ShiftDays
// the difference; a shift under 10 days is not reported. A change needs at
// least 8 settled invoices before it, so that young customers are not
// flagged.
//
// Silence is tested first and takes precedence: a customer who paid
// regularly (at least 6 settled invoices, and at least 90% of the invoices
// that fell due while they were paying), then has paid nothing at all for
// longer than max(45 days, 3 × their median gap between payment days,
// capped at 60 days), while at least 2 invoices went unpaid beyond their
// usual delay (the 75th percentile of their delays, at least 7 days). The
// silence is counted from the last payment or from the due date of the
// first of those invoices, whichever is later: a customer who was simply
// not invoiced for months has not been silent.

// DelayPoint is one invoice's payment delay as known on an as-of date.
// Days are calendar days beyond the due date (negative: paid early).
type DelayPoint struct {
	InvoiceID string          `json:"invoice_id"`
	DueDate   creditflow.Date `json:"due_date"`
	// SettledOn is the day the invoice was settled; zero while it is open.
	SettledOn creditflow.Date `json:"settled_on"`
	// DaysLate is SettledOn − DueDate, or for an open invoice as-of −
	// DueDate: a lower bound once it is past due.
	DaysLate float64          `json:"days_late"`
	Amount   creditflow.Money `json:"amount"`
	// Censored marks an open invoice, whose true delay is not known yet.
	Censored bool `json:"censored"`
}

// Change kinds of creditflow.BehaviourChange.
const (
	ChangeWorsening = "worsening"
	ChangeImproving = "improving"
	ChangeSilence   = "silence"
)

// changeParams are the constants of the test (see the comment above). They
// are a value rather than constants so that the evaluation can try others.
type changeParams struct {
	periodDays   int     // length of an observation period, days
	minHistory   int     // settled invoices before a change; periods with a payment for a baseline
	baselineMax  int     // at most this many periods in the baseline
	laterDays    float64 // the limit for later payment is at least this many days above μ0
	earlierDays  float64 // ... for earlier payment, below μ0
	sigmas       float64 // ... and at least this many σ away
	farDays      float64 // the far limit is this many days beyond the later one
	priorLate    float64 // prior share of periods beyond the later limit, [0,1]
	priorFar     float64 // ... beyond the far limit, [0,1]
	priorWeight  float64 // weight of the priors, in periods
	minP0        float64 // floor of an in-control share, [0,1]
	p1           float64 // share of periods beyond the limit after a change, [0,1]
	p1Far        float64 // ... beyond the far limit after a worsening, [0,1]
	h            float64 // decision limit for a worsening, log-likelihood ratio
	hImproving   float64 // decision limit for an improvement
	minShiftDays float64 // smallest shift reported, days

	silenceMinPayments int     // settled invoices before a silence
	silenceMinShare    float64 // share of due invoices paid while paying, [0,1]
	silenceMinDays     int     // a silence lasts longer than this many days
	silenceGapFactor   float64 // ... and longer than this many usual gaps
	silenceGapCap      float64 // ... capped at this many days
	silenceMinUnpaid   int     // invoices unpaid beyond the usual delay
	usualQuantile      float64 // the usual delay is this quantile of the delays, [0,1]
	minUsualDays       float64 // ... and at least this many days
}

// defaultChangeParams returns the settings of DetectChanges.
func defaultChangeParams() changeParams {
	return changeParams{
		periodDays:   14,
		minHistory:   8,
		baselineMax:  60,
		laterDays:    10,
		earlierDays:  10,
		sigmas:       2,
		farDays:      15,
		priorLate:    0.15,
		priorFar:     0.03,
		priorWeight:  20,
		minP0:        0.03,
		p1:           0.9,
		p1Far:        0.45,
		h:            6,
		hImproving:   8,
		minShiftDays: 10,

		silenceMinPayments: 6,
		silenceMinShare:    0.9,
		silenceMinDays:     45,
		silenceGapFactor:   3,
		silenceGapCap:      60,
		silenceMinUnpaid:   2,
		usualQuantile:      0.75,
		minUsualDays:       7,
	}
}

// DetectChanges runs the change test for every customer as of asOf and returns the
// customers with a detected change or silence, keyed by customer_id. Customers without
// one are absent. Uses only data known on asOf.
//
// It reads the delays of all customers in one query, streamed customer by
// customer; only one customer's series is held at a time. In a ledger that
// mixes currencies, only the invoices in the report currency count.
func DetectChanges(ctx context.Context, q store.Querier, asOf creditflow.Date) (map[string]creditflow.BehaviourChange, error) {
	return detectChanges(ctx, q, asOf, defaultChangeParams())
}

func detectChanges(ctx context.Context, q store.Querier, asOf creditflow.Date, p changeParams) (map[string]creditflow.BehaviourChange, error) {
	cur, err := asOfCurrency(ctx, q, asOf)
	if err != nil {
		return nil, err
	}
	out := make(map[string]creditflow.BehaviourChange)
	var (
		d        changeDetector
		customer string
		lastPaid creditflow.Date
		points   []DelayPoint
	)
	flush := func() {
		if len(points) == 0 {
			return
		}
		if ch := d.detect(p, points, lastPaid, asOf, cur); ch.Detected {
			out[customer] = ch
		}
		points = points[:0]
	}
	err = readDelays(ctx, q, asOf, cur, "", func(customerID string, pt DelayPoint, lastPayment creditflow.Date) error {
		if customerID != customer {
			flush()
			customer, lastPaid = customerID, lastPayment
		}
		points = append(points, pt)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("detect changes on %s: %w", asOf, err)
	}
	flush()
	return out, nil
}

// DelaySeries returns the delay points of one customer as of asOf, by due date (for the customer page chart).
// Credit notes, disputed invoices and invoices nobody paid for are left
// out, as in the change test; a customer without invoices has none.
func DelaySeries(ctx context.Context, q store.Querier, asOf creditflow.Date, customerID string) ([]DelayPoint, error) {
	if err := validateAsOf(asOf); err != nil {
		return nil, err
	}
	if customerID == "" {
		return nil, fmt.Errorf("%w: customer_id is required", creditflow.ErrInvalid)
	}
	cur, err := reportCurrency(ctx, q)
	if err != nil {
		return nil, err
	}
	points := []DelayPoint{}
	err = readDelays(ctx, q, asOf, cur, customerID, func(_ string, pt DelayPoint, _ creditflow.Date) error {
		points = append(points, pt)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("delay series of %s on %s: %w", customerID, asOf, err)
	}
	return points, nil
}

// detectChange is the test on one customer's delay series as of asOf (see
// the comment at the top of this file). points are in due-date order, as
// DelaySeries returns them; lastPayment is the customer's last payment on or
// before asOf (zero: the last settlement counts); currency names the
// amounts in the sentence.
func detectChange(points []DelayPoint, lastPayment, asOf creditflow.Date, currency string) creditflow.BehaviourChange {
	var d changeDetector
	return d.detect(defaultChangeParams(), points, lastPayment, asOf, currency)
}
