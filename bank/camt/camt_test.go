package camt

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/creditflow/creditflow"
)

// fixtureDir holds genkgo/camt's test data, read in place.
const fixtureDir = "../../../shared/fixtures/camt_genkgo"

func fixtures(tb testing.TB) []string {
	tb.Helper()
	if _, err := os.Stat(fixtureDir); err != nil {
		tb.Skipf("fixtures not found at %s: %v", fixtureDir, err)
	}
	files, err := filepath.Glob(filepath.Join(fixtureDir, "*.xml"))
	if err != nil || len(files) == 0 {
		tb.Skipf("no fixtures in %s", fixtureDir)
	}
	return files
}

// jget walks a decoded JSON value through object keys.
func jget(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func jstr(v any, keys ...string) string {
	s, _ := jget(v, keys...).(string)
	return s
}

func TestParseFixtures(t *testing.T) {
	// invalid lists the fixtures without an expected parse that must fail.
	invalid := map[string]bool{
		"camt053.v2.wrong.xml": true, // BkToCstmrStmt without Stmt
	}
	// lastRecordOnly lists the fixtures whose JSON holds the entries of the
	// last statement only; we return those of all statements.
	lastRecordOnly := map[string]int{
		"camt053.v2.multi.statement.xml": 2,
	}
	for _, path := range fixtures(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			st, entries, err := parse(f, name)
			if invalid[name] {
				if !errors.Is(err, creditflow.ErrInvalid) {
					t.Fatalf("err = %v, want ErrInvalid", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			raw, err := os.ReadFile(strings.TrimSuffix(path, ".xml") + ".json")
			if err != nil {
				t.Fatalf("no expected parse: %v", err)
			}
			var want any
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(st.Version, st.Kind+".001.") {
				t.Errorf("kind %q, version %q", st.Kind, st.Version)
			}
			wantEntries, _ := jget(want, "getEntries").([]any)
			n := len(wantEntries)
			if all, ok := lastRecordOnly[name]; ok {
				n = all
			}
			if len(entries) != n {
				t.Fatalf("%d entries, want %d", len(entries), n)
			}
			if len(wantEntries) == 0 {
				return
			}
			// The JSON's first entry; with lastRecordOnly it is our last.
			ei := len(entries) - len(wantEntries)
			we := wantEntries[0]
			got := entries[ei]
			if s := fmt.Sprint(int64(got.Amount)); s != jstr(we, "getAmount", "getAmount") {
				t.Errorf("amount %s, want %s", s, jstr(we, "getAmount", "getAmount"))
			}
			if c := jstr(we, "getAmount", "getCurrency", "getCode"); got.Currency != c {
				t.Errorf("currency %q, want %q", got.Currency, c)
			}
			ind := jstr(we, "getCreditDebitIndicator")
			if (ind == "CRDT") != (got.Amount > 0) {
				t.Errorf("amount %v, indicator %s", got.Amount, ind)
			}
			wantDate := jstr(we, "getBookingDate", "0")
			if len(wantDate) >= 10 {
				wantDate = wantDate[:10]
			}
			if gotDate := got.BookingDate.String(); wantDate == "" && !got.BookingDate.IsZero() || wantDate != "" && gotDate != wantDate {
				t.Errorf("booking date %s, want %q", gotDate, wantDate)
			}

			// The first transaction of that entry against the JSON's first
			// transaction detail.
			first := 0
			for _, e := range entries[:ei] {
				first += e.Txs
			}
			tx := st.Transactions[first]
			if rv, _ := jget(we, "getReversalIndicator").(bool); rv != tx.Reversal {
				t.Errorf("reversal %v, want %v", tx.Reversal, rv)
			}
			td := jget(we, "getTransactionDetail")
			if td == nil {
				return
			}
			if got.Txs != got.TxDtls {
				// Several TxDtls without amounts: one transaction standing
				// for the batch, with only the details they share.
				if tx.BatchCount != got.TxDtls {
					t.Errorf("batch count %d, want %d", tx.BatchCount, got.TxDtls)
				}
				return
			}
			if e2e := jstr(td, "getReference", "getEndToEndId"); e2e != tx.EndToEndID && e2e != "NOTPROVIDED" {
				t.Errorf("end-to-end id %q, want %q", tx.EndToEndID, e2e)
			}
			ref := jstr(td, "getRemittanceInformation", "getCreditorReferenceInformation", "getRef")
			if ref == "" {
				ref = jstr(td, "getRemittanceInformation", "getStructuredBlock", "getCreditorReferenceInformation", "getRef")
			}
			if ref != tx.StructuredRef {
				t.Errorf("structured ref %q, want %q", tx.StructuredRef, ref)
			}
			counter := "Genkgo\\Camt\\DTO\\Creditor"
			if tx.Amount > 0 != tx.Reversal {
				counter = "Genkgo\\Camt\\DTO\\Debtor"
			}
			parties, _ := jget(td, "getRelatedParties").([]any)
			for _, p := range parties {
				if jstr(p, "getRelatedPartyType", "__CLASS__") != counter {
					continue
				}
				if nm := jstr(p, "getRelatedPartyType", "getName"); nm != tx.CounterName {
					t.Errorf("counter name %q, want %q", tx.CounterName, nm)
				}
				if id := jstr(p, "getAccount", "getIdentification"); id != tx.CounterIBAN {
					t.Errorf("counter IBAN %q, want %q", tx.CounterIBAN, id)
				}
			}
		})
	}
}
