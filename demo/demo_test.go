package demo

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
)

var testEnd = time.Date(2025, 6, 15, 0, 0, 0, 0, time.UTC)

// table is a parsed CSV file.
type table struct {
	header []string
	rows   [][]string
	col    map[string]int
}

func (t *table) get(row []string, name string) string { return row[t.col[name]] }

func readTable(tb testing.TB, path string) *table {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	if bytes.Contains(data, []byte("\r")) {
		tb.Errorf("%s: contains \\r", path)
	}
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	t := &table{header: recs[0], rows: recs[1:], col: make(map[string]int)}
	for i, h := range t.header {
		t.col[h] = i
	}
	return t
}

// ledgerFiles is a generated ledger read back from disk.
type ledgerFiles struct {
	customers, invoices, payments, truth *table
}

func generate(tb testing.TB, cfg Config) (ledgerFiles, Summary) {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "ledger")
	sum, err := Generate(context.Background(), dir, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return ledgerFiles{
		customers: readTable(tb, filepath.Join(dir, CustomersFile)),
		invoices:  readTable(tb, filepath.Join(dir, InvoicesFile)),
		payments:  readTable(tb, filepath.Join(dir, PaymentsFile)),
		truth:     readTable(tb, filepath.Join(dir, TruthFile)),
	}, sum
}

func parseDate(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		tb.Fatalf("date %q: %v", s, err)
	}
	return t
}

var amountRE = regexp.MustCompile(`^-?[0-9]+\.[0-9]{2}$`)

// parseCents parses an amount written with exactly two decimals.
func parseCents(tb testing.TB, s string) int64 {
	tb.Helper()
	if !amountRE.MatchString(s) {
		tb.Fatalf("amount %q: want two decimals and a dot", s)
	}
	c, err := strconv.ParseInt(strings.Replace(s, ".", "", 1), 10, 64)
	if err != nil {
		tb.Fatalf("amount %q: %v", s, err)
	}
	return c
}

func days(a, b time.Time) float64 { return b.Sub(a).Hours() / 24 }

func TestGenerateSameSeedSameBytes(t *testing.T) {
	base := Config{Customers: 60, Invoices: 3000, Seed: 7, End: testEnd, Years: 2}
	other := base
	other.Seed = 8
	tests := []struct {
		name string
		a, b Config
		same bool
	}{
		{"same seed", base, base, true},
		{"end not at midnight", base, Config{Customers: 60, Invoices: 3000, Seed: 7, End: testEnd.Add(15 * time.Hour), Years: 2}, true},
		{"different seed", base, other, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			da, db := t.TempDir(), t.TempDir()
			if _, err := Generate(context.Background(), da, tt.a); err != nil {
				t.Fatal(err)
			}
			if _, err := Generate(context.Background(), db, tt.b); err != nil {
				t.Fatal(err)
			}
			allSame := true
			for _, f := range []string{CustomersFile, InvoicesFile, PaymentsFile, TruthFile} {
				x, err := os.ReadFile(filepath.Join(da, f))
				if err != nil {
					t.Fatal(err)
				}
				y, err := os.ReadFile(filepath.Join(db, f))
				if err != nil {
					t.Fatal(err)
				}
				same := bytes.Equal(x, y)
				if tt.same && !same {
					t.Errorf("%s differs", f)
				}
				allSame = allSame && same
			}
			if !tt.same && allSame {
				t.Error("files are identical")
			}
		})
	}
}

// configCase is a named configuration of the generator.
type configCase struct {
	name string
	cfg  Config
}

func TestGenerateLedgerIsConsistent(t *testing.T) {
	tests := []configCase{
		{"small", Config{Customers: 80, Invoices: 4000, Seed: 1, End: testEnd, Years: 3}},
		{"one year", Config{Customers: 50, Invoices: 2500, Seed: 2, End: testEnd, Years: 1}},
		{"long history", Config{Customers: 40, Invoices: 3000, Seed: 3, End: time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), Years: 6}},
		{"fewer invoices than customers", Config{Customers: 300, Invoices: 200, Seed: 4, End: testEnd}},
		{"defaults", DefaultConfig(testEnd)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := tt.cfg.normalize()
			if err != nil {
				t.Fatal(err)
			}
			lf, sum := generate(t, tt.cfg)
			checkLedger(t, cfg, lf, sum)
		})
	}
}

