package match

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
)

// paymentKind is how a generated payment names what it pays.
type paymentKind int

const (
	payKenmerk paymentKind = iota // betalingskenmerk or RF in the structured field
	payText                       // invoice number in the remittance text
	payIBAN                       // known account and the exact amount, nothing else
	payName                       // unknown account, the payer's name and the exact amount
)

// ledger is a generated set of customers, invoices and the payments that
// settle them, with the answer each payment should get.
type ledger struct {
	customers []Customer
	invoices  []Invoice
	accounts  map[string]string
	ibanOf    []string // by customer number
	short     []string // by customer number: the name without place and legal form
	payments  []payment
}

type payment struct {
	tx      creditflow.BankTransaction
	kind    paymentKind
	invoice string // the invoice paid
	cust    string
}

var (
	trades = []string{"Bakkerij", "Garage", "Installatiebedrijf", "Schildersbedrijf", "Transport", "Kapsalon",
		"Hoveniersbedrijf", "Loodgieter", "Drukkerij", "Slagerij", "Cafe", "Restaurant", "Bouwbedrijf",
		"Timmerbedrijf", "Advies", "Tandartspraktijk", "Fysiotherapie", "Makelaardij", "Autobedrijf",
		"Elektrotechniek", "Dakdekker", "Glazenwasserij", "Bloemisterij", "Schoonmaakbedrijf",
		"Accountantskantoor", "Reisbureau", "Fietsenmaker", "Opticien", "Apotheek", "Dierenkliniek"}
	surnames = []string{"Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
		"Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer",
		"de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs",
		"de Haan", "Vermeulen", "van den Heuvel", "van der Veen", "van den Broek", "de Bruijn", "de Jong",
		"Schouten", "van Beek", "Willems", "van Dijk", "Hoekstra", "Maas", "Verhoeven", "Koster",
		"Prins", "Blom", "Huisman", "Peeters", "de Kok", "Kuipers", "van Vliet", "Post", "Kuiper", "Veenstra"}
	places = []string{"Utrecht", "Amersfoort", "Zwolle", "Deventer", "Arnhem", "Nijmegen", "Tilburg", "Breda",
		"Leiden", "Delft", "Gouda", "Haarlem", "Alkmaar", "Hoorn", "Emmen", "Assen", "Groningen", "Leeuwarden",
		"Venlo", "Roermond", "Maastricht", "Helmond", "Eindhoven", "Oss", "Ede", "Apeldoorn", "Hengelo",
		"Enschede", "Almere", "Lelystad", "Dordrecht", "Schiedam", "Vlaardingen", "Zeist", "Hilversum",
		"Amstelveen", "Purmerend", "Zaandam", "Heerlen", "Sittard"}
	legal = []string{" B.V.", " BV", " V.O.F.", "", "", " Holding B.V."}
)

// ledgerSpec describes a generated ledger.
type ledgerSpec struct {
	customers, invoices int
	mix                 [4]float64 // fractions of payments by kenmerk, text, IBAN, name
	allKnown            bool       // every customer's IBAN is known (otherwise 70% are)
	prices              int        // when > 0, amounts come from this many fixed prices
}

