package risk

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/creditflow/creditflow/store/storetest"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/store"
)

// Monthly credit sales of the hand-checked ledger (see aging_test.go), for
// the countback: Dec 2024 700 (I5); Jan 2025 1750 (I1 1000 + I2 500 + I6
// 250); Feb 1000 (I3 800 + CN1 -200 + I7 400); Mar 900 (I4 300 + I8 600);
// Apr 150 (I9). Open and not-yet-due ("current") totals are those of
// agingCases.
var kpiCases = []struct {
	asOf string
	want creditflow.KPIs
}{
	{
		// Open 2200, overdue 700 (share 0.3182), current 1500.
		// DSO: Jan (31 days) 1750 < 2200: 31 days, 450 left; Dec 700:
		//   31 + 450/700 × 31 = 50.93.
		// Best possible: 1500 of Jan's 1750: 1500/1750 × 31 = 26.57.
		// ADD = 50.9 - 26.6 = 24.3.
		// CEI30: open on 01-01 700 (I5), sales (01-01, 01-31] 1750:
		//   (700 + 1750 - 2200) / (700 + 1750 - 1500) = 250/950 = 26.3%.
		// CEI90: open on 11-02 0, sales (11-02, 01-31] 2450:
		//   (2450 - 2200) / (2450 - 1500) = 26.3%.
		// Settled in (11-02, 01-31]: I6 250 on 01-30, 20 days after its
		//   invoice date, 6 days after its due date (01-24).
		asOf: "2025-01-31",
		want: creditflow.KPIs{OpenTotal: 220000, OverdueTotal: 70000, OverdueShare: 0.3182, UnappliedCredit: 5000,
			OpenItems: 3, Customers: 2, DSO: 50.9, BestPossibleDSO: 26.6, ADD: 24.3, CEI30: 26.3, CEI90: 26.3,
			WeightedDaysToPay: 20, WeightedDaysLate: 6},
	},
	{
		// Open 2400, overdue 1600 (share 0.6667), current 800 (I3).
		// DSO: Feb (28 days) 1000 < 2400: 28 days, 1400 left; Jan 1750:
		//   28 + 1400/1750 × 31 = 52.8. Best possible: 800/1000 × 28 = 22.4.
		// ADD = 30.4.
		// CEI30: open on 01-29 2450 (I1, I2, I5, I6: a6 is dated 01-30),
		//   sales (01-29, 02-28] 1000: (2450 + 1000 - 2400) / (3450 - 800)
		//   = 1050/2650 = 39.6%.
		// CEI90: open on 11-30 0, sales (11-30, 02-28] 3450: the same 39.6%.
		// Settled in (11-30, 02-28]: I6 250 (20 days to pay, 6 late) and I7
		//   400 on 02-25 (5 days to pay, due 03-06: -9 late):
		//   (250×20 + 400×5)/650 = 10.8, (250×6 - 400×9)/650 = -3.2.
		asOf: "2025-02-28",
		want: creditflow.KPIs{OpenTotal: 240000, OverdueTotal: 160000, OverdueShare: 0.6667, UnappliedCredit: 5000,
			OpenItems: 4, Customers: 2, DSO: 52.8, BestPossibleDSO: 22.4, ADD: 30.4, CEI30: 39.6, CEI90: 39.6,
			WeightedDaysToPay: 10.8, WeightedDaysLate: -3.2},
	},
	{
		// Open 2200, overdue 1300 (share 0.5909), current 900 (I4, I8).
		// DSO: Mar (31) 900 < 2200: 31 days, 1300 left; Feb (28) 1000 <
		//   1300: 59 days, 300 left; Jan 1750: 59 + 300/1750 × 31 = 64.3.
		// Best possible: 900 is not more than March's 900: 900/900 × 31 = 31.
		// ADD = 33.3.
		// CEI30: open on 03-01 900 (I3 200, I5 700; I7 paid until the
		//   reversal of 03-05), sales (03-01, 03-31] 900:
		//   (900 + 900 - 2200) / (1800 - 900) = -400/900 = -44.4%: the
		//   returned direct debit made the receivable grow.
		// CEI90: open on 12-31 700 (I5), sales (12-31, 03-31] 3650:
		//   (700 + 3650 - 2200) / (4350 - 900) = 2150/3450 = 62.3%.
		// Settled in (12-31, 03-31]: I6 250 (20 / 6 days), I1 1000 on 03-01
		//   (55 days after 01-05, 25 after 02-04), I2 500 on 03-01 (40 / 10);
		//   I7 is open again. (5000 + 55000 + 20000)/1750 = 45.7,
		//   (1500 + 25000 + 5000)/1750 = 18.
		asOf: "2025-03-31",
		want: creditflow.KPIs{OpenTotal: 220000, OverdueTotal: 130000, OverdueShare: 0.5909, UnappliedCredit: 5000,
			OpenItems: 5, Customers: 3, DSO: 64.3, BestPossibleDSO: 31, ADD: 33.3, CEI30: -44.4, CEI90: 62.3,
			WeightedDaysToPay: 45.7, WeightedDaysLate: 18},
	},
	{
		// Open 1600, all overdue (share 1), nothing current.
		// DSO: Apr (30) 150: 30 days, 1450 left; Mar (31) 900: 61 days,
		//   550 left; Feb 1000: 61 + 550/1000 × 28 = 76.4. Best possible 0.
		// CEI30: open on 03-31 2200, sales (03-31, 04-30] 150:
		//   (2200 + 150 - 1600) / (2350 - 0) = 750/2350 = 31.9%.
		// CEI90: open on 01-30 2200 (I1, I2, I5), sales (01-30, 04-30] 2050:
		//   (2200 + 2050 - 1600) / 4250 = 62.4%.
		// Settled in (01-30, 04-30]: I1 1000 (55 / 25), I2 500 (40 / 10), I8
		//   600 on 04-15 (21 days after 03-25, due 04-24: -9), I9 150 on
		//   04-20 (10 days, due 05-10: -20); I6 (01-30) is just outside.
		//   (55000 + 20000 + 12600 + 1500)/2250 = 39.6,
		//   (25000 + 5000 - 5400 - 3000)/2250 = 9.6.
		asOf: "2025-04-30",
		want: creditflow.KPIs{OpenTotal: 160000, OverdueTotal: 160000, OverdueShare: 1, UnappliedCredit: 10000,
			OpenItems: 4, Customers: 2, DSO: 76.4, BestPossibleDSO: 0, ADD: 76.4, CEI30: 31.9, CEI90: 62.4,
			WeightedDaysToPay: 39.6, WeightedDaysLate: 9.6},
	},
}