// checkLedger checks the invariants every generated ledger must hold.
func checkLedger(t *testing.T, cfg Config, lf ledgerFiles, sum Summary) {
	t.Helper()
	first := cfg.End.AddDate(-cfg.Years, 0, 0)
	wantHeaders := map[*table]string{
		lf.customers: "customer_id,name,country,segment,kind,payment_terms_days,credit_limit,registration_id,email,phone,account_manager",
		lf.invoices:  "invoice_id,customer_id,invoice_date,due_date,amount,currency,disputed,description,po_number",
		lf.payments:  "payment_id,customer_id,invoice_id,payment_date,amount,method,reference",
		lf.truth:     "customer_id,behaviour,base_delay_days,change_date,shift_days,default_date",
	}
	for tab, want := range wantHeaders {
		if got := strings.Join(tab.header, ","); got != want {
			t.Errorf("header %q, want %q", got, want)
		}
	}

	// Counts.
	if n := len(lf.invoices.rows); math.Abs(float64(n-cfg.Invoices)) > 0.02*float64(cfg.Invoices) {
		t.Errorf("%d invoices, want %d ±2%%", n, cfg.Invoices)
	}
	if sum.Customers != len(lf.customers.rows) || sum.Invoices != len(lf.invoices.rows) || sum.Payments != len(lf.payments.rows) || len(sum.Files) != 4 {
		t.Errorf("summary %+v does not match the files", sum)
	}
	if len(lf.customers.rows) != cfg.Customers {
		t.Errorf("%d customers, want %d", len(lf.customers.rows), cfg.Customers)
	}

	// Customers.
	type cust struct {
		terms int
		kind  string
	}
	custs := make(map[string]cust)
	for _, r := range lf.customers.rows {
		id := lf.customers.get(r, "customer_id")
		if _, dup := custs[id]; dup {
			t.Fatalf("customer %s twice", id)
		}
		terms, err := strconv.Atoi(lf.customers.get(r, "payment_terms_days"))
		if err != nil {
			t.Fatal(err)
		}
		kind := lf.customers.get(r, "kind")
		custs[id] = cust{terms, kind}
		if cl := lf.customers.get(r, "credit_limit"); cl != "" {
			parseCents(t, cl)
		}
		reg := lf.customers.get(r, "registration_id")
		switch kind {
		case "b2b":
			if len(reg) != 8 || strings.Trim(reg, "0123456789") != "" {
				t.Errorf("%s: registration_id %q, want 8 digits", id, reg)
			}
		case "b2c":
			if reg != "" || terms != 14 || lf.customers.get(r, "segment") != "consumer" {
				t.Errorf("consumer %s: %v", id, r)
			}
		default:
			t.Errorf("%s: kind %q", id, kind)
		}
	}

	// Invoices.
	type inv struct {
		cust          string
		date, due     time.Time
		cents         int64
		disputed      bool
		creditNote    bool
		paid          int64 // sum of payments referencing it
		lastPositive  time.Time
		positiveCount int
	}
	invs := make(map[string]*inv)
	var prevDate time.Time
	var prevID string
	for _, r := range lf.invoices.rows {
		id := lf.invoices.get(r, "invoice_id")
		if _, dup := invs[id]; dup {
			t.Fatalf("invoice %s twice", id)
		}
		c, ok := custs[lf.invoices.get(r, "customer_id")]
		if !ok {
			t.Fatalf("invoice %s: unknown customer %s", id, lf.invoices.get(r, "customer_id"))
		}
		v := &inv{cust: lf.invoices.get(r, "customer_id"), date: parseDate(t, lf.invoices.get(r, "invoice_date"))}
		if v.date.After(cfg.End) || v.date.Before(first) {
			t.Errorf("invoice %s dated %s, outside [%s, %s]", id, v.date, first, cfg.End)
		}
		if v.date.Before(prevDate) || v.date.Equal(prevDate) && id <= prevID {
			t.Errorf("invoice %s out of order after %s", id, prevID)
		}
		prevDate, prevID = v.date, id
		v.due = v.date.AddDate(0, 0, c.terms)
		if d := lf.invoices.get(r, "due_date"); d != "" && !parseDate(t, d).Equal(v.due) {
			t.Errorf("invoice %s: due_date %s, want invoice_date + %d", id, d, c.terms)
		}
		v.cents = parseCents(t, lf.invoices.get(r, "amount"))
		v.creditNote = v.cents < 0
		switch lf.invoices.get(r, "disputed") {
		case "true":
			v.disputed = true
		case "false":
		default:
			t.Errorf("invoice %s: disputed %q", id, lf.invoices.get(r, "disputed"))
		}
		if lf.invoices.get(r, "currency") != "EUR" {
			t.Errorf("invoice %s: currency %q", id, lf.invoices.get(r, "currency"))
		}
		if v.creditNote {
			desc := lf.invoices.get(r, "description")
			ref, ok := strings.CutPrefix(desc, "Creditnota bij ")
			orig := invs[ref]
			switch {
			case !ok || orig == nil:
				t.Errorf("credit note %s: description %q names no earlier invoice", id, desc)
			case orig.cust != v.cust || -v.cents > orig.cents:
				t.Errorf("credit note %s (%d cents) does not fit invoice %s", id, v.cents, ref)
			}
		}
		invs[id] = v
	}

	// Payments.
	prevDate, prevID = time.Time{}, ""
	for _, r := range lf.payments.rows {
		id := lf.payments.get(r, "payment_id")
		date := parseDate(t, lf.payments.get(r, "payment_date"))
		if date.After(cfg.End) || date.Before(first) {
			t.Errorf("payment %s dated %s, outside [%s, %s]", id, date, first, cfg.End)
		}
		if date.Before(prevDate) || date.Equal(prevDate) && id <= prevID {
			t.Errorf("payment %s out of order after %s", id, prevID)
		}
		prevDate, prevID = date, id
		cents := parseCents(t, lf.payments.get(r, "amount"))
		cid := lf.payments.get(r, "customer_id")
		if _, ok := custs[cid]; !ok {
			t.Errorf("payment %s: unknown customer %s", id, cid)
		}
		m := lf.payments.get(r, "method")
		if m != "transfer" && m != "direct_debit" && m != "card" {
			t.Errorf("payment %s: method %q", id, m)
		}
		if cents < 0 && m != "direct_debit" {
			t.Errorf("payment %s: negative %s payment", id, m)
		}
		iid := lf.payments.get(r, "invoice_id")
		if iid == "" {
			continue
		}
		v, ok := invs[iid]
		switch {
		case !ok:
			t.Errorf("payment %s: unknown invoice %s", id, iid)
			continue
		case v.cust != cid:
			t.Errorf("payment %s of %s refers to invoice %s of %s", id, cid, iid, v.cust)
		case v.creditNote:
			t.Errorf("payment %s pays credit note %s", id, iid)
		case date.Before(v.date):
			t.Errorf("payment %s dated %s before invoice %s of %s", id, date, iid, v.date)
		}
		v.paid += cents
		if cents > 0 {
			v.positiveCount++
			if date.After(v.lastPositive) {
				v.lastPositive = date
			}
		}
	}
	open := 0
	for id, v := range invs {
		// Planted overpayments: up to 99 cents, or the whole amount paid twice.
		if !v.creditNote && v.paid > v.cents+99 && v.paid != 2*v.cents {
			t.Errorf("invoice %s of %d cents paid %d cents", id, v.cents, v.paid)
		}
		if !v.creditNote && v.paid < v.cents {
			open++
		}
	}
	if len(invs) > 100 && open == 0 {
		t.Error("no invoice without a referencing payment")
	}

	// Truth.
	if len(lf.truth.rows) != len(lf.customers.rows) {
		t.Fatalf("truth has %d rows for %d customers", len(lf.truth.rows), len(lf.customers.rows))
	}
	for i, r := range lf.truth.rows {
		id := lf.truth.get(r, "customer_id")
		if id != lf.customers.rows[i][0] {
			t.Errorf("truth row %d is %s, customers row is %s", i, id, lf.customers.rows[i][0])
		}
		if _, err := strconv.ParseFloat(lf.truth.get(r, "base_delay_days"), 64); err != nil {
			t.Errorf("truth %s: %v", id, err)
		}
		change, shift, dflt := lf.truth.get(r, "change_date"), lf.truth.get(r, "shift_days"), lf.truth.get(r, "default_date")
		switch b := lf.truth.get(r, "behaviour"); b {
		case "stable":
			if change != "" || shift != "" || dflt != "" {
				t.Errorf("stable %s: %v", id, r)
			}
		case "worsening", "improving":
			s, err := strconv.Atoi(shift)
			if err != nil || dflt != "" || (b == "worsening") != (s > 0) {
				t.Errorf("%s %s: %v", b, id, r)
			}
			if d := parseDate(t, change); d.After(cfg.End) || d.Before(first) {
				t.Errorf("%s %s: change_date %s outside the ledger", b, id, change)
			}
		case "stopped_paying":
			if change != "" || shift != "" {
				t.Errorf("stopped %s: %v", id, r)
			}
			if d := parseDate(t, dflt); d.After(cfg.End) || d.Before(first) {
				t.Errorf("stopped %s: default_date %s outside the ledger", id, dflt)
			}
		default:
			t.Errorf("truth %s: behaviour %q", id, b)
		}
	}
}

