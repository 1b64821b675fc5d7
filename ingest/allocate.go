package ingest

import (
	"sort"
	"strings"
	"unicode"
)

// The allocation replays each customer's history day by day and decides which
// payment or credit note settles which invoice. Replaying in time order makes
// the result causal: what is allocated on or before a day depends only on
// invoices and payments dated on or before it, so every as-of view is exact,
// and the result does not depend on how the history was split into files.

// Allocation rules, stored with every allocation.
const (
	ruleInvoiceReference = "invoice_reference" // the payment named the invoice
	ruleReferenceText    = "reference_text"    // invoice numbers found in the payment reference
	ruleOldestFirst      = "oldest_first"      // a payment without reference, oldest open invoice first
	ruleCredit           = "credit"            // earlier unapplied credit used for a new invoice
	ruleCreditNote       = "credit_note"       // a credit note settles open invoices, oldest first
	ruleReversal         = "reversal"          // a reversed payment (stornering) re-opens invoices
	ruleReallocated      = "reallocated"       // a guess undone: a later payment named the invoice
)

// Source kinds of an allocation.
const (
	sourcePayment    = "payment"
	sourceCreditNote = "credit_note"
)

// event is one row of allocation_events.sql.
type event struct {
	customerID string
	day        int32
	ord        int8 // 0 invoice, 1 credit note, 2 payment
	id         string
	cents      int64
	invoiceID  string // payments only: the invoice the payment names
	reference  string // payments without invoiceID: the remittance text
}

// allocation is one row of payment_allocations, in cents and days.
type allocation struct {
	customerID string
	invoiceID  string
	sourceKind string
	sourceID   string
	cents      int64
	day        int32
	rule       string
}

type openInvoice struct {
	id        string
	amount    int64 // cents, as issued
	remaining int64
	seq       int   // order of issue, for the oldest-first list
	listed    bool  // in allocator.open
	allocs    []int // indices into allocator.out of the allocations to this invoice
}

// credit is unapplied money of the customer: the rest of a payment or credit
// note. A credit with a target waits for that invoice (a payment that named
// an invoice dated after it). A kept credit is the overpayment of a named
// invoice: it stays unapplied until someone decides what to do with it, while
// other credit (a prepayment, the rest of a lump payment or credit note)
// settles the customer's next invoices.
type credit struct {
	kind      string
	id        string
	remaining int64
	target    string
	kept      bool
}

// paidFrom remembers what a payment settled, so that a reversal can undo it.
type paidFrom struct {
	id       string
	cents    int64
	allocs   []int // indices into out
	reversed bool
}

// allocator replays one customer at a time.
type allocator struct {
	customerID string
	open       []*openInvoice // by invoice day, then id
	byID       map[string]*openInvoice
	credits    []*credit
	payments   []*paidFrom
	paymentIDs map[string]*paidFrom
	undone     map[int]int64 // allocation index → cents undone by reversals and reallocations
	out        []allocation
	// The customer's invoices, payments and credits come from slabs that
	// are reused customer after customer: 2M small allocations less per
	// million events, and less for the garbage collector to do.
	invoiceSlab slab[openInvoice]
	paymentSlab slab[paidFrom]
	creditSlab  slab[credit]
}

// slabSize is the number of values in one block of a slab.
const slabSize = 1024

// slab hands out pointers to values in blocks it keeps; reset makes them
// all available again, so a pointer must not outlive the customer.
type slab[T any] struct {
	blocks      [][]T
	block, next int
}

// get returns a value of the slab; it holds what it held before (callers
// overwrite it and may keep its slices' capacity).
func (s *slab[T]) get() *T {
	if s.block == len(s.blocks) {
		s.blocks = append(s.blocks, make([]T, slabSize))
	}
	v := &s.blocks[s.block][s.next]
	if s.next++; s.next == slabSize {
		s.block, s.next = s.block+1, 0
	}
	return v
}

func (s *slab[T]) reset() { s.block, s.next = 0, 0 }

func (a *allocator) newInvoice(id string, cents int64) *openInvoice {
	inv := a.invoiceSlab.get()
	*inv = openInvoice{id: id, amount: cents, remaining: cents, seq: len(a.byID), listed: true, allocs: inv.allocs[:0]}
	return inv
}

func (a *allocator) newPayment(id string, cents int64) *paidFrom {
	p := a.paymentSlab.get()
	*p = paidFrom{id: id, cents: cents, allocs: p.allocs[:0]}
	return p
}

func (a *allocator) newCredit(c credit) *credit {
	v := a.creditSlab.get()
	*v = c
	return v
}

func (a *allocator) reset(customerID string) {
	a.customerID = customerID
	a.invoiceSlab.reset()
	a.paymentSlab.reset()
	a.creditSlab.reset()
	a.open = a.open[:0]
	a.credits = a.credits[:0]
	a.payments = a.payments[:0]
	// clear costs as much as the map's largest size, not its current one:
	// after a big customer, start afresh rather than clear 50,000 times.
	if len(a.byID) > 256 || a.byID == nil {
		a.byID = map[string]*openInvoice{}
		a.paymentIDs = map[string]*paidFrom{}
		a.undone = map[int]int64{}
	} else {
		clear(a.byID)
		clear(a.paymentIDs)
		clear(a.undone)
	}
}

