package forecast

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/risk"
	"github.com/creditflow/creditflow/store"
)

// Defaults and limits of Options.
const (
	DefaultWeeks = 13
	MaxWeeks     = 52
	DefaultPaths = 1000
	MaxPaths     = 100000
	// TopCustomers is how many customers Forecast.TopCustomers lists.
	TopCustomers = 10
)

// Uncertainty settings of the simulation. The noise on each week's total,
// which sets most of the p10-p90 band's width, is calibrated on each
// ledger's own past instead (see noise.go).
const (
	// customerCoupling is the probability in [0,1] that an item's payment
	// date is drawn with its customer's common random number rather than
	// its own: customers pay several invoices in one go.
	customerCoupling = 0.5
)

// Options steer Compute and OpenItemForecasts. Zero values take the
// defaults; Weeks above 52 or below 0 are invalid.
type Options struct {
	Weeks int    // weeks to forecast, 1..52, default 13
	Paths int    // simulated paths, 1..100000, default 1000
	Seed  uint64 // seed of the simulation, default 1: the same seed gives the same forecast
	// Scores are the risk scores on the same as-of date (optional): a
	// detected behaviour change and a customer's silence adjust its
	// payments.
	Scores *risk.Scored
}

func (o Options) normalize() (Options, error) {
	if o.Weeks == 0 {
		o.Weeks = DefaultWeeks
	}
	if o.Weeks < 1 || o.Weeks > MaxWeeks {
		return o, fmt.Errorf("%w: weeks %d: expected 1..%d", creditflow.ErrInvalid, o.Weeks, MaxWeeks)
	}
	if o.Paths == 0 {
		o.Paths = DefaultPaths
	}
	if o.Paths < 1 || o.Paths > MaxPaths {
		return o, fmt.Errorf("%w: paths %d: expected 1..%d", creditflow.ErrInvalid, o.Paths, MaxPaths)
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	return o, nil
}

// mondayOf returns the day number of the Monday of day n's week.
func mondayOf(n int) int {
	wd := int(dateOf(n).Weekday()) // Sunday = 0
	return n - (wd+6)%7
}

// horizon is the forecast's weeks relative to the as-of date.
type horizon struct {
	asOf      int
	firstWeek int // day number of the first Monday
	weeks     int
	days      int // days after asOf to the last week's Sunday
}

func newHorizon(asOf, weeks int) horizon {
	h := horizon{asOf: asOf, firstWeek: mondayOf(asOf + 1), weeks: weeks}
	h.days = h.firstWeek + 7*weeks - 1 - asOf
	return h
}

// weekOf returns the week of the day k days after asOf (k >= 1).
func (h horizon) weekOf(k int) int { return (h.asOf + k - h.firstWeek) / 7 }

// Compute forecasts the cash coming in per week after asOf.
func Compute(ctx context.Context, q store.Querier, asOf creditflow.Date, opt Options) (creditflow.Forecast, error) {
	opt, err := opt.normalize()
	if err != nil {
		return creditflow.Forecast{}, err
	}
	if asOf.IsZero() {
		return creditflow.Forecast{}, fmt.Errorf("%w: as-of date is required", creditflow.ErrInvalid)
	}
	l, err := loadLedger(ctx, q, asOf)
	if err != nil {
		return creditflow.Forecast{}, err
	}
	names, err := customerNames(ctx, q)
	if err != nil {
		return creditflow.Forecast{}, err
	}
	r := run(ctx, l, opt)
	if err := ctx.Err(); err != nil {
		return creditflow.Forecast{}, err
	}
	f := r.forecast
	f.AsOf, f.Currency = asOf, l.currency
	for i := range f.TopCustomers {
		if n, ok := names[f.TopCustomers[i].CustomerID]; ok {
			f.TopCustomers[i].Name = n
		} else {
			f.TopCustomers[i].Name = f.TopCustomers[i].CustomerID
		}
	}
	return f, nil
}

func customerNames(ctx context.Context, q store.Querier) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, store.Query("forecast_customers"))
	if err != nil {
		return nil, fmt.Errorf("forecast customers: %w", err)
	}
	defer rows.Close()
	names := map[string]string{}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("forecast customers: %w", err)
		}
		names[id] = name
	}
	return names, rows.Err()
}