func TestComputeKPIs(t *testing.T) {
	db := ledgerDB(t)
	ctx := context.Background()
	for _, c := range kpiCases {
		t.Run(c.asOf, func(t *testing.T) {
			want := c.want
			want.AsOf, want.Currency = date(t, c.asOf), "EUR"
			got, err := ComputeKPIs(ctx, db, date(t, c.asOf))
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("ComputeKPIs(%s)\n got %+v\nwant %+v", c.asOf, got, want)
			}
		})
	}
}

func TestCountback(t *testing.T) {
	months := func(spec ...int64) []monthSales {
		// spec: days, sales in euros, days, sales, ...
		var ms []monthSales
		for i := 0; i+1 < len(spec); i += 2 {
			ms = append(ms, monthSales{days: int(spec[i]), sales: creditflow.Money(spec[i+1] * 100)})
		}
		return ms
	}
	two := func(n int) []monthSales {
		ms := make([]monthSales, n)
		for i := range ms {
			ms[i] = monthSales{days: 30, sales: 10000}
		}
		return ms
	}
	tests := []struct {
		name       string
		receivable creditflow.Money
		months     []monthSales
		want       float64
	}{
		{"nothing open", 0, months(15, 1000, 31, 1000), 0},
		{"nothing open, no sales", 0, months(15, 0), 0},
		// 500 of the current month's 1000 over its 15 days.
		{"within the current month", 50000, months(15, 1000, 31, 1000), 7.5},
		{"exactly the current month", 100000, months(15, 1000, 31, 1000), 15},
		// 15 days, then 500 of 1000 over 31 days.
		{"into the previous month", 150000, months(15, 1000, 31, 1000), 30.5},
		// A month without sales is counted whole.
		{"an empty month", 150000, months(10, 1000, 30, 0, 31, 1000), 55.5},
		// A month of net credit notes adds to what remains: 10 days, 1100
		// left; 30 days, 1300 left; 1300/2000 × 31 = 20.15.
		{"a month of credit notes", 200000, months(10, 900, 30, -200, 31, 2000), 60.15},
		// More open than 24 months of sales: the 24 months, no more.
		{"capped", 10000000, two(24), 720},
		{"no months", 100, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := countback(tt.receivable, tt.months); math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("countback(%s) = %v, want %v", tt.receivable, got, tt.want)
			}
		})
	}
}