// genLedger makes customers with invoices over 2023-2024 and a payment for
// each invoice, sorted by booking date. Customer names are unique.
func genLedger(r *rand.Rand, spec ledgerSpec) *ledger {
	nCust, nInv, mix, allKnown := spec.customers, spec.invoices, spec.mix, spec.allKnown
	l := &ledger{accounts: make(map[string]string, nCust)}
	seen := make(map[string]bool, nCust)
	for c := range nCust {
		var name, short string
		for {
			short = trades[r.IntN(len(trades))] + " " + surnames[r.IntN(len(surnames))]
			name = short + " " + places[r.IntN(len(places))]
			if r.IntN(4) == 0 {
				name += " " + string(rune('A'+r.IntN(26))) + fmt.Sprint(r.IntN(100))
			}
			if !seen[name] {
				seen[name] = true
				break
			}
		}
		id := fmt.Sprintf("C%06d", c)
		l.customers = append(l.customers, Customer{ID: id, Name: name + legal[r.IntN(len(legal))]})
		iban := IBAN("NL", "BANK"+fmt.Sprintf("%010d", c+1000000))
		l.ibanOf = append(l.ibanOf, iban)
		l.short = append(l.short, strings.ToUpper(short))
		if allKnown || r.Float64() < 0.7 {
			l.accounts[iban] = id
		}
	}
	start, _ := creditflow.ParseDate("2023-01-01")
	seq := map[int]int{}
	for range nInv {
		// Some customers invoice far more than others.
		c := int(float64(nCust) * r.Float64() * r.Float64())
		day := r.IntN(730)
		date := start.AddDays(day)
		year := date.Year()
		seq[year]++
		id := fmt.Sprintf("INV-%04d-%06d", year, seq[year])
		amount := creditflow.Money(1000 + r.IntN(499000))
		if spec.prices > 0 {
			amount = creditflow.Money(2500 * (1 + r.IntN(spec.prices)))
		}
		inv := Invoice{ID: id, CustomerID: l.customers[c].ID, Date: date, Open: amount}
		if r.IntN(3) == 0 {
			inv.PaymentReference = Betalingskenmerk(fmt.Sprintf("%d%06d", year, seq[year]))
		}
		l.invoices = append(l.invoices, inv)
	}
	custNum := func(id string) int {
		var n int
		fmt.Sscanf(id, "C%d", &n)
		return n
	}
	for i, inv := range l.invoices {
		c := custNum(inv.CustomerID)
		tx := creditflow.BankTransaction{
			ID:          fmt.Sprint("TX", i),
			BookingDate: inv.Date.AddDays(1 + r.IntN(60)),
			Amount:      inv.Open,
			CounterIBAN: l.ibanOf[c],
			CounterName: strings.ToUpper(l.customers[c].Name),
		}
		digits := strings.ReplaceAll(strings.TrimPrefix(inv.ID, "INV-"), "-", "")
		var kind paymentKind
		switch x := r.Float64(); {
		case x < mix[0]:
			kind = payKenmerk
		case x < mix[0]+mix[1]:
			kind = payText
		case x < mix[0]+mix[1]+mix[2]:
			kind = payIBAN
		default:
			kind = payName
		}
		switch kind {
		case payKenmerk:
			switch {
			case inv.PaymentReference != "":
				tx.StructuredRef = inv.PaymentReference
			case r.IntN(10) == 0:
				tx.StructuredRef = RFReference(digits)
			default:
				tx.StructuredRef = Betalingskenmerk(digits)
			}
		case payText:
			switch r.IntN(4) {
			case 0:
				tx.RemittanceText = "factuur " + inv.ID
			case 1:
				tx.RemittanceText = "Fact " + strings.TrimPrefix(inv.ID, "INV-") + " klant " + inv.CustomerID
			case 2:
				tx.RemittanceText = "Factuurnr. " + strings.ToLower(inv.ID) + ", dank u"
			default:
				tx.RemittanceText = inv.ID
			}
		case payIBAN:
			if _, known := l.accounts[l.ibanOf[c]]; !known {
				l.accounts[l.ibanOf[c]] = inv.CustomerID
			}
		case payName:
			// A new account: a private account or another bank.
			tx.CounterIBAN = IBAN("NL", "PRIV"+fmt.Sprintf("%010d", i))
			if r.IntN(2) == 0 {
				// Statements often carry the name without the place.
				tx.CounterName = l.short[c]
			}
		}
		l.payments = append(l.payments, payment{tx: tx, kind: kind, invoice: inv.ID, cust: inv.CustomerID})
	}
	slices.SortStableFunc(l.payments, func(a, b payment) int {
		return a.tx.BookingDate.Compare(b.tx.BookingDate.Time)
	})
	return l
}

// benchLedger is generated once: it takes longer than matching it.
var benchLedger = sync.OnceValue(func() *ledger {
	r := rand.New(rand.NewPCG(2024, 1))
	return genLedger(r, ledgerSpec{customers: 50_000, invoices: 1_000_000, mix: [4]float64{0.60, 0.25, 0.10, 0.05}})
})

// BenchmarkMatch matches and books credit transactions against 50k
// customers and 1M invoices, one transaction per op. Run it with
// -benchtime=1000000x to match the whole year of payments once.
func BenchmarkMatch(b *testing.B) {
	l := benchLedger()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	t0 := time.Now()
	m := New(l.customers, l.invoices, l.accounts)
	built := time.Since(t0)
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportAllocs()
	b.ResetTimer()
	auto, wrong := 0, 0
	for i := 0; i < b.N; i++ {
		p := &l.payments[i%len(l.payments)]
		cands := m.Candidates(p.tx)
		if len(cands) == 0 {
			continue
		}
		best := cands[0]
		if best.Confidence >= 0.8 {
			auto++
			if best.CustomerID != p.cust || !slices.Contains(best.InvoiceIDs, p.invoice) {
				wrong++
			}
		}
		if best.Confidence >= 0.8 {
			m.Book(p.tx, best)
		}
	}
	b.StopTimer()
	// ResetTimer drops metrics reported before it.
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "matcher-MB")
	b.ReportMetric(built.Seconds(), "New-s")
	b.ReportMetric(100*float64(auto)/float64(b.N), "auto-%")
	b.ReportMetric(100*float64(wrong)/float64(b.N), "wrong-auto-%")
	runtime.KeepAlive(m)
}
