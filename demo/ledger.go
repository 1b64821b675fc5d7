package demo

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
)

// Streams of the PCG generators: the master stream draws the customers, each
// customer's own stream (seeded from the master) draws its invoices and
// payments, so that one customer's draws never shift another's.
const (
	masterStream   = 0x6372656469746677 // "creditfw"
	customerStream = 0x64656d6f6c656467 // "demoledg"
)

// never marks an invoice that is not going to be paid.
const never = math.MinInt32

// Invoice flags.
const (
	flagDisputed = 1 << iota
	flagCredit   // a credit note: negative amount, ref is the corrected invoice
	flagCredited // a credit note refers to this invoice
	flagNoDue    // due_date is left empty in the file
)

// invoice is one row of invoices.csv, slim: text is made when writing.
type invoice struct {
	cents int64
	cust  int32
	day   int32
	ref   int32  // credit note: index of the corrected invoice; -1 otherwise
	num   int32  // sequence number within the year of the invoice date
	po    uint32 // purchase order number, 0 for none
	dnum  uint32 // order, project or trip number in the description
	flags uint8
	desc  descKind
}

// refKind selects the wording of a payment reference.
type refKind uint8

const (
	refInvoiceID refKind = iota // "INV-2024-000123"
	refFactuur                  // "factuur INV-2024-000123"
	refNetted                   // "INV-2024-000123 minus creditnota"
	refDebit                    // "SEPA incasso INV-2024-000123"
	refStorno                   // "Storno SEPA incasso INV-2024-000123 reden AM04"
	refRepay                    // "INV-2024-000123 na storno"
	refCard                     // "Kaartbetaling INV-2024-000123"
	refPartial                  // "Deelbetaling 1/3 INV-2024-000123"
	refLumpList                 // "facturen INV-2024-000123, INV-2024-000130"
	refLumpText                 // "betaling openstaande posten"
	refLoose                    // "fact 2024-000123", the invoice_id column left empty
	refName                     // the customer's name
	refEmpty                    // no reference at all (lump payments only)
)

// stornoReasons are SEPA return codes of a reversed direct debit.
var stornoReasons = []string{"AM04", "MD06", "MS02", "MD01"}

// payment is one row of payments.csv, slim: text is made when writing.
type payment struct {
	cents  int64
	cust   int32
	day    int32
	inv    int32 // index of the invoice it settles, or -1
	aux    int32 // refLumpList: offset in ledger.lumps; refLoose: the invoice; refPartial: part number
	n      uint8 // refLumpList: number of invoices; refPartial: number of parts; refStorno: reason
	method method
	ref    refKind
}

// ledger is the whole generated ledger, ready to write.
type ledger struct {
	cal       *calendar
	customers []customer
	invoices  []invoice // grouped by customer, by date within a customer
	order     []int32   // indexes of invoices in file order
	payments  []payment // in file order; the payment number is the index + 1
	lumps     []int32   // invoices listed in lump payment references
}

// generator holds the ledger being built and scratch space reused across
// customers.
type generator struct {
	ledger
	days  []int32
	plan  []int32 // planned payment day per invoice of the customer, or never
	owed  []int64 // cents to pay per invoice after credit notes
	taken []bool  // paid as part of a lump payment
	group []int
}

// build generates the ledger for a normalized cfg.
func build(ctx context.Context, cfg Config) (*ledger, error) {
	cal := newCalendar(cfg.End, cfg.Years)
	r := rand.New(rand.NewPCG(cfg.Seed, masterStream))
	g := &generator{ledger: ledger{cal: cal}}
	g.customers = buildCustomers(cfg, cal, r)
	g.invoices = make([]invoice, cfg.Invoices)
	g.payments = make([]payment, 0, cfg.Invoices+cfg.Invoices/16)
	for i := range g.customers {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		g.customer(int32(i))
	}
	l := &g.ledger
	l.numberInvoices()
	l.sortPayments()
	return l, ctx.Err()
}

