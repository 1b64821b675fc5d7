package mt940

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/creditflow/creditflow"
)

func mustParse(t *testing.T, src string) []Statement {
	t.Helper()
	sts, err := Parse(strings.NewReader(src), "sample.sta")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return sts
}

func date(s string) creditflow.Date {
	d, err := creditflow.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

const ingSample = "{1:F01INGBNL2AXXXX0000000000}{2:I940INGBNL2AXXXN}{4:\r\n" +
	":20:P140220000000001\r\n" +
	":25:NL69INGB0123456789EUR\r\n" +
	":28C:00000\r\n" +
	":60F:C131231EUR662,23\r\n" +
	":61:1312310102C1,56NTRFEREF//00000000001005\r\n" +
	"/TRCD/00100/\r\n" +
	":86:/EREF/EV12341REP1231456T1234//CNTP/NL32INGB0000012345/INGBNL2A/ING BA\r\n" +
	"NK N.V. INZAKE WEB///REMI/STRD/CUR/1234567890123456///\r\n" +
	":62F:C140102EUR663,79\r\n" +
	"-}"

const rabobankSample = `:20:940S140102
:25:NL34RABO0142623393EUR
:28C:0
:60F:C131231EUR000000001234,56
:61:140102D000000000012,34N102NONREF
NL12ABNA0123456789
:86:/TRTP/SEPA OVERBOEKING/IBAN/NL12ABNA0123456789/BIC/ABNANL2A/NAME/
J. JANSEN/REMI/USTD//factuur 2014-001/EREF/NOTPROVIDED
:62F:C140102EUR000000001222,22
`

const abnSample = `ABNANL2A
940
ABNANL2A
:20:ABN AMRO BANK NV
:25:517852257
:28:19321/1
:60F:C140501EUR1000,00
:61:1405020502RD250,00N654NONREF
:86:/TRTP/SEPA Incasso algemeen doorlopend/CSID/NL71ZZZ123456780000/NAME/
EnergieBedrijf BV/MARF/123456/REMI/STRD/CUR/5000 0000 1234 5678/IBAN/NL
91ABNA0417164300/BIC/ABNANL2A/EREF/E2E-77
:61:1405020502RC99,95N654NONREF
:86:/RTRN/MD06/TRTP/SEPA Incasso terugboeking/NAME/Klant BV/IBAN/NL20INGB0001234567/EREF/INV-2014-17
:62F:C140502EUR1150,05
-
`

const sparkasseSample = `:20:STARTUMSE
:25:10020030/0123456789
:28C:00001/001
:60F:C240105EUR1000,00
:61:2401050105DR49,90N109NONREF
:86:109?00RUECKLASTSCHRIFT?100599?20EREF+INV-42?21SVWZ+Rechnung 42 Janu
?22ar 2024?23RTRN+AC04?30COBADEFFXXX?31DE89370400440532013000
?32Muster?33 GmbH
:62F:C240105EUR950,10
-
`

func TestSamples(t *testing.T) {
	t.Run("ING betalingskenmerk and year roll-over", func(t *testing.T) {
		sts := mustParse(t, ingSample)
		if len(sts) != 1 || len(sts[0].Transactions) != 1 {
			t.Fatalf("got %+v", sts)
		}
		st := sts[0]
		if st.Account != "NL69INGB0123456789EUR" || st.StatementNumber != "00000" {
			t.Errorf("header: %+v", st)
		}
		if st.OpeningBalance.Amount != 66223 || st.ClosingBalance.Date != date("2014-01-02") {
			t.Errorf("balances: %+v %+v", st.OpeningBalance, st.ClosingBalance)
		}
		tx := st.Transactions[0]
		want := creditflow.BankTransaction{
			ID: "00000000001005", Account: "NL69INGB0123456789EUR",
			ValueDate: date("2013-12-31"), BookingDate: date("2014-01-02"),
			Amount: 156, Currency: "EUR",
			CounterName: "ING BANK N.V. INZAKE WEB", CounterIBAN: "NL32INGB0000012345",
			EndToEndID: "EV12341REP1231456T1234", StructuredRef: "1234567890123456", BatchCount: 1,
		}
		if tx != want {
			t.Errorf("got  %+v\nwant %+v", tx, want)
		}
	})
	t.Run("Rabobank unstructured", func(t *testing.T) {
		tx := mustParse(t, rabobankSample)[0].Transactions[0]
		if tx.Amount != -1234 || tx.CounterName != "J. JANSEN" || tx.CounterIBAN != "NL12ABNA0123456789" ||
			tx.RemittanceText != "factuur 2014-001" || tx.EndToEndID != "" || tx.StructuredRef != "" {
			t.Errorf("got %+v", tx)
		}
		if !strings.HasPrefix(tx.ID, "mt940:") {
			t.Errorf("ID %q: want a hash", tx.ID)
		}
		again := mustParse(t, rabobankSample)[0].Transactions[0]
		if again.ID != tx.ID {
			t.Errorf("hash ID not stable: %q vs %q", tx.ID, again.ID)
		}
	})
	t.Run("ABN AMRO RD reversal and RC return", func(t *testing.T) {
		txs := mustParse(t, abnSample)[0].Transactions
		if len(txs) != 2 {
			t.Fatalf("got %d transactions", len(txs))
		}
		rd := txs[0]
		if !rd.Reversal || rd.Amount != 25000 || rd.StructuredRef != "5000 0000 1234 5678" ||
			rd.CounterName != "EnergieBedrijf BV" || rd.CounterIBAN != "NL91ABNA0417164300" || rd.EndToEndID != "E2E-77" {
			t.Errorf("RD: %+v", rd)
		}
		rc := txs[1]
		if !rc.Reversal || rc.Amount != -9995 || rc.ReturnReason != "MD06" || rc.CounterName != "Klant BV" {
			t.Errorf("RC: %+v", rc)
		}
	})
	t.Run("Sparkasse ?-subfields", func(t *testing.T) {
		tx := mustParse(t, sparkasseSample)[0].Transactions[0]
		want := creditflow.BankTransaction{
			Account: "10020030/0123456789", ValueDate: date("2024-01-05"), BookingDate: date("2024-01-05"),
			Amount: -4990, Currency: "EUR", ReturnReason: "AC04",
			CounterName: "Muster GmbH", CounterIBAN: "DE89370400440532013000",
			EndToEndID: "INV-42", RemittanceText: "Rechnung 42 Januar 2024", BatchCount: 1,
		}
		tx.ID = ""
		if tx != want {
			t.Errorf("got  %+v\nwant %+v", tx, want)
		}
	})
	t.Run("several messages", func(t *testing.T) {
		sts := mustParse(t, ingSample+"\n"+rabobankSample+abnSample)
		if len(sts) != 3 {
			t.Errorf("got %d statements, want 3", len(sts))
		}
	})
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      LineError
	}{
		{"value date", ":20:X\n:25:NL1\n:60F:C240101EUR1,00\n:61:24AB01C1,00NTRF\n",
			LineError{Line: 4, Field: "61", Expected: "a value date as YYMMDD, like 250131", Found: "24AB01C1,00NTRF"}},
		{"entry date", ":20:X\n:61:2401011301C1,00NTRF\n",
			LineError{Line: 2, Field: "61", Expected: "an entry date as MMDD after the value date 240101", Found: "1301C1,00NTRF"}},
		{"mark", ":20:X\n:61:240101X1,00NTRF\n",
			LineError{Line: 2, Field: "61", Expected: "C (credit) or D (debit), or RC or RD for a reversal, after the dates", Found: "X1,00NTRF"}},
		{"amount with comma and point", ":20:X\n:61:240101C1.000,00NTRF\n",
			LineError{Line: 2, Field: "61", Expected: amountExpected, Found: "1.000,00NTRF"}},
		{"amount with a thousands point", ":20:X\n:61:240101C1.000NTRF\n",
			LineError{Line: 2, Field: "61", Expected: amountExpected, Found: "1.000NTRF"}},
		{"amount decimals", ":20:X\n:61:240101C1,005NTRF\n",
			LineError{Line: 2, Field: "61", Expected: amountExpected, Found: "1,005NTRF"}},
		{"no amount", ":20:X\n:61:240101C\n",
			LineError{Line: 2, Field: "61", Expected: amountExpected}},
		{"long value cut", ":20:X\n:61:2401AAC1,00NTRFNONREF//0123456789012345\n",
			LineError{Line: 2, Field: "61", Expected: "a value date as YYMMDD, like 250131", Found: "2401AAC1,00NTRFNONREF//0..."}},
		{"balance", ":20:X\n:60F:X240101EUR1,00\n",
			LineError{Line: 2, Field: "60F", Expected: "C (credit) or D (debit) before the balance", Found: "X240101EUR1,00"}},
		{"balance date", ":20:X\n:62F:C241301EUR1,00\n",
			LineError{Line: 2, Field: "62F", Expected: "a date as YYMMDD, like 250131", Found: "241301EUR1,00"}},
		{"balance currency", ":20:X\n:60F:C240101E1,00\n",
			LineError{Line: 2, Field: "60F", Expected: "a currency code like EUR after the date", Found: "E1,00"}},
		{"balance amount", ":20:X\n:60F:C240101EUR1.234,56\n",
			LineError{Line: 2, Field: "60F", Expected: amountExpected, Found: "1.234,56"}},
		{"no tags", "\nhello\nworld\n",
			LineError{Line: 2, Expected: "an MT940 statement, starting with a field such as :20:", Found: "hello"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.src), "bad.sta")
			if !errors.Is(err, creditflow.ErrInvalid) {
				t.Fatalf("want ErrInvalid, got %v", err)
			}
			var le *LineError
			if !errors.As(err, &le) {
				t.Fatalf("want a *LineError, got %T %v", err, err)
			}
			tt.want.File = "bad.sta"
			if *le != tt.want {
				t.Errorf("got  %+v\nwant %+v", *le, tt.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{ingSample, rabobankSample, abnSample, sparkasseSample} {
		f.Add([]byte(s))
	}
	hand, _ := filepath.Glob(filepath.Join("testdata", "*.sta"))
	for _, p := range hand {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	if _, err := os.Stat(fixtureDir); err == nil {
		for _, p := range fixtureFiles(f) {
			b, err := os.ReadFile(p)
			if err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sts, err := Parse(bytes.NewReader(data), "fuzz.sta")
		if err != nil {
			if !errors.Is(err, creditflow.ErrInvalid) {
				t.Fatalf("error does not wrap ErrInvalid: %v", err)
			}
			return
		}
		for _, st := range sts {
			for _, tx := range st.Transactions {
				if tx.ID == "" {
					t.Fatalf("transaction without ID: %+v", tx)
				}
			}
		}
	})
}

// generated returns one statement of n transactions in the Dutch SEPA format.
func generated(n int) []byte {
	var b bytes.Buffer
	b.WriteString(":20:BENCH\n:25:NL69INGB0123456789EUR\n:28C:1\n:60F:C240101EUR1000,00\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, ":61:2401%02d01%02dC%d,%02dNTRFEREF%d//REF%08d\n", 1+i%28, 1+i%28, i%5000, i%100, i, i)
		fmt.Fprintf(&b, ":86:/TRTP/SEPA OVERBOEKING/IBAN/NL12ABNA%010d/BIC/ABNANL2A/NAME/Klant %d B\nV/REMI/STRD/CUR/%016d/EREF/E2E-%d\n", i, i, i, i)
	}
	b.WriteString(":62F:C240131EUR1000,00\n-\n")
	return b.Bytes()
}

func BenchmarkParse(b *testing.B) {
	data := generated(10000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		sts, err := Parse(bytes.NewReader(data), "bench.sta")
		if err != nil || len(sts[0].Transactions) != 10000 {
			b.Fatalf("Parse: %v", err)
		}
	}
}

func TestFreeText(t *testing.T) {
	tests := []struct {
		name, details               string
		wantIBAN, wantName, wantRef string
	}{
		{"ASN", "NL47INGB9999999999 hr gjlm paulissen\n   \nBetaling sieraden", "NL47INGB9999999999", "hr gjlm paulissen", ""},
		{"old ABN AMRO", "GIRO   428428 KPN - DIGITENNE    BETALINGSKENM.  000000042188659\n5314606715    BETREFT FACTUUR", "", "", "000000042188659"},
		{"Rabobank", "BETALINGSKENM.  1234 5678 9012 3456\nFACTUUR 987", "", "", "1234567890123456"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tx creditflow.BankTransaction
			applyDetails(&tx, tt.details)
			if tx.CounterIBAN != tt.wantIBAN || tx.CounterName != tt.wantName || tx.StructuredRef != tt.wantRef || tx.RemittanceText == "" {
				t.Errorf("got %+v", tx)
			}
		})
	}
}

// The structured remittance of a SEPA credit names the reference's issuer:
// CUR (a national scheme, the Dutch betalingskenmerk), ISO (an ISO 11649 RF
// reference) or none; the reference is what follows the issuer.
func TestStructuredRemittanceIssuers(t *testing.T) {
	tests := []struct{ remi, want string }{
		{"/REMI/STRD/CUR/1234567890123456/", "1234567890123456"},
		{"/REMI/STRD/ISO/RF18539007547034/", "RF18539007547034"},
		{"/REMI/STRD/SCOR/ISO/RF18539007547034/", "RF18539007547034"},
		{"/REMI/STRD//RF18539007547034/", "RF18539007547034"},
	}
	for _, tt := range tests {
		var tx creditflow.BankTransaction
		applyDetails(&tx, "/TRTP/SEPA OVERBOEKING/IBAN/NL12ABNA0123456789/BIC/ABNANL2A/NAME/Klant B.V."+tt.remi+"EREF/E2E-1")
		if tx.StructuredRef != tt.want {
			t.Errorf("%s: structured reference %q, want %q", tt.remi, tx.StructuredRef, tt.want)
		}
	}
}
