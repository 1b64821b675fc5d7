package risk

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/creditflow/creditflow/demo/ledgertest"
	"github.com/creditflow/creditflow/store/storetest"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/store"
)

// The hand-checked ledger of these tests. Three customers, ten invoices (one
// a credit note), seven payments, one of them a reversal:
//
//	C1 Alpha Trading (retail), C2 Beta Bouw (construction), C3 a bare
//	customer created from its invoices (no name, no segment).
//
// The ingest allocates them (see ingest/allocate.go) as follows:
//
//	a1  I1  P1   400.00  2025-02-01  partial payment naming I1
//	a2  I1  CN1  200.00  2025-02-15  credit note, oldest open invoice first
//	a3  I1  P2   400.00  2025-03-01  lump payment of 1500 without invoice_id:
//	a4  I2  P2   500.00  2025-03-01    oldest open invoices first,
//	a5  I3  P2   600.00  2025-03-01    I3 keeps 200 open
//	a6  I6  P3   250.00  2025-01-30  overpayment of I6 by 50, stays unapplied
//	a7  I7  P4   400.00  2025-02-25  direct debit settles I7 ...
//	a8  I7  P5  -400.00  2025-03-05    ... and is returned: I7 open again
//	a9  I8  P6   600.00  2025-04-15  lump payment of C3
//	a10 I9  P7   150.00  2025-04-20  overpayment of I9 by 50, stays unapplied
//
// I5 (700.00, due 2024-12-15) is never paid and ages into 90+.
const (
	ledgerCustomers = `
customer_id,name,country,segment,kind,payment_terms_days
C1,Alpha Trading B.V.,NL,retail,b2b,30
C2,Beta Bouw,NL,construction,b2b,14
`
	ledgerInvoices = `
invoice_id,customer_id,invoice_date,due_date,amount,currency
I1,C1,2025-01-05,2025-02-04,1000.00,EUR
I2,C1,2025-01-20,2025-02-19,500.00,EUR
I3,C1,2025-02-10,2025-03-12,800.00,EUR
CN1,C1,2025-02-15,2025-02-15,-200.00,EUR
I4,C1,2025-03-20,2025-04-19,300.00,EUR
I5,C2,2024-12-01,2024-12-15,700.00,EUR
I6,C2,2025-01-10,2025-01-24,250.00,EUR
I7,C2,2025-02-20,2025-03-06,400.00,EUR
I8,C3,2025-03-25,2025-04-24,600.00,EUR
I9,C3,2025-04-10,2025-05-10,150.00,
`
	ledgerPayments = `
payment_id,customer_id,invoice_id,payment_date,amount,method
P1,C1,I1,2025-02-01,400.00,transfer
P2,C1,,2025-03-01,1500.00,transfer
P3,C2,I6,2025-01-30,300.00,transfer
P4,C2,I7,2025-02-25,400.00,direct_debit
P5,C2,I7,2025-03-05,-400.00,direct_debit
P6,C3,,2025-04-15,600.00,transfer
P7,C3,I9,2025-04-20,200.00,transfer
`
)

// Invoices and payments dated after the last as-of date of the tests: adding
// them must change nothing on or before 2025-04-30.
const (
	laterInvoices = `
invoice_id,customer_id,invoice_date,due_date,amount,currency
I10,C1,2025-05-05,2025-06-04,999.00,EUR
CN2,C2,2025-05-06,2025-05-06,-100.00,EUR
`
	laterPayments = `
payment_id,customer_id,invoice_id,payment_date,amount,method
P8,C2,,2025-05-10,1200.00,transfer
P9,C1,I3,2025-05-02,-50.00,transfer
`
)

// mustIngest loads the files at the clock of the tests' engines.
func mustIngest(tb testing.TB, db *store.DB, paths ...string) {
	tb.Helper()
	ledgertest.Ingest(tb, db, fixedNow(), paths...)
}