func TestPlantedBehaviour(t *testing.T) {
	tests := []configCase{
		{"three years", Config{Customers: 400, Invoices: 60_000, Seed: 11, End: testEnd, Years: 3}},
		{"one year", Config{Customers: 300, Invoices: 40_000, Seed: 12, End: testEnd, Years: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			lf, _ := generate(t, tt.cfg)
			checkBehaviour(t, lf)
		})
	}
}

// checkBehaviour checks that stopped_paying customers pay nothing from their
// default_date and that worsening customers pay later after change_date.
func checkBehaviour(t *testing.T, lf ledgerFiles) {
	t.Helper()
	terms := make(map[string]int)
	for _, r := range lf.customers.rows {
		terms[r[0]], _ = strconv.Atoi(lf.customers.get(r, "payment_terms_days"))
	}
	invs := make(map[string]*inv)
	for _, r := range lf.invoices.rows {
		c := lf.invoices.get(r, "customer_id")
		invs[r[0]] = &inv{
			cust:     c,
			due:      parseDate(t, lf.invoices.get(r, "invoice_date")).AddDate(0, 0, terms[c]),
			disputed: lf.invoices.get(r, "disputed") == "true",
		}
	}
	lastPositive := make(map[string]time.Time)
	for _, r := range lf.payments.rows {
		d := parseDate(t, lf.payments.get(r, "payment_date"))
		if parseCents(t, lf.payments.get(r, "amount")) <= 0 {
			continue
		}
		c := lf.payments.get(r, "customer_id")
		if d.After(lastPositive[c]) {
			lastPositive[c] = d
		}
		if v := invs[lf.payments.get(r, "invoice_id")]; v != nil && (v.paid.IsZero() || d.Before(v.paid)) {
			v.paid = d
		}
	}

	checked := make(map[string]int)
	for _, r := range lf.truth.rows {
		id := r[0]
		switch lf.truth.get(r, "behaviour") {
		case "stopped_paying":
			dflt := parseDate(t, lf.truth.get(r, "default_date"))
			if lp := lastPositive[id]; !lp.Before(dflt) {
				t.Errorf("stopped_paying %s: payment on %s, default_date %s", id, lp.Format(time.DateOnly), dflt.Format(time.DateOnly))
			}
		case "worsening":
			// Grouped by payment date, as a bank statement shows it.
			change := parseDate(t, lf.truth.get(r, "change_date"))
			shift, _ := strconv.Atoi(lf.truth.get(r, "shift_days"))
			before, after := delays(invs, id, func(v *inv) bool { return v.paid.After(change) })
			if len(before) < 15 || len(after) < 15 {
				continue
			}
			checked["worsening"]++
			mb, ma := mean(before), mean(after)
			if ma-mb < float64(shift)/2 {
				t.Errorf("worsening %s: mean delay %.1f days before %s, %.1f after (n=%d, %d), shift %d",
					id, mb, change.Format(time.DateOnly), ma, len(before), len(after), shift)
			}
		case "improving":
			// Grouped by due date and compared by the median: an improving
			// customer catches up on change_date, so invoices due shortly
			// before it, and the few paid before it, are biased samples.
			change := parseDate(t, lf.truth.get(r, "change_date"))
			shift, _ := strconv.Atoi(lf.truth.get(r, "shift_days"))
			base, _ := strconv.ParseFloat(lf.truth.get(r, "base_delay_days"), 64)
			lastBefore := change.AddDate(0, 0, -int(math.Ceil(base)))
			before, _ := delays(invs, id, func(v *inv) bool { return !v.due.Before(lastBefore) })
			_, after := delays(invs, id, func(v *inv) bool { return !v.due.Before(change) })
			if len(before) < 15 || len(after) < 15 {
				continue
			}
			checked["improving"]++
			mb, ma := median(before), median(after)
			if mb-ma < float64(-shift)/2 {
				t.Errorf("improving %s: median delay %.1f days due before %s, %.1f after (n=%d, %d), shift %d",
					id, mb, change.Format(time.DateOnly), ma, len(before), len(after), shift)
			}
		}
	}
	if checked["worsening"] < 3 {
		t.Errorf("only %d worsening customers with enough invoices to check", checked["worsening"])
	}
	t.Logf("checked %v", checked)
}

