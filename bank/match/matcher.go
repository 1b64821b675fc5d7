package match

import (
	"slices"

	"github.com/creditflow/creditflow"
)

// New returns a matcher for the customers, their open invoices and the
// known accounts (normalized IBAN → customer id). Invoices and accounts of
// customers not in customers get a customer without a name.
func New(customers []Customer, invoices []Invoice, accounts map[string]string) *Matcher {
	m := &Matcher{
		custByID: make(map[string]int32, len(customers)),
		invoices: make([]invoice, 0, len(invoices)),
		byKey:    newIndex[string](len(invoices)),
		byRef:    newIndex[string](0),
		byRefNum: newIndex[uint64](0),
		byDigits: newIndex[uint64](len(invoices)),
		ibans:    make(map[string]int32, len(accounts)),
		names:    nameIndex{postings: make(map[string][]int32)},
	}
	for _, c := range customers {
		m.addCustomer(c.ID, c.Name)
	}
	for _, inv := range invoices {
		m.indexInvoice(inv)
	}
	// Sorting once is cheaper than inserting in order.
	for ci := range m.customers {
		cu := &m.customers[ci]
		slices.SortFunc(cu.invoices, func(a, b int32) int {
			if d := m.invoices[a].day - m.invoices[b].day; d != 0 {
				return int(d)
			}
			return int(a - b)
		})
	}
	for iban, id := range accounts {
		m.Learn(iban, id)
	}
	return m
}

// addCustomer returns the index of the customer with id, adding it (or
// setting its name when it had none) as needed.
func (m *Matcher) addCustomer(id, name string) int32 {
	if ci, ok := m.custByID[id]; ok {
		if name != "" && len(m.customers[ci].tokens) == 0 {
			m.customers[ci].tokens = normalizeName(name)
			m.names.add(ci, m.customers[ci].tokens)
		}
		return ci
	}
	ci := int32(len(m.customers))
	m.customers = append(m.customers, customer{id: id, tokens: normalizeName(name)})
	m.custByID[id] = ci
	m.names.add(ci, m.customers[ci].tokens)
	return ci
}

// indexInvoice adds inv to the invoice list and the indexes, and appends it
// to its customer's list without sorting.
func (m *Matcher) indexInvoice(inv Invoice) int32 {
	ci := m.addCustomer(inv.CustomerID, "")
	ii := int32(len(m.invoices))
	amount := inv.Amount
	if amount == 0 {
		amount = inv.Open
	}
	m.invoices = append(m.invoices, invoice{id: inv.ID, cust: ci, day: dayOf(inv.Date), open: inv.Open, amount: amount})
	m.customers[ci].invoices = append(m.customers[ci].invoices, ii)
	if k := alnumUpper(inv.ID); len(k) > 0 {
		m.byKey.add(k, ii)
	}
	if n, ok := digitKey(inv.ID); ok {
		m.byDigits.add(n, ii)
	}
	if r := inv.PaymentReference; r != "" {
		switch {
		case ValidBetalingskenmerk(r):
			if n, ok := parseDigits(KenmerkNumber(r)); ok {
				m.byRefNum.add(n, ii)
			}
		case ValidRF(r):
			m.byRef.add("R"+RFBody(r), ii)
		default:
			if k := alnumUpper(r); k != "" {
				m.byRef.add("O"+k, ii)
			}
		}
	}
	return ii
}

// AddInvoice adds an invoice loaded after New.
func (m *Matcher) AddInvoice(inv Invoice) {
	ii := m.indexInvoice(inv)
	cu := &m.customers[m.invoices[ii].cust]
	// indexInvoice appended it; move it to its place by date.
	list := cu.invoices[:len(cu.invoices)-1]
	day := m.invoices[ii].day
	pos, _ := slices.BinarySearchFunc(list, day, func(j int32, d int32) int {
		if m.invoices[j].day <= d {
			return -1
		}
		return 1
	})
	copy(cu.invoices[pos+1:], cu.invoices[pos:len(cu.invoices)-1])
	cu.invoices[pos] = ii
	if m.invoices[ii].open > 0 && int32(pos) < cu.firstOpen {
		cu.firstOpen = int32(pos)
	}
}