// customer draws the invoices and payments of customer ci.
func (g *generator) customer(ci int32) {
	c := &g.customers[ci]
	r := rand.New(rand.NewPCG(c.seed, customerStream))
	n := int(c.invoices)
	invs := g.invoices[c.first : int(c.first)+n]
	days := g.days[:0]
	kind, cut := c.kind(), c.cutDay()
	for range n {
		days = append(days, g.cal.sampleDay(kind, c.start, c.last, cut, stoppedRate, r.Float64()))
	}
	slices.Sort(days)
	g.days = days

	dnum := 100_000 + r.Uint32N(800_000)
	po := 1 + r.Uint32N(90_000)
	for k, d := range days {
		inv := &invs[k]
		*inv = invoice{cust: ci, day: d, ref: -1}
		if r.Float64() < shareNoDueDate {
			inv.flags |= flagNoDue
		}
		if k > 0 && r.Float64() < shareCreditNote {
			if j := creditTarget(invs[:k], d, r); j >= 0 {
				orig := &invs[j]
				orig.flags |= flagCredited
				inv.flags |= flagCredit
				inv.ref = c.first + int32(j)
				inv.desc = descCredit
				if r.Float64() < 0.4 {
					inv.cents = -orig.cents
				} else {
					inv.cents = -max(orig.cents*(5+r.Int64N(46))/100, 1)
				}
				continue
			}
		}
		inv.cents = c.amount(r)
		if r.Float64() < shareDisputed {
			inv.flags |= flagDisputed
		}
		inv.desc = c.desc[0]
		if r.Float64() < 0.2 {
			inv.desc = c.desc[1]
		}
		dnum += 1 + r.Uint32N(50)
		inv.dnum = dnum
		if c.poStyle != 0 && r.Float64() < 0.9 {
			po += 1 + r.Uint32N(40)
			inv.po = po
		}
	}
	g.pay(c, ci, invs, r)
}

// amount draws an invoice amount in cents.
func (c *customer) amount(r *rand.Rand) int64 {
	if c.fixedCents != 0 && r.Float64() < 0.8 {
		return c.fixedCents
	}
	return clampCents(int64(math.Round(math.Exp(c.mu+c.sigma*r.NormFloat64()))), c.b2c)
}

// creditTarget picks the invoice a credit note dated d corrects: a recent
// earlier invoice that has no credit note yet. It returns -1 if there is none.
func creditTarget(invs []invoice, d int32, r *rand.Rand) int {
	var cand [16]int
	n := 0
	latest := -1
	for j := len(invs) - 1; j >= 0 && n < len(cand); j-- {
		inv := &invs[j]
		if inv.day >= d || inv.flags&(flagCredit|flagCredited) != 0 {
			continue
		}
		if latest < 0 {
			latest = j
		}
		if inv.day < d-90 {
			break
		}
		cand[n] = j
		n++
	}
	if n == 0 {
		return latest
	}
	return cand[r.IntN(n)]
}

// planDay draws the day invoice inv would be paid on, or never. Delays are
// days beyond the due date: the customer's base plus right-skewed noise.
// From change_date on a worsening customer pays everything shift days later;
// an improving one pays shift days earlier, catching up on what is overdue
// on change_date itself.
func (c *customer) planDay(inv *invoice, r *rand.Rand) int32 {
	due := inv.day + c.terms
	var d int32
	switch c.method {
	case card:
		d = inv.day + r.Int32N(2)
	case directDebit:
		d = due + r.Int32N(3)
	default:
		early := r.Float64() < shareEarly && !(c.behaviour == worsening && inv.day >= c.change)
		if early {
			d = inv.day + r.Int32N(6)
		} else {
			// Log-normal noise with mean zero: mostly a little early,
			// sometimes much later.
			noise := c.spread * (math.Exp(0.6*r.NormFloat64()) - math.Exp(0.18))
			d = due + int32(math.Round(c.base+noise))
		}
		switch {
		case c.behaviour == worsening && d >= c.change:
			d += c.shift
		case c.behaviour == improving && d >= c.change:
			d = max(d+c.shift, c.change)
		}
	}
	if inv.flags&flagDisputed != 0 {
		if r.Float64() < 0.5 {
			return never
		}
		d += 30 + r.Int32N(91)
	}
	return max(d, inv.day)
}