// result is what run computes; the backtest reads its weeks.
type result struct {
	forecast creditflow.Forecast
	noise    weekNoise // the calibrated week noise
}

// openItem is an open item prepared for the simulation.
type openItem struct {
	cents    float64
	customer int32
	cdf      [MaxWeeks]float32 // cumulative probability of being paid by the end of each week
}

// run fits the model on l, simulates opt.Paths paths and puts the week
// noise calibrated on l's past (see noise.go) on them.
func run(ctx context.Context, l *ledger, opt Options) result {
	noise := calibrateNoise(ctx, l, opt)
	sp := simulatePaths(ctx, l, opt)
	h, W, openSum, newSum := sp.h, opt.Weeks, sp.openSum, sp.newSum
	addNoise(openSum, newSum, W, opt, noise.sigma)

	f := creditflow.Forecast{Weeks: make([]creditflow.ForecastWeek, W)}
	total := make([]float64, opt.Paths)
	for w := 0; w < W; w++ {
		var so, sn float64
		for p := 0; p < opt.Paths; p++ {
			o, n := openSum[p*W+w], newSum[p*W+w]
			so += o
			sn += n
			total[p] = o + n
		}
		slices.Sort(total)
		fw := creditflow.ForecastWeek{
			WeekStart: dateOf(h.firstWeek + 7*w),
			WeekEnd:   dateOf(h.firstWeek + 7*w + 6),
			FromOpen:  creditflow.Money(math.Round(so / float64(opt.Paths))),
			FromNew:   creditflow.Money(math.Round(sn / float64(opt.Paths))),
			P10:       creditflow.Money(math.Round(risk.SortedQuantile(total, 0.1))),
			P50:       creditflow.Money(math.Round(risk.SortedQuantile(total, 0.5))),
			P90:       creditflow.Money(math.Round(risk.SortedQuantile(total, 0.9))),
		}
		fw.Expected = fw.FromOpen + fw.FromNew
		f.Weeks[w] = fw
	}
	for id, e := range sp.custExpected {
		f.TopCustomers = append(f.TopCustomers, creditflow.CustomerCash{
			CustomerID: id, Expected: creditflow.Money(math.Round(e)), OpenAmount: sp.custOpen[id]})
	}
	slices.SortFunc(f.TopCustomers, func(a, b creditflow.CustomerCash) int {
		if c := cmp.Compare(b.Expected, a.Expected); c != 0 {
			return c
		}
		return cmp.Compare(a.CustomerID, b.CustomerID)
	})
	if len(f.TopCustomers) > TopCustomers {
		f.TopCustomers = f.TopCustomers[:TopCustomers]
	}
	if f.TopCustomers == nil {
		f.TopCustomers = []creditflow.CustomerCash{}
	}
	return result{forecast: f, noise: noise}
}

// simPaths are the simulated paths, without the week noise, and the
// expected cash per customer.
type simPaths struct {
	h               horizon
	openSum, newSum []float64 // per path and week (index p*W+w), in cents
	custExpected    map[string]float64
	custOpen        map[string]creditflow.Money
}

// simulatePaths fits the model on l and simulates opt.Paths paths.
func simulatePaths(ctx context.Context, l *ledger, opt Options) simPaths {
	m := fitModel(l, opt.Scores)
	h := newHorizon(l.asOf, opt.Weeks)
	W := opt.Weeks

	// Open items: their weekly payment distribution.
	probs := make([]float64, h.days)
	var items []openItem
	custIndex := map[string]int32{}
	var custIDs []string
	custExpected := map[string]float64{}
	custOpen := map[string]creditflow.Money{}
	for i := range l.records {
		r := &l.records[i]
		if r.settled >= 0 || r.openCent <= 0 {
			continue
		}
		m.itemProbs(r.customer, r.segment, r.due, r.disputed, probs)
		it := openItem{cents: float64(r.openCent)}
		ci, ok := custIndex[r.customer]
		if !ok {
			ci = int32(len(custIDs))
			custIndex[r.customer] = ci
			custIDs = append(custIDs, r.customer)
		}
		it.customer = ci
		var week [MaxWeeks]float64
		for k, p := range probs {
			week[h.weekOf(k+1)] += p
		}
		c := 0.0
		for w := 0; w < W; w++ {
			c += week[w]
			it.cdf[w] = float32(c)
		}
		custExpected[r.customer] += c * it.cents
		custOpen[r.customer] += creditflow.Money(r.openCent)
		items = append(items, it)
	}

	// New invoicing: weekly forecast and its spread, then the cash per
	// forecast week of one cent invoiced per day of each forecast week.
	inv := forecastInvoicing(l, h)
	// cashOf[k][w]: cash in week w per cent of week k's invoicing.
	cashOf := make([][MaxWeeks]float64, W)
	for t := 1; t <= h.days; t++ {
		k := h.weekOf(t)
		for L := 0; t+L <= h.days && L < len(m.lag); L++ {
			cashOf[k][h.weekOf(t+L)] += m.lag[L] / 7
		}
	}

	openSum, newSum := simulate(ctx, items, len(custIDs), cashOf, inv, W, opt)
	return simPaths{h: h, openSum: openSum, newSum: newSum, custExpected: custExpected, custOpen: custOpen}
}