func TestCEI(t *testing.T) {
	tests := []struct {
		openStart, sales, openEnd, currentEnd creditflow.Money
		want                                  float64
	}{
		{100, 100, 0, 0, 100},     // everything collected
		{100, 100, 200, 0, 0},     // nothing collected
		{100, 100, 170, 0, 15},    // 30 of 200 collected
		{100, 100, 100, 40, 62.5}, // 100 of the 160 due (40 not yet) collected
		{0, 0, 0, 0, 0},           // nothing to collect
		{0, 100, 100, 100, 0},     // all sales not yet due: denominator 0
	}
	for _, tt := range tests {
		if got := cei(tt.openStart, tt.sales, tt.openEnd, tt.currentEnd); got != tt.want {
			t.Errorf("cei(%d, %d, %d, %d) = %v, want %v", tt.openStart, tt.sales, tt.openEnd, tt.currentEnd, got, tt.want)
		}
	}
}

// report is everything the package says about one as-of date.
type report struct {
	Aging  creditflow.Aging
	KPIs   creditflow.KPIs
	Items  []creditflow.OpenItem
	Total  int
	Groups []creditflow.AgingGroup
}

func reportOn(tb testing.TB, q store.Querier, asOf creditflow.Date) report {
	tb.Helper()
	ctx := context.Background()
	var r report
	var err error
	if r.Aging, err = AgingReport(ctx, q, asOf); err != nil {
		tb.Fatal(err)
	}
	if r.KPIs, err = ComputeKPIs(ctx, q, asOf); err != nil {
		tb.Fatal(err)
	}
	if r.Items, r.Total, err = OpenItems(ctx, q, OpenItemsQuery{AsOf: asOf, Limit: MaxLimit}); err != nil {
		tb.Fatal(err)
	}
	if r.Groups, err = AgingByGroup(ctx, q, asOf, GroupCustomer, MaxLimit, 0); err != nil {
		tb.Fatal(err)
	}
	segments, err := AgingByGroup(ctx, q, asOf, GroupSegment, MaxLimit, 0)
	if err != nil {
		tb.Fatal(err)
	}
	r.Groups = append(r.Groups, segments...)
	return r
}

// TestNothingAfterAsOf adds invoices, a credit note, a lump payment and a
// reversal dated after the as-of dates (which also re-allocate the
// customers' history) and checks that no figure on those dates changes.
func TestNothingAfterAsOf(t *testing.T) {
	db := ledgerDB(t)
	var dates []creditflow.Date
	before := map[string]report{}
	for _, c := range agingCases {
		d := date(t, c.asOf)
		dates = append(dates, d)
		before[c.asOf] = reportOn(t, db, d)
	}
	history, err := AgingHistory(context.Background(), db, dates)
	if err != nil {
		t.Fatal(err)
	}
	mustIngest(t, db, storetest.WriteFiles(t, "invoices.csv", laterInvoices, "payments.csv", laterPayments)...)
	for _, c := range agingCases {
		if after := reportOn(t, db, date(t, c.asOf)); !reflect.DeepEqual(after, before[c.asOf]) {
			t.Errorf("on %s, after adding later invoices and payments:\n got %+v\nwant %+v", c.asOf, after, before[c.asOf])
		}
	}
	if after, err := AgingHistory(context.Background(), db, dates); err != nil || !reflect.DeepEqual(after, history) {
		t.Errorf("AgingHistory changed by later invoices and payments (err %v):\n got %+v\nwant %+v", err, after, history)
	}
	// The later ledger itself is seen from its own dates on: I10 999 is open.
	k, err := ComputeKPIs(context.Background(), db, date(t, "2025-05-31"))
	if err != nil {
		t.Fatal(err)
	}
	if k.OpenItems == 0 || k == before["2025-04-30"].KPIs {
		t.Errorf("KPIs on 2025-05-31 = %+v: later invoices not seen", k)
	}
}