// pay draws the payments of one customer's invoices.
func (g *generator) pay(c *customer, ci int32, invs []invoice, r *rand.Rand) {
	n := len(invs)
	plan := slices.Grow(g.plan[:0], n)[:n]
	owed := slices.Grow(g.owed[:0], n)[:n]
	taken := slices.Grow(g.taken[:0], n)[:n]
	g.plan, g.owed, g.taken = plan, owed, taken
	for k := range invs {
		inv := &invs[k]
		owed[k], taken[k] = inv.cents, false
		plan[k] = never
		if inv.flags&flagCredit == 0 {
			plan[k] = c.planDay(inv, r)
		}
	}
	// A credit note that arrives before the payment is deducted from it.
	for k := range invs {
		inv := &invs[k]
		if inv.flags&flagCredit == 0 {
			continue
		}
		j := inv.ref - c.first
		if plan[j] != never && inv.day <= plan[j] {
			owed[j] += inv.cents
			if owed[j] <= 0 {
				plan[j] = never
			}
		}
	}

	for k := range invs {
		if plan[k] == never || taken[k] {
			continue
		}
		inv := &invs[k]
		p := payment{cents: owed[k], cust: ci, day: plan[k], inv: c.first + int32(k), method: c.method}
		switch {
		case c.method == card:
			p.ref = refCard
			g.emit(c, p)
			continue
		case c.method == directDebit:
			p.ref = refDebit
			if g.emit(c, p) && r.Float64() < shareStorno {
				back := p
				back.cents, back.day, back.ref = -p.cents, p.day+2+r.Int32N(5), refStorno
				back.n = uint8(r.IntN(len(stornoReasons)))
				if g.emit(c, back) {
					again := p
					again.day, again.method, again.ref = back.day+5+r.Int32N(26), transfer, refRepay
					g.emit(c, again)
				}
			}
			continue
		case inv.flags&flagDisputed != 0:
			p.ref = refInvoiceID
			g.emit(c, p)
			continue
		}
		x := r.Float64()
		switch {
		case x < shareLump:
			if g.lump(c, ci, invs, k, r) {
				continue
			}
		case x < shareLump+sharePartial && p.cents >= 1000:
			g.partial(c, p, inv.day, r)
			continue
		}
		g.single(c, p, owed[k] == inv.cents, r)
	}
}

// emit appends p unless it falls after End or on or after the default date
// of a stopped_paying customer. It reports whether p was kept.
func (g *generator) emit(c *customer, p payment) bool {
	if p.day > g.cal.last || (c.dflt >= 0 && p.day >= c.dflt) {
		return false
	}
	g.payments = append(g.payments, p)
	return true
}

// single pays one invoice by transfer: usually with its invoice_id, now and
// then only with a loose reference (the invoice number or the customer's
// name), sometimes a few cents too much or twice.
// full says the payment is the whole invoice amount (no credit note deducted).
func (g *generator) single(c *customer, p payment, full bool, r *rand.Rand) {
	p.ref = refInvoiceID
	if !full {
		p.ref = refNetted
	}
	switch x := r.Float64(); {
	case x < shareUnreferenced:
		p.aux, p.inv = p.inv, -1
		p.ref = refLoose
		if r.Float64() < 0.4 {
			p.ref = refName
		}
	case x < shareUnreferenced+0.25 && full:
		p.ref = refFactuur
	}
	if !full {
		g.emit(c, p)
		return
	}
	switch y := r.Float64(); {
	case y < shareOverCents:
		p.cents += 1 + r.Int64N(99)
	case y < shareOverCents+shareDouble:
		g.emit(c, p)
		p.day += 1 + r.Int32N(14)
	}
	g.emit(c, p)
}