// inv is an invoice as checkBehaviour sees it.
type inv struct {
	cust     string
	due      time.Time
	disputed bool
	paid     time.Time // first positive payment referencing it (the first part of a split payment)
}

// delays returns the delays beyond the due date, in days, of the paid,
// undisputed invoices of customer id, split by after.
func delays(invs map[string]*inv, id string, after func(*inv) bool) (no, yes []float64) {
	for _, v := range invs {
		if v.cust != id || v.paid.IsZero() || v.disputed {
			continue
		}
		if after(v) {
			yes = append(yes, days(v.due, v.paid))
		} else {
			no = append(no, days(v.due, v.paid))
		}
	}
	return no, yes
}

func median(x []float64) float64 {
	x = slices.Clone(x)
	slices.Sort(x)
	n := len(x)
	if n%2 == 1 {
		return x[n/2]
	}
	return (x[n/2-1] + x[n/2]) / 2
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// TestPlantedShares checks that the planted shares show in the files.
func TestPlantedShares(t *testing.T) {
	cfg := Config{Customers: 2000, Invoices: 100_000, Seed: 5, End: testEnd, Years: 3}
	lf, _ := generate(t, cfg)
	nc := float64(len(lf.customers.rows))
	ni := float64(len(lf.invoices.rows))
	np := float64(len(lf.payments.rows))

	count := func(tab *table, f func(r []string) bool) float64 {
		n := 0
		for _, r := range tab.rows {
			if f(r) {
				n++
			}
		}
		return float64(n)
	}
	behaviour := func(b string) func([]string) bool {
		return func(r []string) bool { return lf.truth.get(r, "behaviour") == b }
	}
	invoiceCount := make(map[string]int)
	for _, r := range lf.payments.rows {
		invoiceCount[lf.payments.get(r, "invoice_id")]++
	}
	partial := count(lf.payments, func(r []string) bool {
		return strings.HasPrefix(lf.payments.get(r, "reference"), "Deelbetaling 1/")
	})
	debits := count(lf.payments, func(r []string) bool { return lf.payments.get(r, "method") == "direct_debit" })
	storno := count(lf.payments, func(r []string) bool { return strings.HasPrefix(lf.payments.get(r, "amount"), "-") })

	tests := []struct {
		name     string
		got      float64
		want     float64
		tolerant float64 // absolute
	}{
		{"b2c of customers", count(lf.customers, func(r []string) bool { return lf.customers.get(r, "kind") == "b2c" }) / nc, shareB2C, 0.03},
		{"credit_limit set", count(lf.customers, func(r []string) bool { return lf.customers.get(r, "credit_limit") != "" }) / nc, shareCreditLimit, 0.03},
		{"NL customers", count(lf.customers, func(r []string) bool { return lf.customers.get(r, "country") == "NL" }) / nc, 0.85, 0.04},
		{"worsening", count(lf.truth, behaviour("worsening")) / nc, shareWorsening, 0.005},
		{"improving", count(lf.truth, behaviour("improving")) / nc, shareImproving, 0.005},
		{"stopped_paying", count(lf.truth, behaviour("stopped_paying")) / nc, shareStopped, 0.005},
		{"credit notes of invoices", count(lf.invoices, func(r []string) bool { return strings.HasPrefix(lf.invoices.get(r, "amount"), "-") }) / ni, shareCreditNote, 0.005},
		{"disputed of invoices", count(lf.invoices, func(r []string) bool { return lf.invoices.get(r, "disputed") == "true" }) / ni, shareDisputed, 0.004},
		{"no due_date", count(lf.invoices, func(r []string) bool { return lf.invoices.get(r, "due_date") == "" }) / ni, shareNoDueDate, 0.004},
		{"payments with invoice_id", count(lf.payments, func(r []string) bool { return lf.payments.get(r, "invoice_id") != "" }) / np, 0.80, 0.04},
		{"lump payments", count(lf.payments, func(r []string) bool {
			ref := lf.payments.get(r, "reference")
			return lf.payments.get(r, "invoice_id") == "" && (ref == "" || strings.HasPrefix(ref, "facturen ") || ref == "betaling openstaande posten")
		}) / np, 0.10, 0.03},
		{"invoices paid in parts", partial / ni, 0.05, 0.015},
		{"reversed direct debits", storno / debits, shareStorno, 0.005},
	}
	for _, tt := range tests {
		t.Logf("%-26s %.4f (planted %.4f)", tt.name, tt.got, tt.want)
		if math.Abs(tt.got-tt.want) > tt.tolerant {
			t.Errorf("%s: %.4f, want %.4f ± %.4f", tt.name, tt.got, tt.want, tt.tolerant)
		}
	}

	// Overdue items at End: past due, and no payment names them (lump
	// payments do not, so this counts some paid invoices too).
	paid := make(map[string]bool)
	for _, r := range lf.payments.rows {
		paid[lf.payments.get(r, "invoice_id")] = true
	}
	overdue := 0
	for _, r := range lf.invoices.rows {
		due := lf.invoices.get(r, "due_date")
		if due != "" && due < cfg.End.Format(time.DateOnly) && !paid[r[0]] && !strings.HasPrefix(lf.invoices.get(r, "amount"), "-") {
			overdue++
		}
	}
	t.Logf("past due without a payment naming them at End: %d", overdue)
	if overdue == 0 {
		t.Error("no overdue invoices at End")
	}
}

func TestGenerateInvoiceCount(t *testing.T) {
	tests := []struct {
		customers, invoices int
	}{
		{10, 1000}, {1000, 1000}, {1000, 50}, {3, 20_000}, {1, 1},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.customers)+"x"+strconv.Itoa(tt.invoices), func(t *testing.T) {
			dir := t.TempDir()
			sum, err := Generate(context.Background(), dir, Config{Customers: tt.customers, Invoices: tt.invoices, End: testEnd})
			if err != nil {
				t.Fatal(err)
			}
			if d := math.Abs(float64(sum.Invoices - tt.invoices)); d > 0.02*float64(tt.invoices) {
				t.Errorf("%d invoices, want %d ±2%%", sum.Invoices, tt.invoices)
			}
		})
	}
}

func TestGenerateRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"no end", Config{Customers: 10, Invoices: 10}},
		{"negative customers", Config{Customers: -1, End: testEnd}},
		{"negative invoices", Config{Invoices: -1, End: testEnd}},
		{"negative years", Config{Years: -1, End: testEnd}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			if _, err := Generate(context.Background(), dir, tt.cfg); err == nil {
				t.Fatal("no error")
			}
			if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("output directory created: %v", err)
			}
		})
	}
}

func TestGenerateCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	_, err := Generate(ctx, dir, DefaultConfig(testEnd))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("left files behind: %v", entries)
	}
}

func TestDefaultConfig(t *testing.T) {
	cfg := DefaultConfig(time.Date(2025, 6, 15, 13, 45, 0, 0, time.FixedZone("CEST", 2*3600)))
	want := Config{Customers: 500, Invoices: 50_000, Seed: 1, End: testEnd, Years: 3}
	if cfg != want {
		t.Errorf("DefaultConfig = %+v, want %+v", cfg, want)
	}
}

func TestAmountsInDemoFiles(t *testing.T) {
	tests := []struct {
		cents int64
		want  string
	}{
		{0, "0.00"}, {5, "0.05"}, {-5, "-0.05"}, {100, "1.00"}, {123456, "1234.56"}, {-5_000_000, "-50000.00"},
	}
	for _, tt := range tests {
		if got := string(creditflow.Money(tt.cents).AppendText(nil)); got != tt.want {
			t.Errorf("Money(%d).AppendText = %q, want %q", tt.cents, got, tt.want)
		}
	}
}

