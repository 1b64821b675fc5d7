package mt940

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/creditflow/creditflow"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// describe writes the statements as a golden file holds them: one block per
// statement, one line per transaction field that is set.
func describe(sts []Statement) string {
	var b strings.Builder
	balance := func(x *Balance) string {
		if x == nil {
			return "-"
		}
		return fmt.Sprintf("%s %s %s", x.Date, x.Currency, x.Amount)
	}
	for _, st := range sts {
		fmt.Fprintf(&b, "statement %q account %q number %q\n", st.Reference, st.Account, st.StatementNumber)
		fmt.Fprintf(&b, "  opening %s\n  closing %s\n", balance(st.OpeningBalance), balance(st.ClosingBalance))
		for _, t := range st.Transactions {
			fmt.Fprintf(&b, "  transaction %s\n", t.ID)
			for _, kv := range []struct{ k, v string }{
				{"value date", t.ValueDate.String()},
				{"booking date", t.BookingDate.String()},
				{"amount", t.Amount.String() + " " + t.Currency},
				{"reversal", map[bool]string{true: "yes"}[t.Reversal]},
				{"counterparty", t.CounterName},
				{"counterparty IBAN", t.CounterIBAN},
				{"end-to-end id", t.EndToEndID},
				{"structured reference", t.StructuredRef},
				{"remittance", t.RemittanceText},
				{"return reason", t.ReturnReason},
			} {
				if kv.v != "" {
					fmt.Fprintf(&b, "    %s: %s\n", kv.k, kv.v)
				}
			}
		}
	}
	return b.String()
}

// TestVariants reads the statement layouts that differ from the SWIFT
// rules and compares them with their golden files (go test -update
// rewrites them).
func TestVariants(t *testing.T) {
	tests := []struct {
		file string
		// credits and debits count the transactions by their sign.
		credits, debits int
	}{
		// The old Rabobank layout: ":940:" before every statement,
		// zero-padded amounts with a decimal point, the counterparty's
		// account and name in the :61: line, :86: repeated per line.
		{"rabobank_old.sta", 4, 1},
		// :61: lines without a transaction type code after the amount:
		// only the bank reference, NONREF, nothing, or a reference.
		{"no_type_code.sta", 3, 1},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", tt.file)
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sts, err := Parse(f, tt.file)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			var credits, debits int
			for _, st := range sts {
				for _, tx := range st.Transactions {
					if tx.ID == "" {
						t.Errorf("transaction without ID: %+v", tx)
					}
					if tx.Amount > 0 {
						credits++
					} else {
						debits++
					}
				}
				if st.OpeningBalance == nil || st.ClosingBalance == nil {
					t.Fatalf("statement %s without balances", st.Reference)
				}
				sum := st.OpeningBalance.Amount
				for _, tx := range st.Transactions {
					sum += tx.Amount
				}
				if sum != st.ClosingBalance.Amount {
					t.Errorf("statement %s: opening balance plus transactions is %s, closing balance %s", st.Reference, sum, st.ClosingBalance.Amount)
				}
			}
			if credits != tt.credits || debits != tt.debits {
				t.Errorf("%d credits and %d debits, want %d and %d", credits, debits, tt.credits, tt.debits)
			}
			got := describe(sts)
			golden := strings.TrimSuffix(path, ".sta") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to write it)", err)
			}
			if got != string(want) {
				t.Errorf("got:\n%s\nwant (%s):\n%s", got, golden, want)
			}
		})
	}
}

func TestBrokenVariant(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "rabobank_old_broken.sta"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = Parse(f, "rabobank_old_broken.sta")
	want := `mt940 rabobank_old_broken.sta: line 8, field :61:: expected a value date as YYMMDD, like 250131, found "251302C000000000250.00N5..."`
	if !errors.Is(err, creditflow.ErrInvalid) || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in, rest string
		want     creditflow.Money
		ok       bool
	}{
		{"1234,56NTRF", "NTRF", 123456, true},
		{"000000001234,56", "", 123456, true},
		{"12,", "", 1200, true},
		{"0,07", "", 7, true},
		{"1,50", "", 150, true},
		{"000000001234.56", "", 123456, true},
		{"100.00N541NONREF", "N541NONREF", 10000, true},
		{"1.5", "", 150, true},
		{"12.", "", 1200, true},
		// A point with three digits after it may be a thousands separator.
		{"1.000", "", 0, false},
		{"1.000,00", "", 0, false},
		{"1,000.00", "", 0, false},
		{"1.2.3", "", 0, false},
		{",50", "", 0, false},
		{".50", "", 0, false},
		{"1,005", "", 0, false},
		{"", "", 0, false},
	}
	for _, tt := range tests {
		got, rest, ok := parseAmount(tt.in)
		if ok != tt.ok || ok && (got != tt.want || rest != tt.rest) {
			t.Errorf("parseAmount(%q) = %s, %q, %v; want %s, %q, %v", tt.in, got, rest, ok, tt.want, tt.rest, tt.ok)
		}
	}
}

func TestHasTypeCode(t *testing.T) {
	tests := []struct {
		rest string
		want bool
	}{
		{"NTRFNONREF//B1", true},
		{"NMSC", true},
		{"N541NONREF", true},
		{"S103REF//B1", true},
		{"FCHK123", true},
		{"MCI0NONREF//0550", true}, // not a SWIFT code, but read as one
		{"", false},
		{"//B5B12XK1", false},
		{"NONREF//B5B12XK2", false},
		{"NONREF", false},
		{" 8800123//B5B12XK4", false},
		{"12345678//B1", false},
		{"AB//B1", false},
		{"NTR", false},
		{"\nSUPPLEMENTARY", false},
	}
	for _, tt := range tests {
		if got := hasTypeCode(tt.rest); got != tt.want {
			t.Errorf("hasTypeCode(%q) = %v, want %v", tt.rest, got, tt.want)
		}
	}
}

func TestRabobankCounterName(t *testing.T) {
	tests := []struct{ ref, want string }{
		{"0417164300      BAKKERIJ DE VRIES BV", "BAKKERIJ DE VRIES BV"},
		{"NONREF          ONBEKENDE BETALER", "ONBEKENDE BETALER"},
		{"P004500018      JAN JANSEN", "JAN JANSEN"},
		{"0121470966      W.P. Jansen ", "W.P. Jansen"},
		{"0417164300", ""},
		{"29-07-2014 10:05 tekst", ""},
		{"12345           te kort nummer", ""},
		{"0417164300123456 geen spatie", ""},
	}
	for _, tt := range tests {
		if got := rabobankCounterName(tt.ref); got != tt.want {
			t.Errorf("rabobankCounterName(%q) = %q, want %q", tt.ref, got, tt.want)
		}
	}
}