// ledgerDB returns a database with the hand-checked ledger.
func ledgerDB(tb testing.TB) *store.DB {
	tb.Helper()
	db := storetest.MustOpen(tb)
	mustIngest(tb, db, storetest.WriteFiles(tb,
		"customers.csv", ledgerCustomers, "invoices.csv", ledgerInvoices, "payments.csv", ledgerPayments)...)
	return db
}

// date and money parse a YYYY-MM-DD date and an amount.
var (
	date  = ledgertest.Date
	money = ledgertest.Money
)

// buckets builds the five buckets from "amount/count" per bucket, in order.
func buckets(tb testing.TB, spec ...string) []creditflow.AgingBucket {
	tb.Helper()
	if len(spec) != len(creditflow.AgingBucketLabels) {
		tb.Fatalf("buckets: %d specs, want %d", len(spec), len(creditflow.AgingBucketLabels))
	}
	out := make([]creditflow.AgingBucket, len(spec))
	for i, s := range spec {
		amount, count, _ := strings.Cut(s, "/")
		n, err := strconv.Atoi(count)
		if err != nil {
			tb.Fatal(err)
		}
		out[i] = creditflow.AgingBucket{Label: creditflow.AgingBucketLabels[i], Amount: money(tb, amount), Count: n}
	}
	return out
}