// partial pays p in two or three parts that sum exactly to p.cents, the
// first around the planned day, the next ones weeks apart.
func (g *generator) partial(c *customer, p payment, invDay int32, r *rand.Rand) {
	parts := 2 + r.IntN(2)
	rest := p.cents
	day := max(p.day-r.Int32N(11), invDay)
	p.ref, p.n = refPartial, uint8(parts)
	for i := 1; i <= parts; i++ {
		x := rest
		if i < parts {
			// Whole euros, roughly an even share of what is left.
			share := rest * (60 + r.Int64N(81)) / 100 / int64(parts-i+1)
			x = max(share/100*100, 100)
			if x >= rest {
				x = rest / 2
			}
		}
		p.cents, p.day, p.aux = x, day, int32(i)
		g.emit(c, p)
		rest -= x
		day += 7 + r.Int32N(30)
	}
}

// lump pays invoice k together with 1–4 further open invoices due around the
// same time in one transfer without invoice_id. It reports false, paying
// nothing, when no other invoice qualifies.
func (g *generator) lump(c *customer, ci int32, invs []invoice, k int, r *rand.Rand) bool {
	want := 2 + r.IntN(4)
	horizon := g.plan[k] + 35
	group := append(g.group[:0], k)
	for j := k + 1; j < len(invs) && len(group) < want; j++ {
		if invs[j].day > horizon {
			break
		}
		if g.plan[j] == never || g.taken[j] || g.plan[j] > horizon || invs[j].flags&(flagCredit|flagDisputed) != 0 {
			continue
		}
		group = append(group, j)
	}
	g.group = group
	if len(group) < 2 {
		return false
	}
	p := payment{cust: ci, inv: -1, method: transfer, aux: int32(len(g.lumps)), n: uint8(len(group))}
	for _, j := range group {
		p.cents += g.owed[j]
		p.day = max(p.day, g.plan[j])
		g.taken[j] = true
		g.lumps = append(g.lumps, c.first+int32(j))
	}
	switch x := r.Float64(); {
	case x < 0.5:
		p.ref = refLumpList
	case x < 0.8:
		p.ref = refEmpty
	default:
		p.ref = refLumpText
	}
	if !g.emit(c, p) || p.ref != refLumpList {
		g.lumps = g.lumps[:p.aux]
	}
	return true
}

// numberInvoices orders the invoices by date, then customer, and numbers
// them per year of the invoice date in that order.
func (l *ledger) numberInvoices() {
	l.order = make([]int32, len(l.invoices))
	count := make([]int32, l.cal.last+2)
	for i := range l.invoices {
		count[l.invoices[i].day+1]++
	}
	for d := 1; d < len(count); d++ {
		count[d] += count[d-1]
	}
	for i := range l.invoices {
		d := l.invoices[i].day
		l.order[count[d]] = int32(i)
		count[d]++
	}
	seq := make(map[int16]int32)
	for _, i := range l.order {
		inv := &l.invoices[i]
		y := l.cal.year[inv.day]
		seq[y]++
		inv.num = seq[y]
	}
}

// sortPayments orders the payments by date, keeping the order in which they
// were drawn within a day.
func (l *ledger) sortPayments() {
	count := make([]int32, l.cal.last+2)
	for i := range l.payments {
		count[l.payments[i].day+1]++
	}
	for d := 1; d < len(count); d++ {
		count[d] += count[d-1]
	}
	sorted := make([]payment, len(l.payments))
	for i := range l.payments {
		d := l.payments[i].day
		sorted[count[d]] = l.payments[i]
		count[d]++
	}
	l.payments = sorted
}