// Learn records that payments from iban come from the customer. An IBAN
// learned for a second customer becomes shared and is no longer used to
// identify a payer.
func (m *Matcher) Learn(iban, customerID string) {
	iban = NormalizeIBAN(iban)
	if iban == "" || customerID == "" {
		return
	}
	ci := m.addCustomer(customerID, "")
	switch prev, ok := m.ibans[iban]; {
	case !ok:
		m.ibans[iban] = ci
	case prev != ci:
		m.ibans[iban] = sharedIBAN
	}
}

// Book records that tx was booked as mt: it lowers the open amounts of the
// invoices paid (for a booking to the customer, an invoice of exactly the
// amount, else the oldest open invoices on or before the booking date first), and learns the payer's IBAN when the
// match was sure enough. Money beyond the open amounts stays unapplied: the
// matcher does not carry credit forward to later invoices.
func (m *Matcher) Book(tx creditflow.BankTransaction, mt Match) {
	if tx.Amount <= 0 {
		return
	}
	ci, ok := m.custByID[mt.CustomerID]
	if !ok {
		return
	}
	rest := tx.Amount
	if len(mt.InvoiceIDs) > 0 {
		for _, id := range mt.InvoiceIDs {
			ii := m.lookupID(id, ci)
			if ii < 0 {
				continue
			}
			rest -= m.pay(ii, rest)
		}
	} else {
		day := dayOf(tx.BookingDate)
		cu := &m.customers[ci]
		// Booked to the customer: most likely it pays an invoice of exactly
		// its amount, else the oldest invoices first.
		if ii, _ := m.exactOpen(ci, rest, day); ii >= 0 {
			rest -= m.pay(ii, rest)
		}
		for _, ii := range cu.invoices[cu.firstOpen:] {
			if rest <= 0 || m.invoices[ii].day > day {
				break
			}
			rest -= m.pay(ii, rest)
		}
	}
	m.advanceFirstOpen(ci)
	if mt.Confidence >= LearnConfidence && tx.CounterIBAN != "" {
		m.Learn(tx.CounterIBAN, mt.CustomerID)
	}
}

// pay lowers the open amount of invoice ii by at most amount and returns
// what it took.
func (m *Matcher) pay(ii int32, amount creditflow.Money) creditflow.Money {
	inv := &m.invoices[ii]
	take := creditflow.Min(inv.open, amount)
	if take <= 0 {
		return 0
	}
	inv.open -= take
	return take
}

func (m *Matcher) advanceFirstOpen(ci int32) {
	cu := &m.customers[ci]
	for int(cu.firstOpen) < len(cu.invoices) && m.invoices[cu.invoices[cu.firstOpen]].open <= 0 {
		cu.firstOpen++
	}
}

// lookupID finds the invoice with exactly this id, preferring one of
// customer ci when ids repeat; -1 when there is none.
func (m *Matcher) lookupID(id string, ci int32) int32 {
	found := int32(-1)
	for _, ii := range m.byKey.appendTo(m.s.found[:0], alnumUpper(id)) {
		if m.invoices[ii].id != id {
			continue
		}
		if m.invoices[ii].cust == ci {
			return ii
		}
		found = ii
	}
	return found
}

// exactOpen returns the oldest open invoice of customer ci dated on or
// before day whose open amount equals amount, and how many there are.
func (m *Matcher) exactOpen(ci int32, amount creditflow.Money, day int32) (int32, int) {
	cu := &m.customers[ci]
	first, n := int32(-1), 0
	for _, ii := range cu.invoices[cu.firstOpen:] {
		inv := &m.invoices[ii]
		if inv.day > day {
			break
		}
		if inv.open == amount {
			if first < 0 {
				first = ii
			}
			n++
		}
	}
	return first, n
}