// TestCurrency checks the report currency and that, in a ledger with several
// currencies, the other currencies stay out of the figures.
func TestCurrency(t *testing.T) {
	ctx := context.Background()
	asOf := date(t, "2025-03-31")

	t.Run("one other currency", func(t *testing.T) {
		db := storetest.MustOpen(t)
		usd := strings.ReplaceAll(strings.ReplaceAll(ledgerInvoices, ",EUR\n", ",USD\n"), ",\n", ",USD\n")
		mustIngest(t, db, storetest.WriteFiles(t, "customers.csv", ledgerCustomers, "invoices.csv", usd, "payments.csv", ledgerPayments)...)
		a, err := AgingReport(ctx, db, asOf)
		if err != nil {
			t.Fatal(err)
		}
		want := agingCases[2].want(t)
		want.Currency = "USD"
		if !reflect.DeepEqual(a, want) {
			t.Errorf("AgingReport of a USD ledger\n got %+v\nwant %+v", a, want)
		}
		k, err := ComputeKPIs(ctx, db, asOf)
		if err != nil {
			t.Fatal(err)
		}
		wantK := kpiCases[2].want
		wantK.AsOf, wantK.Currency = asOf, "USD"
		if k != wantK {
			t.Errorf("ComputeKPIs of a USD ledger\n got %+v\nwant %+v", k, wantK)
		}
	})

	t.Run("mixed", func(t *testing.T) {
		db := ledgerDB(t)
		base, err := AgingReport(ctx, db, asOf)
		if err != nil {
			t.Fatal(err)
		}
		// C4 invoices in GBP and pays, without naming an invoice, in the
		// currency of its invoices. Converted into EUR by hand, rounding
		// half up to the cent: G1 5000.00 / 0.84 = 5952.38, G2 70.00 /
		// 0.835 = 83.83, Q1 (a Saturday: Friday's rate) 6000.00 / 0.83 =
		// 7228.92. Open less unapplied moves by G1 + G2 - Q1 = -1192.71.
		mustIngest(t, db, storetest.WriteFiles(t,
			"eurofxref-hist.csv", "Date,USD,GBP,\n2025-03-10,1.08,0.835,\n2025-02-28,1.04,0.83,\n2025-01-10,1.03,0.84,\n",
			"invoices.csv", "invoice_id,customer_id,invoice_date,due_date,amount,currency\nG1,C4,2025-01-10,2025-02-09,5000.00,GBP\nG2,C4,2025-03-10,2025-04-09,70.00,GBP\n",
			"payments.csv", "payment_id,customer_id,invoice_id,payment_date,amount\nQ1,C4,,2025-03-01,6000.00\n")...)
		got, err := AgingReport(ctx, db, asOf)
		if err != nil {
			t.Fatal(err)
		}
		if got.Currency != "EUR" {
			t.Errorf("report currency = %q; want EUR (10 EUR invoices, 2 GBP)", got.Currency)
		}
		if d := (got.OpenTotal - got.UnappliedCredit) - (base.OpenTotal - base.UnappliedCredit); d.String() != "-1192.71" {
			t.Errorf("open less unapplied moved by %s, want -1192.71 (got %+v, before %+v)", d, got, base)
		}
	})
}

