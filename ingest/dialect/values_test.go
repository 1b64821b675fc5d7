package dialect

import (
	"testing"
)

func TestParseAmount(t *testing.T) {
	for _, tc := range []struct {
		in, style, want string
		ok              bool
	}{
		{"1.234,56", DecimalComma, "1234.56", true},
		{"€ 1.234,56", DecimalComma, "1234.56", true},
		{"1234,56", DecimalComma, "1234.56", true},
		{"-1.234,56", DecimalComma, "-1234.56", true},
		{"1.234,56-", DecimalComma, "-1234.56", true},
		{"(150,25)", DecimalComma, "-150.25", true},
		{"1 234,5", DecimalComma, "1234.5", true},
		{"1,234.56", DecimalPoint, "1234.56", true},
		{"EUR 99.99", DecimalPoint, "99.99", true},
		{",5", DecimalComma, "0.5", true},
		{"veel", DecimalComma, "", false},
		{"1,2,3", DecimalPoint, "123", true}, // thousands groups are not checked
		{"", DecimalPoint, "", false},
		{"12,", DecimalComma, "", false},
	} {
		got, ok := parseAmount(tc.in, tc.style)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseAmount(%q, %s) = %q, %v; want %q, %v", tc.in, tc.style, got, ok, tc.want, tc.ok)
		}
	}
}

func TestNumberEvidence(t *testing.T) {
	for _, tc := range []struct {
		in           string
		comma, point bool
	}{
		{"1.234,56", true, false}, {"1234,5", true, false}, {"1.234.567,891", true, false},
		{"1,234.56", false, true}, {"99.99", false, true},
		{"1.234", false, false}, {"1,234", false, false}, {"100", false, false}, {"(150,25)", true, false},
	} {
		if c, p := numberEvidence(tc.in); c != tc.comma || p != tc.point {
			t.Errorf("numberEvidence(%q) = %v, %v; want %v, %v", tc.in, c, p, tc.comma, tc.point)
		}
	}
}

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in, style, want string
		ok              bool
	}{
		{"2026-10-31", isoDate, "2026-10-31", true},
		{"2026-10-31 00:00:00", isoDate, "2026-10-31", true},
		{"31-10-2026", dayFirst, "2026-10-31", true},
		{"1-2-2026", dayFirst, "2026-02-01", true},
		{"31/10/2026", dayFirst, "2026-10-31", true},
		{"31.10.2026", dayFirst, "2026-10-31", true},
		{"10/31/2026", monthFrst, "2026-10-31", true},
		{"31-13-2026", dayFirst, "", false},
		{"29-02-2025", dayFirst, "", false},
		{"46326", excelDate, "2026-10-31", true},
		{"46326.5", excelDate, "2026-10-31", true}, // noon
		{"31-10-26", dayFirst, "", false},
		{"2026-10-31", dayFirst, "", false},
	} {
		got, ok := parseDate(tc.in, tc.style)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseDate(%q, %s) = %q, %v; want %q, %v", tc.in, tc.style, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseBool(t *testing.T) {
	for in, want := range map[string]string{"ja": "true", "Nee": "false", "J": "true", "n": "false", "yes": "true", "0": "false", "TRUE": "true"} {
		if got, ok := parseBool(in); !ok || got != want {
			t.Errorf("parseBool(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := parseBool("misschien"); ok {
		t.Error("parseBool(misschien) is a boolean")
	}
}

func TestSniffDelimiter(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       rune
	}{
		{"comma", "a,b,c\n1,2,3\n", ','},
		{"semicolon with decimal commas", "a;b;c\n1;2,50;3\n4;5,00;6\n", ';'},
		{"tab", "a\tb\n1\t2\n", '\t'},
		{"quoted semicolons in a comma file", "a,b\n\"x;y;z\",2\n", ','},
		{"one column", "a\n1\n", ','},
	} {
		if got := sniffDelimiter([]byte(tc.text)); got != tc.want {
			t.Errorf("%s: sniffDelimiter = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestInferKind(t *testing.T) {
	tables := []Table{
		{Kind: "customers", Columns: []Column{{Name: "customer_id", Required: true}, {Name: "name"}}},
		{Kind: "invoices", Columns: []Column{{Name: "invoice_id", Required: true}, {Name: "customer_id", Required: true}, {Name: "invoice_date", Required: true}, {Name: "amount", Required: true}}},
		{Kind: "payments", Columns: []Column{{Name: "payment_id", Required: true}, {Name: "customer_id"}, {Name: "invoice_id"}, {Name: "payment_date", Required: true}, {Name: "amount", Required: true}}},
	}
	for _, tc := range []struct {
		header []string
		m      Mapping
		want   string
	}{
		{[]string{"Debiteurnummer", "Naam"}, nil, "customers"},
		{[]string{"Factuurnummer", "Relatiecode", "Factuurdatum", "Totaal incl. BTW"}, nil, "invoices"},
		{[]string{"Betalingsnummer", "Factuurnummer", "Betaaldatum", "Bedrag"}, nil, "payments"},
		{[]string{"invoice_id", "customer_id", "invoice_date", "amount"}, nil, "invoices"},
		{[]string{"Nr", "Wie"}, nil, ""},
		{[]string{"Nr", "Wie"}, Mapping{"customers": {Columns: map[string]string{"customer_id": "Nr", "name": "Wie"}}}, "customers"},
	} {
		if got := InferKind(tc.header, tables, tc.m); got != tc.want {
			t.Errorf("InferKind(%q) = %q, want %q", tc.header, got, tc.want)
		}
	}
}

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		name, in, want, enc string
	}{
		{"UTF-8", "Café", "Café", utf8Plain},
		{"UTF-8 with BOM", "\xef\xbb\xbfCafé", "Café", utf8BOM},
		{"Windows-1252", "Caf\xe9 \x80 5", "Café € 5", windows1252},
		{"UTF-16LE", "\xff\xfeC\x00a\x00f\x00\xe9\x00", "Café", utf16BOM},
	} {
		got, enc, err := decode([]byte(tc.in))
		if err != nil || string(got) != tc.want || enc != tc.enc {
			t.Errorf("%s: decode = %q, %s, %v; want %q, %s", tc.name, got, enc, err, tc.want, tc.enc)
		}
	}
}
