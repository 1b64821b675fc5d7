package demo

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
)

// Planted shares. They are the knobs of the generator; the tests check that
// the written ledger shows them roughly.
const (
	shareB2C          = 0.20  // of customers
	shareWorsening    = 0.08  // of customers
	shareImproving    = 0.03  // of customers
	shareStopped      = 0.03  // of customers
	shareCreditLimit  = 0.10  // of customers with a limit set by hand
	shareChurned      = 0.20  // of stable customers who stop buying before End (and pay everything)
	shareCreditNote   = 0.02  // of invoices
	shareDisputed     = 0.015 // of invoices
	shareNoDueDate    = 0.02  // of invoices written without due_date
	shareEarly        = 0.03  // of transfers paid within days of the invoice date
	shareLump         = 0.16  // of transfer payment decisions that pay 2–5 invoices at once
	sharePartial      = 0.08  // of transfer payment decisions split into 2–3 parts
	shareUnreferenced = 0.17  // of single transfers written without invoice_id
	shareStorno       = 0.01  // of direct debits reversed (stornering)
	shareOverCents    = 0.006 // of single transfers paying a few cents too much
	shareDouble       = 0.002 // of single transfers paid twice
	stoppedRate       = 0.4   // invoicing rate of a stopped_paying customer after default_date
)

// behaviour is the planted payment behaviour of a customer, as in truth.csv.
type behaviour uint8

const (
	stable behaviour = iota
	worsening
	improving
	stoppedPaying
)

var behaviourNames = [...]string{"stable", "worsening", "improving", "stopped_paying"}

// method is how a customer pays.
type method uint8

const (
	transfer method = iota
	directDebit
	card
)

var methodNames = [...]string{"transfer", "direct_debit", "card"}

// descKind selects the wording of an invoice description.
type descKind uint8

const (
	descDelivery descKind = iota
	descOrder
	descServices
	descProject
	descSubscription
	descTrip
	descMaintenance
	descCredit
)

// segmentDesc are the two description kinds used in each segment.
var segmentDesc = [][2]descKind{
	{descOrder, descSubscription},   // consumer
	{descDelivery, descOrder},       // wholesale
	{descDelivery, descOrder},       // retail
	{descProject, descMaintenance},  // construction
	{descDelivery, descServices},    // healthcare
	{descDelivery, descOrder},       // hospitality
	{descOrder, descDelivery},       // manufacturing
	{descTrip, descServices},        // transport
	{descServices, descMaintenance}, // services
}

// customer is a debtor's master data and its planted behaviour. Days are
// calendar day numbers; delays are days beyond the due date.
type customer struct {
	name, email, phone, manager, country string

	segment     uint8
	b2c         bool
	terms       int32 // payment term in days
	creditLimit int64 // cents; -1 when not set
	kvk         int32 // chamber-of-commerce number; 0 for consumers
	poStyle     uint8 // 0 no purchase orders, 1 SAP-style, 2 "PO-" numbers
	desc        [2]descKind

	behaviour behaviour
	method    method
	base      float64 // mean delay beyond the due date, days
	spread    float64 // scale of the delay noise, days
	change    int32   // day the delay shifts (worsening, improving)
	shift     int32   // days added to the mean delay from change on
	dflt      int32   // default_date (stopped_paying): no payment on or after it

	start, last int32   // first and last day the customer is invoiced
	weight      float64 // relative invoicing rate (Pareto)
	mu, sigma   float64 // log-normal invoice amount in cents
	fixedCents  int64   // a recurring amount (subscription, contract fee), or 0

	seed     uint64 // seed of the customer's own random stream
	invoices int32  // number of invoices
	first    int32  // index of the customer's first invoice in ledger.invoices
}

// buildCustomers draws the customers and sorts them by relationship start, so
// that customer numbers grow with the age of the relationship.
func buildCustomers(cfg Config, cal *calendar, r *rand.Rand) []customer {
	n := cfg.Customers
	behaviours := make([]behaviour, n)
	k := 0
	for _, b := range []struct {
		b     behaviour
		share float64
	}{{worsening, shareWorsening}, {improving, shareImproving}, {stoppedPaying, shareStopped}} {
		for range int(math.Round(b.share * float64(n))) {
			if k < n {
				behaviours[k] = b.b
				k++
			}
		}
	}
	r.Shuffle(n, func(i, j int) { behaviours[i], behaviours[j] = behaviours[j], behaviours[i] })

	cs := make([]customer, n)
	kvks := make(map[int32]bool)
	for i := range cs {
		c := &cs[i]
		c.behaviour = behaviours[i]
		drawProfile(c, cal, r)
		drawNames(c, r, kvks)
		c.seed = r.Uint64()
	}
	slices.SortStableFunc(cs, func(a, b customer) int { return int(a.start - b.start) })
	allocateInvoices(cs, cfg.Invoices, cal)
	return cs
}