// TestGeneratedLedger checks the identity open - unapplied = invoices -
// payments on many dates of a random ledger, and every figure against a
// plain Go computation from the ledger and its allocations.
func TestGeneratedLedger(t *testing.T) {
	db := storetest.MustOpen(t)
	files := generateLedger(t, 7, 15, 600)
	mustIngest(t, db, files...)
	ref := loadReference(t, db)
	if len(ref.allocs) < 100 || len(ref.invoices) < 500 {
		t.Fatalf("generated ledger too small: %d invoices, %d allocated", len(ref.invoices), len(ref.allocs))
	}
	var dates []creditflow.Date
	for _, s := range []string{"2023-12-31", "2024-01-15", "2024-03-31", "2024-05-17", "2024-06-30", "2024-09-30",
		"2024-12-31", "2025-02-28", "2025-03-01", "2025-04-15", "2025-06-30", "2025-09-30"} {
		dates = append(dates, date(t, s))
	}
	history, err := AgingHistory(context.Background(), db, dates)
	if err != nil {
		t.Fatal(err)
	}
	for i, asOf := range dates {
		t.Run(asOf.String(), func(t *testing.T) {
			r := reportOn(t, db, asOf)
			// The identity, to the cent.
			invoices, payments := ref.ledgerSums(asOf)
			if l, r := r.Aging.OpenTotal-r.Aging.UnappliedCredit, invoices-payments; l != r {
				t.Errorf("open - unapplied = %s, invoices - payments = %s", l, r)
			}
			if want := ref.aging(asOf); !reflect.DeepEqual(r.Aging, want) {
				t.Errorf("AgingReport\n got %+v\nwant %+v", r.Aging, want)
			}
			if !reflect.DeepEqual(history[i], r.Aging) {
				t.Errorf("AgingHistory\n got %+v\nwant %+v", history[i], r.Aging)
			}
			if want := ref.kpis(asOf); r.KPIs != want {
				t.Errorf("ComputeKPIs\n got %+v\nwant %+v", r.KPIs, want)
			}
			var sum creditflow.Money
			for _, it := range r.Items {
				sum += it.OpenAmount
				if want := ref.open(it.InvoiceID, asOf); it.OpenAmount != want {
					t.Errorf("open item %s: open %s, want %s", it.InvoiceID, it.OpenAmount, want)
				}
				if it.Bucket != creditflow.AgingBucketLabel(it.DaysPastDue) || it.DaysPastDue != asOf.DaysSince(it.DueDate) {
					t.Errorf("open item %s: due %s, %d days past due, bucket %s", it.InvoiceID, it.DueDate, it.DaysPastDue, it.Bucket)
				}
			}
			if sum != r.Aging.OpenTotal || r.Total != len(r.Items) || r.Total != r.KPIs.OpenItems {
				t.Errorf("open items: %d (total %d) summing to %s; aging open total %s, KPIs %d items",
					len(r.Items), r.Total, sum, r.Aging.OpenTotal, r.KPIs.OpenItems)
			}
			var groups creditflow.Money
			for _, g := range r.Groups {
				groups += g.OpenTotal
			}
			if groups != 2*r.Aging.OpenTotal { // customers, then segments
				t.Errorf("groups sum to %s, want twice %s", groups, r.Aging.OpenTotal)
			}
		})
	}
}

// generateLedger writes a random ledger of n invoices for customers
// customers: credit notes, partial, late, lump and missing payments,
// overpayments, prepayments and returned direct debits.
func generateLedger(tb testing.TB, seed uint64, customers, n int) []string {
	tb.Helper()
	rng := rand.New(rand.NewPCG(seed, seed))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	span := int(end.Sub(start).Hours() / 24)
	day := func(d int) string { return start.AddDate(0, 0, d).Format(creditflow.DateLayout) }
	cents := func(c int64) string { return creditflow.Money(c).String() }
	var cust, inv, pay strings.Builder
	cust.WriteString("customer_id,name,segment,payment_terms_days\n")
	for c := 1; c <= customers; c++ {
		segment := []string{"retail", "wholesale", "public", ""}[c%4]
		fmt.Fprintf(&cust, "C%02d,Customer %02d,%s,%d\n", c, c, segment, []int{14, 30, 60}[c%3])
	}
	inv.WriteString("invoice_id,customer_id,invoice_date,due_date,amount\n")
	pay.WriteString("payment_id,customer_id,invoice_id,payment_date,amount\n")
	p := 0
	payment := func(c int, invoiceID string, d int, amount int64) {
		if d > span {
			return
		}
		p++
		fmt.Fprintf(&pay, "P%05d,C%02d,%s,%s,%s\n", p, c, invoiceID, day(d), cents(amount))
	}
	for i := 1; i <= n; i++ {
		c := 1 + rng.IntN(customers)
		d := rng.IntN(span + 1)
		id := fmt.Sprintf("I%05d", i)
		if rng.IntN(20) == 0 {
			// A credit note; the allocation settles the oldest open invoices.
			fmt.Fprintf(&inv, "%s,C%02d,%s,%s,%s\n", id, c, day(d), day(d), cents(-int64(1000+rng.IntN(50000))))
			continue
		}
		amount := int64(5000 + rng.IntN(500000))
		terms := []int{14, 30, 60}[rng.IntN(3)]
		fmt.Fprintf(&inv, "%s,C%02d,%s,%s,%s\n", id, c, day(d), day(d+terms), cents(amount))
		paid := d + terms - 10 + rng.IntN(80)
		ref := id
		if rng.IntN(3) == 0 {
			ref = "" // a lump payment: oldest open invoice first
		}
		switch k := rng.IntN(20); {
		case k < 2: // never paid
		case k < 5: // paid in two parts
			part := amount / 3
			payment(c, ref, paid-20, part)
			payment(c, ref, paid+15, amount-part)
		case k < 6: // overpaid
			payment(c, ref, paid, amount+int64(100*rng.IntN(50)))
		case k < 8: // a direct debit returned, then paid again
			payment(c, ref, paid, amount)
			payment(c, ref, paid+5, -amount)
			switch rng.IntN(3) {
			case 0:
				payment(c, ref, paid+25, amount)
			case 1: // on the day of the return
				payment(c, ref, paid+5, amount)
			}
		case k < 9: // a prepayment, before the invoice
			payment(c, "", d-rng.IntN(20), amount)
		default:
			payment(c, ref, paid, amount)
		}
	}
	return storetest.WriteFiles(tb, "customers.csv", cust.String(), "invoices.csv", inv.String(), "payments.csv", pay.String())
}