// invoicingForecast is the forecast of new invoicing per forecast week.
type invoicingForecast struct {
	mean  []float64 // expected cents invoiced per week
	relSD float64   // relative standard deviation of a week's one-step error
	alpha float64   // share of an error that stays in the level (Holt-Winters alpha)
}

// forecastInvoicing forecasts the invoicing of the weeks of h.
func forecastInvoicing(l *ledger, h horizon) invoicingForecast {
	mean := make([]float64, h.weeks)
	// Complete weeks up to asOf: the last one ends on or before asOf.
	last := mondayOf(l.asOf+1) - 7 // Monday of the last complete week
	first := last
	for wk := range l.invoicing {
		first = min(first, wk)
	}
	var y []float64
	for wk := first; wk <= last; wk += 7 {
		y = append(y, float64(l.invoicing[wk]))
	}
	// Drop leading weeks before the ledger really starts.
	for len(y) > 0 && y[0] == 0 {
		y = y[1:]
	}
	if len(y) < 4 {
		avg := 0.0
		for _, v := range y {
			avg += v
		}
		if len(y) > 0 {
			avg /= float64(len(y))
		}
		for i := range mean {
			mean[i] = avg
		}
		return invoicingForecast{mean: mean, relSD: 0.3, alpha: 0.3}
	}
	hw := fitHoltWinters(y, 52)
	// Step 1 is the week after the last complete one: the first forecast
	// week (which holds asOf+1).
	copy(mean, hw.forecast(h.weeks))
	recent := 0.0
	n := min(len(y), 13)
	for _, v := range y[len(y)-n:] {
		recent += v
	}
	recent /= float64(n)
	f := invoicingForecast{mean: mean, alpha: hw.alpha}
	if recent > 0 {
		f.relSD = min(hw.residualSD/recent, 1)
	}
	return f
}

