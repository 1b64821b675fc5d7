package demo

import (
	"bytes"
	"context"
	"encoding/xml"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/bank/camt"
	"github.com/creditflow/creditflow/bank/match"
	"github.com/creditflow/creditflow/bank/mt940"
)

// statementConfig is a small ledger with a year of bank statements; it is
// big enough for every noise tag to occur.
var statementConfig = Config{Customers: 150, Invoices: 8000, Seed: 3, End: testEnd, Years: 3, Statements: true, StatementMonths: 12}

// parsedTx is a transaction read back from a statement file.
type parsedTx struct {
	creditflow.BankTransaction
	file string
}

// monthBalances are the balances of one statement file.
type monthBalances struct {
	file             string
	opening, closing creditflow.Money
	sum              creditflow.Money // of its transactions
}

// readStatements parses every statement file in dir with the real parsers.
func readStatements(t *testing.T, dir string) (txs []parsedTx, camtBal, mtBal []monthBalances) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, StatementsDir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(path)
		switch {
		case strings.HasPrefix(name, "camt053-") && strings.HasSuffix(name, ".xml"):
			st, err := camt.Parse(bytes.NewReader(data), name)
			if err != nil {
				t.Fatalf("camt.Parse: %v", err)
			}
			if st.Kind != "camt.053" || st.Version != "camt.053.001.02" || st.Statements != 1 {
				t.Errorf("%s: kind %s version %s with %d statements", name, st.Kind, st.Version, st.Statements)
			}
			mb := camtBalances(t, name, data)
			for _, tx := range st.Transactions {
				txs = append(txs, parsedTx{tx, name})
				mb.sum += tx.Amount
			}
			camtBal = append(camtBal, mb)
		case strings.HasPrefix(name, "mt940-") && strings.HasSuffix(name, ".sta"):
			sts, err := mt940.Parse(bytes.NewReader(data), name)
			if err != nil {
				t.Fatalf("mt940.Parse: %v", err)
			}
			if len(sts) != 1 || sts[0].OpeningBalance == nil || sts[0].ClosingBalance == nil {
				t.Fatalf("%s: want one statement with balances, got %+v", name, sts)
			}
			mb := monthBalances{file: name, opening: sts[0].OpeningBalance.Amount, closing: sts[0].ClosingBalance.Amount}
			for _, tx := range sts[0].Transactions {
				txs = append(txs, parsedTx{tx, name})
				mb.sum += tx.Amount
			}
			mtBal = append(mtBal, mb)
		default:
			t.Errorf("unexpected file %s", name)
		}
	}
	return txs, camtBal, mtBal
}