func (a *allocator) emit(inv *openInvoice, kind, src string, cents int64, day int32, rule string) int {
	inv.remaining -= cents
	a.out = append(a.out, allocation{customerID: a.customerID, invoiceID: inv.id, sourceKind: kind, sourceID: src, cents: cents, day: day, rule: rule})
	inv.allocs = append(inv.allocs, len(a.out)-1)
	return len(a.out) - 1
}

// apply handles one event of the current customer.
func (a *allocator) apply(e event) {
	switch {
	case e.ord == 0: // invoice
		inv := a.newInvoice(e.id, e.cents)
		a.open = append(a.open, inv)
		a.byID[e.id] = inv
		a.useCredits(inv, e.day)
	case e.ord == 1: // credit note: settles the oldest open invoices
		rest := a.settleOldest(sourceCreditNote, e.id, -e.cents, e.day, ruleCreditNote, nil)
		if rest > 0 {
			a.credits = append(a.credits, a.newCredit(credit{kind: sourceCreditNote, id: e.id, remaining: rest}))
		}
	case e.cents >= 0:
		a.pay(e)
	default:
		a.reverse(e)
	}
}

func (a *allocator) pay(e event) {
	p := a.newPayment(e.id, e.cents)
	a.payments = append(a.payments, p)
	a.paymentIDs[e.id] = p
	rest := e.cents
	if e.invoiceID != "" {
		inv, known := a.byID[e.invoiceID]
		if !known {
			// The payment names an invoice not issued yet: keep it for that invoice.
			a.credits = append(a.credits, a.newCredit(credit{kind: sourcePayment, id: e.id, remaining: rest, target: e.invoiceID}))
			return
		}
		freed := a.undoGuesses(inv, rest, e.day)
		if n := min(rest, max(inv.remaining, 0)); n > 0 {
			i := a.emit(inv, sourcePayment, e.id, n, e.day, ruleInvoiceReference)
			p.allocs = append(p.allocs, i)
			rest -= n
		}
		for _, c := range freed {
			if left := a.settleOldest(c.kind, c.id, c.remaining, e.day, ruleReallocated, a.payment(c.id)); left > 0 {
				c.remaining = left
				a.credits = append(a.credits, c)
			}
		}
		if rest > 0 {
			a.credits = append(a.credits, a.newCredit(credit{kind: sourcePayment, id: e.id, remaining: rest, kept: true}))
		}
		return
	}
	rest = a.settleNamedInText(e, rest, p)
	rest = a.settleOldest(sourcePayment, e.id, rest, e.day, ruleOldestFirst, p)
	if rest > 0 {
		a.credits = append(a.credits, a.newCredit(credit{kind: sourcePayment, id: e.id, remaining: rest}))
	}
}

// settleNamedInText settles the open invoices whose numbers appear in the
// payment's reference ("facturen INV-1, INV-2"), in the order written.
func (a *allocator) settleNamedInText(e event, cents int64, p *paidFrom) int64 {
	if e.reference == "" {
		return cents
	}
	words := strings.FieldsFunc(e.reference, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '/' || r == '.')
	})
	for _, w := range words {
		if cents == 0 {
			break
		}
		inv, ok := a.byID[strings.TrimRight(w, ".")]
		if !ok || inv.remaining <= 0 {
			continue
		}
		n := min(cents, inv.remaining)
		p.allocs = append(p.allocs, a.emit(inv, sourcePayment, e.id, n, e.day, ruleReferenceText))
		cents -= n
	}
	return cents
}

// undoGuesses makes room on an invoice that a payment names but that earlier
// money without a reference was guessed to settle (oldest first, or unapplied
// credit). The named payment is the better evidence: the guessed allocations
// are undone from its day on, and the money they free is returned as credit
// to settle the oldest open invoices instead.
func (a *allocator) undoGuesses(inv *openInvoice, cents int64, day int32) []*credit {
	need := cents - max(inv.remaining, 0)
	var freed []*credit
	for k := len(inv.allocs) - 1; k >= 0 && need > 0; k-- {
		i := inv.allocs[k]
		o := a.out[i]
		if o.cents <= 0 || (o.rule != ruleOldestFirst && o.rule != ruleCredit && o.rule != ruleCreditNote && o.rule != ruleReallocated) {
			continue
		}
		n := min(need, o.cents-a.undone[i])
		if n <= 0 {
			continue
		}
		a.undone[i] += n
		a.emit(inv, o.sourceKind, o.sourceID, -n, day, ruleReallocated)
		freed = append(freed, a.newCredit(credit{kind: o.sourceKind, id: o.sourceID, remaining: n}))
		need -= n
	}
	return freed
}