// simulate draws opt.Paths paths and returns per path and week (index
// p*W+w) the cash from open items and from new invoicing, in cents. The
// paths are split into a fixed number of chunks, each with its own seeded
// generator, so the result does not depend on the number of CPUs.
func simulate(ctx context.Context, items []openItem, nCust int, cashOf [][MaxWeeks]float64,
	invoicing invoicingForecast, W int, opt Options) (openSum, newSum []float64) {
	const chunks = 16
	openSum = make([]float64, opt.Paths*W)
	newSum = make([]float64, opt.Paths*W)
	sigma := math.Sqrt(math.Log1p(invoicing.relSD * invoicing.relSD)) // lognormal with that relative SD
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for c := 0; c < chunks; c++ {
		lo, hi := c*opt.Paths/chunks, (c+1)*opt.Paths/chunks
		if lo == hi {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func(c, lo, hi int) {
			defer wg.Done()
			defer func() { <-sem }()
			rng := rand.New(rand.NewPCG(opt.Seed, uint64(c)+1))
			uc := make([]float64, nCust)
			inv := make([]float64, W)
			for p := lo; p < hi; p++ {
				if ctx.Err() != nil {
					return
				}
				out := openSum[p*W : (p+1)*W]
				for i := range uc {
					uc[i] = rng.Float64()
				}
				for i := range items {
					it := &items[i]
					var u float64
					if rng.Float64() < customerCoupling {
						u = uc[it.customer]
					} else {
						u = rng.Float64()
					}
					u32 := float32(u)
					for w := 0; w < W; w++ {
						if u32 < it.cdf[w] {
							out[w] += it.cents
							break
						}
					}
				}
				// New invoicing of this path: as in Holt-Winters, alpha
				// of each week's error stays in the level of the weeks
				// after it, so errors accumulate over the horizon.
				levelErr, levelVar := 0.0, 0.0
				for k := 0; k < W; k++ {
					z := rng.NormFloat64()
					v := sigma*sigma + levelVar
					inv[k] = invoicing.mean[k] * math.Exp(levelErr+sigma*z-v/2)
					levelErr += invoicing.alpha * sigma * z
					levelVar += invoicing.alpha * invoicing.alpha * sigma * sigma
				}
				nw := newSum[p*W : (p+1)*W]
				for k := 0; k < W; k++ {
					for w := k; w < W; w++ {
						nw[w] += inv[k] * cashOf[k][w]
					}
				}
			}
		}(c, lo, hi)
	}
	wg.Wait()
	return openSum, newSum
}

// ItemForecast is the payment forecast of one open item.
type ItemForecast struct {
	InvoiceID           string          `json:"invoice_id"`
	ExpectedPaymentDate creditflow.Date `json:"expected_payment_date"`
	// PPaidWithin30Days is the probability in [0,1] that the item is paid
	// within 30 days after the as-of date.
	PPaidWithin30Days float64 `json:"p_paid_within_30_days"`
}

// itemHorizonDays bounds the expected payment date of an item: what is not
// paid within it counts as paid on its last day.
const itemHorizonDays = 730

// OpenItemForecasts gives, per open item (same order), its expected payment
// date and the probability it is paid within 30 days of asOf. It fits the
// model for this one call; NewItemForecaster keeps it for many.
func OpenItemForecasts(ctx context.Context, q store.Querier, asOf creditflow.Date, items []creditflow.OpenItem, opt Options) ([]ItemForecast, error) {
	f, err := NewItemForecaster(ctx, q, asOf, opt)
	if err != nil {
		return nil, err
	}
	return f.Forecast(items), nil
}

// ItemForecaster forecasts the payment of open items on one as-of date.
// Fitting reads the ledger's history and takes seconds on a large ledger;
// forecasting an item afterwards takes microseconds. It is safe for
// concurrent use.
type ItemForecaster struct {
	asOf    creditflow.Date
	segment map[string]string // customer → segment, for items without one

	mu sync.Mutex // the model keeps per-customer hazards as it goes
	m  *model
}

// NewItemForecaster fits the payment model of asOf.
func NewItemForecaster(ctx context.Context, q store.Querier, asOf creditflow.Date, opt Options) (*ItemForecaster, error) {
	if asOf.IsZero() {
		return nil, fmt.Errorf("%w: as-of date is required", creditflow.ErrInvalid)
	}
	l, err := loadLedger(ctx, q, asOf)
	if err != nil {
		return nil, err
	}
	f := &ItemForecaster{asOf: asOf, segment: map[string]string{}, m: fitModel(l, opt.Scores)}
	for i := range l.records {
		f.segment[l.records[i].customer] = l.records[i].segment
	}
	return f, nil
}

// Forecast gives, per open item (same order), its expected payment date
// and the probability it is paid within 30 days of the as-of date.
func (f *ItemForecaster) Forecast(items []creditflow.OpenItem) []ItemForecast {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]ItemForecast, len(items))
	probs := make([]float64, itemHorizonDays)
	for i, it := range items {
		seg := it.Segment
		if s, ok := f.segment[it.CustomerID]; ok && seg == "" {
			seg = s
		}
		rest := f.m.itemProbs(it.CustomerID, seg, dayNumber(it.DueDate), it.Disputed, probs)
		var mean, p30 float64
		for k, p := range probs {
			mean += float64(k+1) * p
			if k < 30 {
				p30 += p
			}
		}
		mean += rest * itemHorizonDays
		out[i] = ItemForecast{
			InvoiceID:           it.InvoiceID,
			ExpectedPaymentDate: f.asOf.AddDays(int(math.Round(mean))),
			PPaidWithin30Days:   math.Round(p30*1e4) / 1e4,
		}
	}
	return out
}