func TestAppendField(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Bakkerij de Vries B.V.", "Bakkerij de Vries B.V."},
		{"a, b", `"a, b"`},
		{`say "hi"`, `"say ""hi"""`},
	}
	for _, tt := range tests {
		if got := string(appendField(nil, tt.in)); got != tt.want {
			t.Errorf("appendField(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMailSlug(t *testing.T) {
	tests := []struct{ in, sep, want string }{
		{"Jan de Vries", ".", "jan.de.vries"},
		{"Schäfer Metaal", "", "schaefermetaal"},
		{"Café 't Hoekje", "", "cafethoekje"},
		{"Pieter-Jan Müller", "_", "pieter_jan_mueller"},
	}
	for _, tt := range tests {
		if got := mailSlug(tt.in, tt.sep); got != tt.want {
			t.Errorf("mailSlug(%q, %q) = %q, want %q", tt.in, tt.sep, got, tt.want)
		}
	}
}

// TestCalendarSampleDay checks the inverse-CDF draw stays in range and
// respects the reduced rate after a cut.
func TestCalendarSampleDay(t *testing.T) {
	cal := newCalendar(testEnd, 2)
	lo, hi, cut := int32(100), int32(500), int32(300)
	var beforeCut, afterCut int
	for i := range 10_000 {
		d := cal.sampleDay(0, lo, hi, cut, 0.25, float64(i)/10_000)
		if d < lo || d > hi {
			t.Fatalf("day %d outside [%d, %d]", d, lo, hi)
		}
		if d < cut {
			beforeCut++
		} else {
			afterCut++
		}
	}
	// Equal spans, a quarter of the rate after the cut (seasonality aside).
	if r := float64(afterCut) / float64(beforeCut); r < 0.15 || r > 0.4 {
		t.Errorf("after/before cut = %.2f, want about 0.25", r)
	}
	if !slices.IsSorted([]int32{cal.sampleDay(0, lo, hi, hi+1, 1, 0), cal.sampleDay(0, lo, hi, hi+1, 1, 0.5), cal.sampleDay(0, lo, hi, hi+1, 1, 0.999)}) {
		t.Error("sampleDay is not monotone in u")
	}
}