// camtBalances reads the OPBD and CLBD balances, which the camt parser
// does not return.
func camtBalances(t *testing.T, name string, data []byte) monthBalances {
	t.Helper()
	var doc struct {
		Bal []struct {
			Code   string `xml:"Tp>CdOrPrtry>Cd"`
			Amount string `xml:"Amt"`
			Ind    string `xml:"CdtDbtInd"`
		} `xml:"BkToCstmrStmt>Stmt>Bal"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	mb := monthBalances{file: name}
	for _, b := range doc.Bal {
		m, err := creditflow.ParseMoney(b.Amount)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b.Ind == "DBIT" {
			m = -m
		}
		switch b.Code {
		case "OPBD":
			mb.opening = m
		case "CLBD":
			mb.closing = m
		}
	}
	return mb
}

func TestStatementsMatchTruth(t *testing.T) {
	dir := t.TempDir()
	if _, err := Generate(context.Background(), dir, statementConfig); err != nil {
		t.Fatal(err)
	}
	truth := readTable(t, filepath.Join(dir, StatementTruthFile))
	if got, want := strings.Join(truth.header, ","), "transaction_id,account,booking_date,amount,payment_id,customer_id,invoice_ids,kind,noise"; got != want {
		t.Fatalf("statement_truth.csv header %q, want %q", got, want)
	}
	rows := make(map[string][]string)
	for _, r := range truth.rows {
		id := truth.get(r, "transaction_id")
		if rows[id] != nil {
			t.Errorf("transaction %s twice in statement_truth.csv", id)
		}
		rows[id] = r
	}

	txs, camtBal, mtBal := readStatements(t, dir)
	if len(camtBal) != statementConfig.StatementMonths || len(mtBal) != statementConfig.StatementMonths {
		t.Errorf("%d camt.053 and %d MT940 files, want %d each", len(camtBal), len(mtBal), statementConfig.StatementMonths)
	}
	seen := make(map[string]bool)
	accounts := make(map[string]string) // account -> file prefix
	for _, tx := range txs {
		r := rows[tx.ID]
		if r == nil {
			t.Errorf("%s: transaction %s not in statement_truth.csv", tx.file, tx.ID)
			continue
		}
		if seen[tx.ID] {
			t.Errorf("%s: transaction %s parsed twice", tx.file, tx.ID)
		}
		seen[tx.ID] = true
		if got, want := tx.Amount, creditflow.Money(parseCents(t, truth.get(r, "amount"))); got != want {
			t.Errorf("%s: %s amount %v, truth says %v", tx.file, tx.ID, got, want)
		}
		if got, want := tx.BookingDate.String(), truth.get(r, "booking_date"); got != want {
			t.Errorf("%s: %s booked %s, truth says %s", tx.file, tx.ID, got, want)
		}
		if got, want := tx.Account, truth.get(r, "account"); got != want {
			t.Errorf("%s: %s account %s, truth says %s", tx.file, tx.ID, got, want)
		}
		if prefix, ok := accounts[tx.Account]; ok && prefix != tx.file[:4] {
			t.Errorf("account %s in both camt.053 and MT940 files", tx.Account)
		}
		accounts[tx.Account] = tx.file[:4]
		if tx.CounterIBAN != "" && !match.ValidIBAN(tx.CounterIBAN) {
			t.Errorf("%s: %s counter IBAN %s is not valid", tx.file, tx.ID, tx.CounterIBAN)
		}
		noise := truth.get(r, "noise")
		switch kind := truth.get(r, "kind"); kind {
		case "returned_direct_debit":
			// The end-to-end id is the one of the collection returned.
			e2e := "SDD-" + strings.TrimPrefix(truth.get(r, "invoice_ids"), "INV-")
			if tx.ReturnReason == "" || tx.Amount >= 0 || !tx.Reversal || tx.EndToEndID != e2e {
				t.Errorf("%s: return %s parsed with reason %q, amount %v, reversal %v, end-to-end id %q", tx.file, tx.ID, tx.ReturnReason, tx.Amount, tx.Reversal, tx.EndToEndID)
			}
		case "credit":
			if tx.Amount <= 0 || tx.Reversal || tx.ReturnReason != "" {
				t.Errorf("%s: credit %s parsed with amount %v, reversal %v, reason %q", tx.file, tx.ID, tx.Amount, tx.Reversal, tx.ReturnReason)
			}
			hasRem := tx.RemittanceText != "" || tx.StructuredRef != ""
			if missing := strings.Contains(noise, "missing_reference"); missing == hasRem {
				t.Errorf("%s: %s noise %q but remittance %q / %q", tx.file, tx.ID, noise, tx.RemittanceText, tx.StructuredRef)
			}
		case "outgoing":
			if tx.Amount >= 0 || truth.get(r, "payment_id") != "" {
				t.Errorf("%s: outgoing %s parsed with amount %v", tx.file, tx.ID, tx.Amount)
			}
		default:
			t.Errorf("%s: kind %q", tx.ID, kind)
		}
		// A structured reference names the invoice, unless it is mistyped.
		if ref := tx.StructuredRef; ref != "" {
			var d []byte
			for _, c := range truth.get(r, "invoice_ids") {
				if c >= '0' && c <= '9' {
					d = append(d, byte(c))
				}
			}
			num := match.KenmerkNumber(ref)
			if strings.HasPrefix(ref, "RF") {
				num = strings.TrimLeft(match.RFBody(ref), "0")
			}
			ok := num == strings.TrimLeft(string(d), "0")
			if ok == strings.Contains(noise, "mistyped_reference") {
				t.Errorf("%s: %s structured reference %s for %s, noise %q", tx.file, tx.ID, ref, truth.get(r, "invoice_ids"), noise)
			}
		}
	}
	for id := range rows {
		if !seen[id] {
			t.Errorf("truth transaction %s not in any statement", id)
		}
	}
	if len(accounts) != 2 {
		t.Errorf("transactions on %d accounts, want 2", len(accounts))
	}

	t.Run("balances", func(t *testing.T) {
		for _, bal := range [][]monthBalances{camtBal, mtBal} {
			for i, mb := range bal {
				if mb.opening+mb.sum != mb.closing {
					t.Errorf("%s: opening %v + entries %v != closing %v", mb.file, mb.opening, mb.sum, mb.closing)
				}
				if i > 0 && mb.opening != bal[i-1].closing {
					t.Errorf("%s: opening %v, previous closing %v", mb.file, mb.opening, bal[i-1].closing)
				}
			}
		}
	})

	t.Run("noise and kinds occur", func(t *testing.T) {
		count := make(map[string]int)
		for _, r := range truth.rows {
			count[truth.get(r, "kind")]++
			for tag := range strings.SplitSeq(truth.get(r, "noise"), ";") {
				if tag != "" {
					count[tag]++
				}
			}
		}
		for _, name := range append(noiseNames[:], kindNames[:]...) {
			if count[name] == 0 {
				t.Errorf("%s never occurs", name)
			}
		}
		t.Logf("%d transactions: %v", len(truth.rows), count)
	})

	t.Run("nothing lost or counted twice", func(t *testing.T) {
		plain := statementConfig
		plain.Statements = false
		full, _ := generate(t, plain)
		partDir := filepath.Join(dir, PaymentsFile)
		part := readTable(t, partDir)
		want := make(map[string]int64)
		var wantSum int64
		for _, r := range full.payments.rows {
			c := parseCents(t, full.payments.get(r, "amount"))
			want[full.payments.get(r, "payment_id")] = c
			wantSum += c
		}
		got := make(map[string]int64)
		var gotSum int64
		add := func(id string, c int64) {
			if _, dup := got[id]; dup {
				t.Errorf("payment %s both in payments.csv and the statements", id)
			}
			got[id] = c
			gotSum += c
		}
		for _, r := range part.rows {
			add(part.get(r, "payment_id"), parseCents(t, part.get(r, "amount")))
		}
		for _, r := range truth.rows {
			if id := truth.get(r, "payment_id"); id != "" {
				add(id, parseCents(t, truth.get(r, "amount")))
			}
		}
		if gotSum != wantSum || len(got) != len(want) {
			t.Errorf("payments.csv + statements: %d payments, %d cents; ledger without statements: %d payments, %d cents", len(got), gotSum, len(want), wantSum)
		}
		for id, c := range want {
			if got[id] != c {
				t.Errorf("payment %s: %d cents, want %d", id, got[id], c)
			}
		}
		if len(part.rows) == 0 || len(part.rows) == len(full.payments.rows) {
			t.Errorf("payments.csv keeps %d of %d payments", len(part.rows), len(full.payments.rows))
		}
	})

	t.Run("customer accounts", func(t *testing.T) {
		acc := readTable(t, filepath.Join(dir, CustomerAccountsFile))
		if got := strings.Join(acc.header, ","); got != "customer_id,iban,name" {
			t.Fatalf("customer_accounts.csv header %q", got)
		}
		customers := make(map[string]bool)
		ibans := make(map[string]bool)
		for _, r := range acc.rows {
			iban := acc.get(r, "iban")
			if !match.ValidIBAN(iban) || ibans[iban] {
				t.Errorf("IBAN %s invalid or listed twice", iban)
			}
			ibans[iban] = true
			customers[acc.get(r, "customer_id")] = true
		}
		if share := float64(len(customers)) / float64(statementConfig.Customers); share < 0.55 || share > 0.65 {
			t.Errorf("%.2f of customers have a known IBAN, want %.2f", share, shareKnownIBAN)
		}
	})
}

// TestStatementNoiseRates checks that the noise rates show in a bigger
// ledger's statements, counted per transfer or per credit.
func TestStatementNoiseRates(t *testing.T) {
	cfg, err := Config{Customers: 5000, Invoices: 100_000, Seed: 1, End: testEnd, Statements: true}.normalize()
	if err != nil {
		t.Fatal(err)
	}
	l, err := build(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	s, err := planStatements(context.Background(), l, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var transfers, credits, structured, missing, mistyped, payerName, bookkeeper float64
	for a := range s.acct {
		for _, tx := range s.acct[a].txs {
			if tx.pay < 0 {
				continue
			}
			credits++
			if tx.noise&noisePayerName != 0 {
				payerName++
			}
			if l.payments[tx.pay].method != transfer {
				continue
			}
			transfers++
			if tx.rem == remKenmerk || tx.rem == remRF {
				structured++
			}
			if tx.noise&noiseMissingRef != 0 {
				missing++
			}
			if tx.noise&noiseMistyped != 0 {
				mistyped++
			}
			if tx.noise&noiseBookkeeper != 0 {
				bookkeeper++
			}
		}
	}
	tests := []struct {
		name      string
		got, want float64
		tol       float64
	}{
		{"structured of transfers", structured / transfers, 0.5, 0.05},
		// The lumps the ledger pays without any reference come on top.
		{"missing reference of transfers", missing / transfers, shareMissingRef + 0.025, 0.02},
		{"mistyped of transfers", mistyped / transfers, 0.03, 0.008},
		{"payer name of credits", payerName / credits, shareOtherName, 0.05},
		{"bookkeeper of transfers", bookkeeper / transfers, shareOtherName * shareBookkeeper, 0.02},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if math.Abs(tt.got-tt.want) > tt.tol {
				t.Errorf("%.3f, want %.3f ± %.3f", tt.got, tt.want, tt.tol)
			}
		})
	}
}

// TestStatementsSameSeedSameBytes checks that every file, statements
// included, is the same for the same seed.
func TestStatementsSameSeedSameBytes(t *testing.T) {
	cfg := statementConfig
	cfg.Customers, cfg.Invoices, cfg.StatementMonths = 60, 3000, 4
	da, db := t.TempDir(), t.TempDir()
	for _, d := range []string{da, db} {
		if _, err := Generate(context.Background(), d, cfg); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	err := filepath.WalkDir(da, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(da, path)
		x, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		y, err := os.ReadFile(filepath.Join(db, rel))
		if err != nil {
			return err
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs", rel)
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := 6 + 2*cfg.StatementMonths; n != want {
		t.Errorf("%d files, want %d", n, want)
	}
}

func TestStatementsOff(t *testing.T) {
	dir := t.TempDir()
	cfg := statementConfig
	cfg.Statements = false
	sum, err := Generate(context.Background(), dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Files) != 4 {
		t.Errorf("files %v, want the four ledger files", sum.Files)
	}
	for _, f := range []string{StatementsDir, StatementTruthFile, CustomerAccountsFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); !os.IsNotExist(err) {
			t.Errorf("%s written without Statements (%v)", f, err)
		}
	}
}

func TestMistype(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		bits       uint32
		structured bool
		want       string
	}{
		{"change in text", "factuur INV-2024-000123", 0, false, "factuur INV-3024-000123"},
		{"swap in text", "factuur INV-2024-000123", 1, false, "factuur INV-0224-000123"},
		{"swap of equal digits changes one", "INV-2024-000123", 1 | 5<<1, false, "INV-2024-010123"},
		{"kenmerk", "5000002024000123", 9 << 1, true, "5000002024000124"},
		{"no invoice number", "betaling openstaande posten", 3, false, "betaling openstaande posten"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := []byte(tt.in)
			mistype(b, tt.bits, tt.structured)
			if string(b) != tt.want {
				t.Errorf("mistype(%q, %d) = %q, want %q", tt.in, tt.bits, b, tt.want)
			}
		})
	}
}

func TestAppendWrapped(t *testing.T) {
	tests := []struct{ name, in string }{
		{"short", "/TRTP/SEPA OVERBOEKING/NAME/Jan"},
		{"long", strings.Repeat("/NAME/Bakkerij de Vries B.V./REMI/USTD//factuur INV-2024-000123/", 4)},
		{"spaces at the cut", strings.Repeat("a", 60) + "      b - c :d {e" + strings.Repeat(" x", 50)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := string(appendWrapped(nil, ":86:", []byte(tt.in), mt940Width))
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			for i, l := range lines {
				if len(l) > mt940Width || strings.HasSuffix(l, " ") || i > 0 && (strings.ContainsAny(l[:1], ":{") || strings.HasPrefix(strings.TrimSpace(l), "-")) {
					t.Errorf("line %d %q", i, l)
				}
			}
			if got := strings.TrimPrefix(strings.Join(lines, ""), ":86:"); got != tt.in {
				t.Errorf("joined %q, want %q", got, tt.in)
			}
		})
	}
}

// BenchmarkStatements generates a 100k-invoice ledger with a year of bank
// statements and reports the number of statement transactions.
func BenchmarkStatements(b *testing.B) {
	cfg := Config{Customers: 5_000, Invoices: 100_000, Seed: 1, End: testEnd, Years: 3, Statements: true}
	dir := b.TempDir()
	for b.Loop() {
		if _, err := Generate(context.Background(), dir, cfg); err != nil {
			b.Fatal(err)
		}
	}
	truth := readTable(b, filepath.Join(dir, StatementTruthFile))
	b.ReportMetric(float64(len(truth.rows)), "transactions")
}