// reference is the ledger and its allocations in Go, for a plain
// computation of the figures by their definitions.
type reference struct {
	invoices []refInvoice
	payments []refPayment
	allocs   map[string][]refAlloc // by invoice, in date order
	byID     map[string]refInvoice
}

type refInvoice struct {
	id, customer, cur string
	invoiceDate, due  creditflow.Date
	amount            creditflow.Money
}

type refPayment struct {
	date   creditflow.Date
	amount creditflow.Money
}

type refAlloc struct {
	on     creditflow.Date
	amount creditflow.Money
}

func loadReference(tb testing.TB, db *store.DB) *reference {
	tb.Helper()
	ref := &reference{allocs: map[string][]refAlloc{}, byID: map[string]refInvoice{}}
	query := func(q string, scan func(*sql.Rows) error) {
		rows, err := db.Query(q)
		if err != nil {
			tb.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				tb.Fatal(err)
			}
		}
		if err := rows.Err(); err != nil {
			tb.Fatal(err)
		}
	}
	query(`SELECT invoice_id, customer_id, invoice_date, due_date, amount, currency FROM invoices ORDER BY invoice_id`, func(r *sql.Rows) error {
		var i refInvoice
		err := r.Scan(&i.id, &i.customer, &i.invoiceDate, &i.due, store.Money(&i.amount), &i.cur)
		ref.invoices = append(ref.invoices, i)
		ref.byID[i.id] = i
		return err
	})
	query(`SELECT payment_date, amount FROM payments`, func(r *sql.Rows) error {
		var p refPayment
		err := r.Scan(&p.date, store.Money(&p.amount))
		ref.payments = append(ref.payments, p)
		return err
	})
	query(`SELECT invoice_id, allocated_on, amount FROM payment_allocations ORDER BY invoice_id, allocated_on`, func(r *sql.Rows) error {
		var id string
		var a refAlloc
		err := r.Scan(&id, &a.on, store.Money(&a.amount))
		ref.allocs[id] = append(ref.allocs[id], a)
		return err
	})
	return ref
}

func (r *reference) ledgerSums(asOf creditflow.Date) (invoices, payments creditflow.Money) {
	for _, i := range r.invoices {
		if !i.invoiceDate.After(asOf.Time) {
			invoices += i.amount
		}
	}
	for _, p := range r.payments {
		if !p.date.After(asOf.Time) {
			payments += p.amount
		}
	}
	return invoices, payments
}

// open is the open amount of an invoice on asOf (0 for a credit note or an
// invoice dated later).
func (r *reference) open(id string, asOf creditflow.Date) creditflow.Money {
	i := r.byID[id]
	if i.amount <= 0 || i.invoiceDate.After(asOf.Time) {
		return 0
	}
	open := i.amount
	for _, a := range r.allocs[id] {
		if !a.on.After(asOf.Time) {
			open -= a.amount
		}
	}
	return max(open, 0)
}

func (r *reference) aging(asOf creditflow.Date) creditflow.Aging {
	a := creditflow.Aging{AsOf: asOf, Currency: "EUR"}
	index := map[string]int{}
	for i, l := range creditflow.AgingBucketLabels {
		a.Buckets = append(a.Buckets, creditflow.AgingBucket{Label: l})
		index[l] = i
	}
	for _, i := range r.invoices {
		open := r.open(i.id, asOf)
		if open <= 0 {
			continue
		}
		dpd := asOf.DaysSince(i.due)
		b := &a.Buckets[index[creditflow.AgingBucketLabel(dpd)]]
		b.Amount += open
		b.Count++
		a.OpenTotal += open
		if dpd > 0 {
			a.OverdueTotal += open
		}
	}
	// Unapplied credit: payments and credit notes less allocations.
	for _, p := range r.payments {
		if !p.date.After(asOf.Time) {
			a.UnappliedCredit += p.amount
		}
	}
	for _, i := range r.invoices {
		if i.amount < 0 && !i.invoiceDate.After(asOf.Time) {
			a.UnappliedCredit -= i.amount
		}
	}
	for _, as := range r.allocs {
		for _, x := range as {
			if !x.on.After(asOf.Time) {
				a.UnappliedCredit -= x.amount
			}
		}
	}
	return a
}