// settleOldest allocates up to cents to the oldest open invoices and returns
// what is left. Settled invoices are dropped from the list on the way, so each
// invoice is passed over at most once after it is settled.
func (a *allocator) settleOldest(kind, src string, cents int64, day int32, rule string, p *paidFrom) int64 {
	kept := a.open[:0]
	i := 0
	for ; i < len(a.open) && cents > 0; i++ {
		inv := a.open[i]
		if inv.remaining > 0 {
			n := min(cents, inv.remaining)
			idx := a.emit(inv, kind, src, n, day, rule)
			if p != nil {
				p.allocs = append(p.allocs, idx)
			}
			cents -= n
		}
		if inv.remaining > 0 {
			kept = append(kept, inv)
		} else {
			inv.listed = false
		}
	}
	a.open = append(kept, a.open[i:]...)
	return cents
}

// useCredits applies waiting credit to a new invoice: first credit that named
// it, then unapplied credit, oldest first.
func (a *allocator) useCredits(inv *openInvoice, day int32) {
	if inv.remaining <= 0 || len(a.credits) == 0 {
		return
	}
	for pass := 0; pass < 2; pass++ {
		for _, c := range a.credits {
			if inv.remaining <= 0 {
				break
			}
			if c.remaining <= 0 || c.kept || (pass == 0) != (c.target == inv.id) || (pass == 1 && c.target != "") {
				continue
			}
			n := min(c.remaining, inv.remaining)
			rule := ruleCredit
			if c.target == inv.id {
				rule = ruleInvoiceReference
			}
			i := a.emit(inv, c.kind, c.id, n, day, rule)
			c.remaining -= n
			if c.kind == sourcePayment {
				if p := a.payment(c.id); p != nil {
					p.allocs = append(p.allocs, i)
				}
			}
		}
	}
	a.dropUsedCredits()
}

func (a *allocator) dropUsedCredits() {
	kept := a.credits[:0]
	for _, c := range a.credits {
		if c.remaining > 0 {
			kept = append(kept, c)
		}
	}
	a.credits = kept
}

func (a *allocator) payment(id string) *paidFrom { return a.paymentIDs[id] }

// reverse handles a negative payment (a returned direct debit, *stornering*):
// it undoes the allocations of what it reverses, so those invoices are open
// again from the day of the reversal.
func (a *allocator) reverse(e event) {
	todo := -e.cents
	undo := func(idx int) {
		if todo <= 0 {
			return
		}
		orig := a.out[idx]
		inv, ok := a.byID[orig.invoiceID]
		if !ok || orig.cents <= 0 {
			return
		}
		already := a.undone[idx]
		n := min(todo, orig.cents-already)
		if n <= 0 {
			return
		}
		a.reopen(inv)
		a.emit(inv, sourcePayment, e.id, -n, e.day, ruleReversal)
		a.undone[idx] += n
		todo -= n
	}
	if e.invoiceID != "" {
		// Undo the most recent payments to the named invoice.
		if inv, ok := a.byID[e.invoiceID]; ok {
			allocs := inv.allocs
			for k := len(allocs) - 1; k >= 0 && todo > 0; k-- {
				if o := a.out[allocs[k]]; o.sourceKind == sourcePayment && o.cents > 0 {
					undo(allocs[k])
				}
			}
		}
	} else if p := a.matchReversed(todo); p != nil {
		p.reversed = true
		for i := len(p.allocs) - 1; i >= 0; i-- {
			undo(p.allocs[i])
		}
		todo = a.takeCredit(p.id, todo)
	} else {
		for i := len(a.out) - 1; i >= 0 && todo > 0; i-- {
			if o := a.out[i]; o.sourceKind == sourcePayment && o.cents > 0 {
				undo(i)
			}
		}
	}
	if todo > 0 {
		a.takeCredit("", todo)
	}
}

// matchReversed finds the latest payment of the same amount not reversed yet.
func (a *allocator) matchReversed(cents int64) *paidFrom {
	for i := len(a.payments) - 1; i >= 0; i-- {
		if p := a.payments[i]; !p.reversed && p.cents == cents {
			return p
		}
	}
	return nil
}

// takeCredit removes up to cents of unapplied credit, of the payment id when
// given, else newest first, and returns what could not be taken.
func (a *allocator) takeCredit(id string, cents int64) int64 {
	for i := len(a.credits) - 1; i >= 0 && cents > 0; i-- {
		c := a.credits[i]
		if id != "" && c.id != id {
			continue
		}
		n := min(cents, c.remaining)
		c.remaining -= n
		cents -= n
	}
	a.dropUsedCredits()
	return cents
}

// reopen puts a settled invoice back in the open list, in order of issue.
func (a *allocator) reopen(inv *openInvoice) {
	if inv.listed {
		return
	}
	inv.listed = true
	i := sort.Search(len(a.open), func(i int) bool { return a.open[i].seq > inv.seq })
	a.open = append(a.open, nil)
	copy(a.open[i+1:], a.open[i:])
	a.open[i] = inv
}