// drawProfile draws kind, terms, dates, payment behaviour and invoice size.
func drawProfile(c *customer, cal *calendar, r *rand.Rand) {
	end := cal.last
	c.b2c = r.Float64() < shareB2C
	switch x := r.Float64(); {
	case x < 0.85:
		c.country = "NL"
	case x < 0.95:
		c.country = "BE"
	default:
		c.country = "DE"
	}
	if c.b2c {
		c.segment = segConsumer
		c.terms = 14
	} else {
		c.segment = uint8(pickWeighted(r, segmentWeight))
		switch x := r.Float64(); {
		case x < 0.10:
			c.terms = 14
		case x < 0.75:
			c.terms = 30
		case x < 0.87:
			c.terms = 45
		default:
			c.terms = 60
		}
	}

	// Payment method: consumers mostly by direct debit (automatische
	// incasso); customers with a planted change always by transfer, since
	// a debit is collected on the due date whatever the customer does.
	x := r.Float64()
	switch {
	case c.behaviour != stable:
		c.method = transfer
	case c.b2c && x < 0.55, !c.b2c && x < 0.12:
		c.method = directDebit
	case c.b2c && x < 0.70, !c.b2c && x < 0.14:
		c.method = card
	default:
		c.method = transfer
	}

	// Base delay: most between -5 and +15 days, a tail up to +45.
	if r.Float64() < 0.85 {
		c.base = -5 + 20*(r.Float64()+r.Float64())/2
	} else {
		c.base = min(15+10*r.ExpFloat64(), 45)
	}
	c.spread = 2 + 6*r.Float64()
	c.change, c.dflt = -1, -1
	pivot := end - 14 // latest start, so that every customer has some history
	switch c.behaviour {
	case worsening:
		c.change = drawDay(r, end, 183, 548)
		c.shift = 15 + r.Int32N(31)
		pivot = c.change - 180
	case improving:
		c.base = 15 + 25*r.Float64()
		c.change = drawDay(r, end, 183, 548)
		c.shift = -(10 + r.Int32N(16))
		pivot = c.change - 180
	case stoppedPaying:
		c.dflt = drawDay(r, end, 61, 274)
		pivot = c.dflt - 180
	}
	switch c.method {
	case directDebit:
		c.base, c.spread = 1, 0 // collected 0–2 days after the due date
	case card:
		c.base, c.spread = -float64(c.terms), 0 // paid on the invoice date
	}

	c.last = end
	if r.Float64() < 0.55 || pivot <= 0 {
		c.start = 0 // a customer since before the ledger starts
	} else {
		c.start = r.Int32N(pivot + 1)
	}
	if c.behaviour == stable && r.Float64() < shareChurned && end-90-(c.start+120) > 0 {
		c.last = c.start + 120 + r.Int32N(end-90-(c.start+120))
	}

	// Invoicing rate: Pareto, so that a few customers get most invoices.
	// Bigger buyers also buy bigger amounts.
	u := 1 - r.Float64()
	if c.b2c {
		c.weight = 0.25 * min(math.Pow(u, -1/1.16), 10)
		c.mu = math.Log(segmentMedian[segConsumer]*100) + 0.5*r.NormFloat64()
		c.sigma = 0.3 + 0.3*r.Float64()
	} else {
		c.weight = min(math.Pow(u, -1/1.16), 150)
		c.mu = math.Log(segmentMedian[c.segment]*100) + 0.8*r.NormFloat64() + 0.25*math.Log(c.weight)
		c.sigma = 0.35 + 0.35*r.Float64()
	}
	switch {
	case c.b2c && r.Float64() < 0.4: // subscription: 89.95 and the like
		c.fixedCents = clampCents(int64(math.Exp(c.mu)/100)*100+95, true)
	case !c.b2c && r.Float64() < 0.10: // contract fee: whole hundreds of euros plus 21% VAT
		c.fixedCents = clampCents(int64(math.Exp(c.mu)/10000)*12100, false)
	}

	c.creditLimit = -1
	if r.Float64() < shareCreditLimit {
		if c.b2c {
			c.creditLimit = int64(1+r.IntN(8)) * 25000
		} else {
			months := 2 + r.Float64()*4
			c.creditLimit = max(int64(math.Exp(c.mu)*c.weight*months/50000), 2) * 50000
		}
	}
	c.desc = segmentDesc[c.segment]
	if !c.b2c && r.Float64() < 0.4 {
		c.poStyle = uint8(1 + r.IntN(2))
	}
}