// TestLedgerAllocations checks that the ingest allocates the hand-checked
// ledger as the comment above says. Every expected figure of these tests
// rests on it: if the allocation rules change, this test says so first.
func TestLedgerAllocations(t *testing.T) {
	db := ledgerDB(t)
	rows, err := db.Query(`SELECT invoice_id, source_id, CAST(amount AS VARCHAR), CAST(allocated_on AS VARCHAR)
		FROM payment_allocations ORDER BY invoice_id, allocated_on, source_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var inv, src, amount, on string
		if err := rows.Scan(&inv, &src, &amount, &on); err != nil {
			t.Fatal(err)
		}
		got = append(got, strings.Join([]string{inv, src, amount, on}, " "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"I1 P1 400.00 2025-02-01",  // a1
		"I1 CN1 200.00 2025-02-15", // a2
		"I1 P2 400.00 2025-03-01",  // a3
		"I2 P2 500.00 2025-03-01",  // a4
		"I3 P2 600.00 2025-03-01",  // a5
		"I6 P3 250.00 2025-01-30",  // a6
		"I7 P4 400.00 2025-02-25",  // a7
		"I7 P5 -400.00 2025-03-05", // a8
		"I8 P6 600.00 2025-04-15",  // a9
		"I9 P7 150.00 2025-04-20",  // a10
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("allocations of the test ledger\n got %q\nwant %q", got, want)
	}
}

// agingCase is the expected aging of the ledger on one date, with the
// arithmetic in comments. dpd = days past due = as-of - due date.
type agingCase struct {
	asOf                 string
	open, overdue, unapp string
	buckets              []string // "amount/count" for current, 1-30, 31-60, 61-90, 90+
	// in reports, and in ledger sums for the identity
	invoices, payments string
}

var agingCases = []agingCase{
	{
		// Invoices to date: I1 1000 + I2 500 + I5 700 + I6 250 = 2450.
		// Payments: P3 300. Allocations: a6 250.
		// Open: I1 1000 (due 02-04, dpd -4, current), I2 500 (dpd -19,
		// current), I5 700 (due 2024-12-15, dpd 16+31 = 47, 31-60); I6 paid.
		// Open 2200, overdue 700; unapplied 300 - 250 = 50 (P3 overpaid I6).
		asOf: "2025-01-31", open: "2200.00", overdue: "700.00", unapp: "50.00",
		buckets:  []string{"1500.00/2", "0/0", "700.00/1", "0/0", "0/0"},
		invoices: "2450.00", payments: "300.00",
	},
	{
		// Invoices: 2450 + I3 800 + CN1 -200 + I7 400 = 3450.
		// Payments: P1 400 + P3 300 + P4 400 = 1100.
		// Allocations: a1 400 + a2 200 + a6 250 + a7 400 = 1250.
		// Open: I1 1000-400-200 = 400 (dpd 24, 1-30), I2 500 (dpd 9, 1-30),
		// I3 800 (due 03-12, current), I5 700 (dpd 16+31+28 = 75, 61-90);
		// I7 400-400 = 0. Open 2400, overdue 1600;
		// unapplied 1100 + 200 (CN1) - 1250 = 50.
		asOf: "2025-02-28", open: "2400.00", overdue: "1600.00", unapp: "50.00",
		buckets:  []string{"800.00/1", "900.00/2", "0/0", "700.00/1", "0/0"},
		invoices: "3450.00", payments: "1100.00",
	},
	{
		// Invoices: 3450 + I4 300 + I8 600 = 4350.
		// Payments: 1100 + P2 1500 + P5 -400 = 2200.
		// Allocations: 1250 + a3 400 + a4 500 + a5 600 + a8 -400 = 2350.
		// Open: I3 800-600 = 200 (dpd 19, 1-30), I4 300 (current), I5 700
		// (dpd 16+31+28+31 = 106, 90+), I7 400 reopened by the reversal (dpd
		// 25, 1-30), I8 600 (current). Open 2200, overdue 1300;
		// unapplied 2200 + 200 - 2350 = 50.
		asOf: "2025-03-31", open: "2200.00", overdue: "1300.00", unapp: "50.00",
		buckets:  []string{"900.00/2", "600.00/2", "0/0", "0/0", "700.00/1"},
		invoices: "4350.00", payments: "2200.00",
	},
	{
		// Invoices: 4350 + I9 150 = 4500. Payments: 2200 + P6 600 + P7 200
		// = 3000. Allocations: 2350 + a9 600 + a10 150 = 3100.
		// Open: I3 200 (dpd 49, 31-60), I4 300 (dpd 11, 1-30), I5 700 (90+),
		// I7 400 (dpd 55, 31-60); I8 and I9 paid. Open 1600, all overdue;
		// unapplied 3000 + 200 - 3100 = 100 (the overpayments of I6 and I9).
		asOf: "2025-04-30", open: "1600.00", overdue: "1600.00", unapp: "100.00",
		buckets:  []string{"0/0", "300.00/1", "600.00/2", "0/0", "700.00/1"},
		invoices: "4500.00", payments: "3000.00",
	},
}

func (c agingCase) want(tb testing.TB) creditflow.Aging {
	return creditflow.Aging{
		AsOf:            date(tb, c.asOf),
		Currency:        "EUR",
		OpenTotal:       money(tb, c.open),
		OverdueTotal:    money(tb, c.overdue),
		UnappliedCredit: money(tb, c.unapp),
		Buckets:         buckets(tb, c.buckets...),
	}
}

func TestAgingReport(t *testing.T) {
	db := ledgerDB(t)
	ctx := context.Background()
	for _, c := range agingCases {
		t.Run(c.asOf, func(t *testing.T) {
			got, err := AgingReport(ctx, db, date(t, c.asOf))
			if err != nil {
				t.Fatal(err)
			}
			if want := c.want(t); !reflect.DeepEqual(got, want) {
				t.Errorf("AgingReport(%s)\n got %+v\nwant %+v", c.asOf, got, want)
			}
			// open - unapplied = invoices - payments, to the cent.
			if l, r := got.OpenTotal-got.UnappliedCredit, money(t, c.invoices)-money(t, c.payments); l != r {
				t.Errorf("open - unapplied = %s, invoices - payments = %s", l, r)
			}
		})
	}
}

func TestAgingHistory(t *testing.T) {
	db := ledgerDB(t)
	ctx := context.Background()
	// Out of order, with a repeat, and a date before the ledger begins.
	dates := []string{"2025-03-31", "2025-01-31", "2025-04-30", "2025-02-28", "2025-03-31", "2024-06-30"}
	byDate := map[string]creditflow.Aging{
		"2024-06-30": {AsOf: date(t, "2024-06-30"), Currency: "EUR", Buckets: buckets(t, "0/0", "0/0", "0/0", "0/0", "0/0")},
	}
	for _, c := range agingCases {
		byDate[c.asOf] = c.want(t)
	}
	var in []creditflow.Date
	for _, d := range dates {
		in = append(in, date(t, d))
	}
	got, err := AgingHistory(ctx, db, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(dates) {
		t.Fatalf("AgingHistory: %d results for %d dates", len(got), len(dates))
	}
	for i, d := range dates {
		if !reflect.DeepEqual(got[i], byDate[d]) {
			t.Errorf("AgingHistory[%d] (%s)\n got %+v\nwant %+v", i, d, got[i], byDate[d])
		}
	}
	if got, err := AgingHistory(ctx, db, nil); err != nil || len(got) != 0 {
		t.Errorf("AgingHistory(nil) = %v, %v; want no rows", got, err)
	}
}

// openItem is an expected open item on 2025-03-31.
func openItem(tb testing.TB, inv, cust, name, segment, invDate, due, amount, open string, dpd int) creditflow.OpenItem {
	return creditflow.OpenItem{
		InvoiceID: inv, CustomerID: cust, CustomerName: name, Segment: segment,
		InvoiceDate: date(tb, invDate), DueDate: date(tb, due),
		Amount: money(tb, amount), OpenAmount: money(tb, open),
		DaysPastDue: dpd, Bucket: creditflow.AgingBucketLabel(dpd),
		OriginalAmount: money(tb, amount), OriginalCurrency: "EUR",
	}
}

func TestOpenItems(t *testing.T) {
	db := ledgerDB(t)
	ctx := context.Background()
	asOf := date(t, "2025-03-31")
	// The open items on 2025-03-31 (see agingCases for the arithmetic).
	items := map[string]creditflow.OpenItem{
		"I3": openItem(t, "I3", "C1", "Alpha Trading B.V.", "retail", "2025-02-10", "2025-03-12", "800.00", "200.00", 19),
		"I4": openItem(t, "I4", "C1", "Alpha Trading B.V.", "retail", "2025-03-20", "2025-04-19", "300.00", "300.00", -19),
		"I5": openItem(t, "I5", "C2", "Beta Bouw", "construction", "2024-12-01", "2024-12-15", "700.00", "700.00", 106),
		"I7": openItem(t, "I7", "C2", "Beta Bouw", "construction", "2025-02-20", "2025-03-06", "400.00", "400.00", 25),
		// C3 is a bare customer: named by its id, without a segment.
		"I8": openItem(t, "I8", "C3", "C3", "", "2025-03-25", "2025-04-24", "600.00", "600.00", -24),
	}
	tests := []struct {
		name  string
		q     OpenItemsQuery
		want  []string
		total int
	}{
		{"default sort", OpenItemsQuery{}, []string{"I5", "I7", "I3", "I4", "I8"}, 5},
		{"days past due", OpenItemsQuery{Sort: "days_past_due"}, []string{"I5", "I7", "I3", "I4", "I8"}, 5},
		{"open amount", OpenItemsQuery{Sort: "open_amount"}, []string{"I5", "I8", "I7", "I4", "I3"}, 5},
		{"due date", OpenItemsQuery{Sort: "due_date"}, []string{"I5", "I7", "I3", "I4", "I8"}, 5},
		// alpha trading b.v. < beta bouw < c3; within a customer by due date.
		{"customer", OpenItemsQuery{Sort: "customer"}, []string{"I3", "I4", "I5", "I7", "I8"}, 5},
		{"one customer", OpenItemsQuery{CustomerID: "C2"}, []string{"I5", "I7"}, 2},
		{"unknown customer", OpenItemsQuery{CustomerID: "C9"}, []string{}, 0},
		{"first page", OpenItemsQuery{Limit: 2}, []string{"I5", "I7"}, 5},
		{"second page", OpenItemsQuery{Limit: 2, Offset: 2}, []string{"I3", "I4"}, 5},
		{"last page", OpenItemsQuery{Limit: 2, Offset: 4}, []string{"I8"}, 5},
		{"past the end", OpenItemsQuery{Limit: 2, Offset: 6}, []string{}, 5},
		{"largest limit", OpenItemsQuery{Limit: MaxLimit, Offset: 1}, []string{"I7", "I3", "I4", "I8"}, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.q.AsOf = asOf
			got, total, err := OpenItems(ctx, db, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if total != tt.total {
				t.Errorf("total = %d, want %d", total, tt.total)
			}
			want := []creditflow.OpenItem{}
			for _, id := range tt.want {
				want = append(want, items[id])
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("OpenItems(%+v)\n got %+v\nwant %+v", tt.q, got, want)
			}
		})
	}
}

func TestAgingByGroup(t *testing.T) {
	db := ledgerDB(t)
	ctx := context.Background()
	asOf := date(t, "2025-03-31")
	// On 2025-03-31: C1 has I3 200 (1-30) and I4 300 (current); C2 has I5
	// 700 (90+) and I7 400 (1-30); C3 has I8 600 (current).
	c1 := creditflow.AgingGroup{Key: "C1", Name: "Alpha Trading B.V.", OpenTotal: money(t, "500.00"), OverdueTotal: money(t, "200.00"),
		Buckets: buckets(t, "300.00/1", "200.00/1", "0/0", "0/0", "0/0")}
	c2 := creditflow.AgingGroup{Key: "C2", Name: "Beta Bouw", OpenTotal: money(t, "1100.00"), OverdueTotal: money(t, "1100.00"),
		Buckets: buckets(t, "0/0", "400.00/1", "0/0", "0/0", "700.00/1")}
	c3 := creditflow.AgingGroup{Key: "C3", Name: "C3", OpenTotal: money(t, "600.00"), OverdueTotal: 0,
		Buckets: buckets(t, "600.00/1", "0/0", "0/0", "0/0", "0/0")}
	segment := func(g creditflow.AgingGroup, key string) creditflow.AgingGroup {
		g.Key, g.Name = key, ""
		return g
	}
	tests := []struct {
		group         string
		limit, offset int
		want          []creditflow.AgingGroup
	}{
		{"customer", 0, 0, []creditflow.AgingGroup{c2, c3, c1}},
		{"customer", 2, 0, []creditflow.AgingGroup{c2, c3}},
		{"customer", 2, 2, []creditflow.AgingGroup{c1}},
		{"customer", 2, 4, []creditflow.AgingGroup{}},
		{"segment", 0, 0, []creditflow.AgingGroup{segment(c2, "construction"), segment(c3, ""), segment(c1, "retail")}},
		{"segment", 1, 1, []creditflow.AgingGroup{segment(c3, "")}},
	}
	for _, tt := range tests {
		got, err := AgingByGroup(ctx, db, asOf, tt.group, tt.limit, tt.offset)
		if err != nil {
			t.Fatalf("AgingByGroup(%s, %d, %d): %v", tt.group, tt.limit, tt.offset, err)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("AgingByGroup(%s, %d, %d)\n got %+v\nwant %+v", tt.group, tt.limit, tt.offset, got, tt.want)
		}
	}
}

func TestInvalidInput(t *testing.T) {
	db := storetest.MustOpen(t)
	ctx := context.Background()
	asOf := date(t, "2025-03-31")
	tests := []struct {
		name string
		call func() error
	}{
		{"unknown sort", func() error {
			_, _, err := OpenItems(ctx, db, OpenItemsQuery{AsOf: asOf, Sort: "amount"})
			return err
		}},
		{"negative limit", func() error {
			_, _, err := OpenItems(ctx, db, OpenItemsQuery{AsOf: asOf, Limit: -1})
			return err
		}},
		{"limit too large", func() error {
			_, _, err := OpenItems(ctx, db, OpenItemsQuery{AsOf: asOf, Limit: MaxLimit + 1})
			return err
		}},
		{"negative offset", func() error {
			_, _, err := OpenItems(ctx, db, OpenItemsQuery{AsOf: asOf, Offset: -5})
			return err
		}},
		{"no as-of date", func() error {
			_, _, err := OpenItems(ctx, db, OpenItemsQuery{})
			return err
		}},
		{"unknown group", func() error {
			_, err := AgingByGroup(ctx, db, asOf, "country", 0, 0)
			return err
		}},
		{"empty group", func() error {
			_, err := AgingByGroup(ctx, db, asOf, "", 0, 0)
			return err
		}},
		{"group limit too large", func() error {
			_, err := AgingByGroup(ctx, db, asOf, "customer", MaxLimit+1, 0)
			return err
		}},
		{"aging without date", func() error {
			_, err := AgingReport(ctx, db, creditflow.Date{})
			return err
		}},
		{"history with a zero date", func() error {
			_, err := AgingHistory(ctx, db, []creditflow.Date{asOf, {}})
			return err
		}},
		{"history too long", func() error {
			_, err := AgingHistory(ctx, db, make([]creditflow.Date, MaxHistoryDates+1))
			return err
		}},
		{"kpis without date", func() error {
			_, err := ComputeKPIs(ctx, db, creditflow.Date{})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); !errors.Is(err, creditflow.ErrInvalid) {
				t.Errorf("err = %v, want ErrInvalid", err)
			}
		})
	}
	for _, s := range []string{"", "days_past_due", "open_amount", "due_date", "customer"} {
		if err := ValidateSort(s); err != nil {
			t.Errorf("ValidateSort(%q) = %v", s, err)
		}
	}
}

// TestEmptyLedger checks that an empty database gives zeros, all five
// buckets and EUR, not errors.
func TestEmptyLedger(t *testing.T) {
	db := storetest.MustOpen(t)
	ctx := context.Background()
	asOf := date(t, "2025-03-31")
	a, err := AgingReport(ctx, db, asOf)
	if err != nil {
		t.Fatal(err)
	}
	want := creditflow.Aging{AsOf: asOf, Currency: "EUR", Buckets: buckets(t, "0/0", "0/0", "0/0", "0/0", "0/0")}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("AgingReport on an empty ledger = %+v", a)
	}
	items, total, err := OpenItems(ctx, db, OpenItemsQuery{AsOf: asOf})
	if err != nil || total != 0 || items == nil || len(items) != 0 {
		t.Errorf("OpenItems on an empty ledger = %v, %d, %v; want [], 0", items, total, err)
	}
	groups, err := AgingByGroup(ctx, db, asOf, "segment", 0, 0)
	if err != nil || groups == nil || len(groups) != 0 {
		t.Errorf("AgingByGroup on an empty ledger = %v, %v; want []", groups, err)
	}
	k, err := ComputeKPIs(ctx, db, asOf)
	if err != nil {
		t.Fatal(err)
	}
	if want := (creditflow.KPIs{AsOf: asOf, Currency: "EUR"}); k != want {
		t.Errorf("ComputeKPIs on an empty ledger = %+v", k)
	}
	s, err := ComputeStats(ctx, db)
	if err != nil || s != (creditflow.Stats{}) {
		t.Errorf("ComputeStats on an empty ledger = %+v, %v", s, err)
	}
}

func TestStats(t *testing.T) {
	db := ledgerDB(t)
	s, err := ComputeStats(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	// C3 is created bare from its invoices; a1..a10 are the allocations.
	if want := (creditflow.Stats{Customers: 3, Invoices: 10, Payments: 7, Allocations: 10}); s != want {
		t.Errorf("ComputeStats = %+v, want %+v", s, want)
	}
}