func (r *reference) kpis(asOf creditflow.Date) creditflow.KPIs {
	ag := r.aging(asOf)
	k := creditflow.KPIs{AsOf: asOf, Currency: "EUR", OpenTotal: ag.OpenTotal, OverdueTotal: ag.OverdueTotal, UnappliedCredit: ag.UnappliedCredit}
	customers := map[string]bool{}
	for _, i := range r.invoices {
		if r.open(i.id, asOf) > 0 {
			k.OpenItems++
			customers[i.customer] = true
		}
	}
	k.Customers = len(customers)
	if k.OpenTotal > 0 {
		k.OverdueShare = math.Round(float64(k.OverdueTotal)/float64(k.OpenTotal)*1e4) / 1e4
	}
	current := ag.Buckets[0].Amount
	k.DSO = round1(refCountback(r, asOf, k.OpenTotal))
	k.BestPossibleDSO = round1(refCountback(r, asOf, current))
	k.ADD = round1(k.DSO - k.BestPossibleDSO)
	ceiN := func(n int) float64 {
		from := asOf.AddDays(-n)
		var sales creditflow.Money
		for _, i := range r.invoices {
			if i.invoiceDate.After(from.Time) && !i.invoiceDate.After(asOf.Time) {
				sales += i.amount
			}
		}
		den := r.aging(from).OpenTotal + sales - current
		if den <= 0 {
			return 0
		}
		return round1(float64(r.aging(from).OpenTotal+sales-k.OpenTotal) / float64(den) * 100)
	}
	k.CEI30, k.CEI90 = ceiN(30), ceiN(90)
	// Days to pay: walk each invoice's allocations day by day.
	var amount, payDays, lateDays int64
	for _, i := range r.invoices {
		if i.amount <= 0 {
			continue
		}
		var cum creditflow.Money
		var settled creditflow.Date
		as := r.allocs[i.id]
		for j, a := range as {
			if a.on.After(asOf.Time) {
				break
			}
			cum += a.amount
			if j+1 < len(as) && as[j+1].on.Equal(a.on.Time) {
				continue // the day is not over
			}
			switch {
			case cum >= i.amount && settled.IsZero():
				settled = a.on
			case cum < i.amount:
				settled = creditflow.Date{}
			}
		}
		if settled.IsZero() || !settled.After(asOf.AddDays(-90).Time) {
			continue
		}
		amount += int64(i.amount)
		payDays += int64(i.amount) * int64(settled.DaysSince(i.invoiceDate))
		lateDays += int64(i.amount) * int64(settled.DaysSince(i.due))
	}
	if amount > 0 {
		k.WeightedDaysToPay = round1(float64(payDays) / float64(amount))
		k.WeightedDaysLate = round1(float64(lateDays) / float64(amount))
	}
	return k
}

// refCountback is the countback by its closed form: with S_m the sales of
// the months 0..m, it stops in the first month m with receivable <= S_m, at
// the days of the months before it plus (receivable - S_{m-1}) / sales_m of
// its days.
func refCountback(r *reference, asOf creditflow.Date, receivable creditflow.Money) float64 {
	if receivable <= 0 {
		return 0
	}
	first := time.Date(asOf.Year(), asOf.Month(), 1, 0, 0, 0, 0, time.UTC)
	var cumSales creditflow.Money
	days := 0
	for m := 0; m < countbackMonths; m++ {
		from := first.AddDate(0, -m, 0)
		to := from.AddDate(0, 1, -1)
		n := to.Day()
		if m == 0 {
			to, n = asOf.Time, asOf.Day()
		}
		var sales creditflow.Money
		for _, i := range r.invoices {
			if !i.invoiceDate.Before(from) && !i.invoiceDate.After(to) {
				sales += i.amount
			}
		}
		if receivable <= cumSales+sales {
			return float64(days) + float64(receivable-cumSales)/float64(sales)*float64(n)
		}
		cumSales += sales
		days += n
	}
	return float64(days)
}