// drawNames draws name, contact data, account manager and KvK number.
func drawNames(c *customer, r *rand.Rand, kvks map[int32]bool) {
	if c.b2c {
		c.name = personName(r, c.country)
		if r.Float64() < 0.85 {
			sep := pick(r, []string{".", "", "_"})
			box := mailSlug(c.name, sep)
			if r.Float64() < 0.3 {
				box += strconv.Itoa(r.IntN(99) + 1)
			}
			c.email = box + "@" + pick(r, mailDomainsB2C)
		}
		if r.Float64() < 0.7 {
			c.phone = phone(r, c.country, true)
		}
		if r.Float64() < 0.5 {
			c.manager = "Team Particulieren"
		}
		return
	}
	c.name = companyName(r, int(c.segment), c.country)
	if r.Float64() < 0.95 {
		c.email = pick(r, mailBoxesB2B) + "@" + mailSlug(companyCore(c.name), "") + tld(c.country)
	}
	if r.Float64() < 0.95 {
		c.phone = phone(r, c.country, r.Float64() < 0.2)
	}
	c.manager = pick(r, accountManagers)
	for {
		k := 10_000_000 + r.Int32N(90_000_000)
		if !kvks[k] {
			kvks[k] = true
			c.kvk = k
			break
		}
	}
}

// pickWeighted returns an index drawn with the given weights.
func pickWeighted(r *rand.Rand, w []float64) int {
	total := 0.0
	for _, x := range w {
		total += x
	}
	x := r.Float64() * total
	for i, wi := range w {
		if x < wi {
			return i
		}
		x -= wi
	}
	return len(w) - 1
}

// allocateInvoices gives each customer its number of invoices, in total
// exactly want, in proportion to its rate times its active invoicing
// density; every customer gets at least one when want allows. It also sets
// the index of each customer's first invoice.
func allocateInvoices(cs []customer, want int, cal *calendar) {
	if len(cs) == 0 {
		return
	}
	w := make([]float64, len(cs))
	total := 0.0
	for i := range cs {
		c := &cs[i]
		w[i] = c.weight * cal.activeMass(c.kind(), c.start, c.last, c.cutDay(), stoppedRate)
		total += w[i]
	}
	floor := 0
	if want >= len(cs) {
		floor = 1
	}
	rest := want - floor*len(cs)
	type frac struct {
		f float64
		i int
	}
	fr := make([]frac, len(cs))
	given := 0
	for i := range cs {
		x := float64(rest) * w[i] / total
		n := int(x)
		cs[i].invoices = int32(floor + n)
		given += floor + n
		fr[i] = frac{x - float64(n), i}
	}
	slices.SortFunc(fr, func(a, b frac) int {
		switch {
		case a.f > b.f:
			return -1
		case a.f < b.f:
			return 1
		}
		return a.i - b.i
	})
	for k := 0; given < want; k++ {
		cs[fr[k%len(fr)].i].invoices++
		given++
	}
	var first int32
	for i := range cs {
		cs[i].first = first
		first += cs[i].invoices
	}
}

// kind is the calendar density a customer's invoice dates follow.
func (c *customer) kind() int {
	if c.b2c {
		return 1
	}
	return 0
}

// cutDay is the day from which a stopped_paying customer is invoiced less;
// beyond the calendar for everyone else.
func (c *customer) cutDay() int32 {
	if c.behaviour == stoppedPaying {
		return c.dflt
	}
	return c.last + 1
}

// clampCents keeps an invoice amount within the range of its kind.
func clampCents(x int64, b2c bool) int64 {
	if b2c {
		return min(max(x, 2_000), 50_000)
	}
	return min(max(x, 20_000), 5_000_000)
}

// drawDay draws a day between early and late days before end (6–18 months
// for a change, 2–9 months for a default), but not in the first third of
// the history, so that there is a "before" to compare with.
func drawDay(r *rand.Rand, end, late, early int32) int32 {
	lo := max(end-early, end/3)
	hi := max(end-late, lo)
	return lo + r.Int32N(hi-lo+1)
}
