package ubl

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/creditflow/creditflow"
)

// fixtures holds the EN 16931 UBL examples (ConnectingEurope/eInvoicing-EN16931,
// EUPL-1.2), read in place.
const fixtures = "../../../shared/fixtures/en16931_ubl"

// fixtureFiles returns the XML fixtures, or skips the test when they are
// not there.
func fixtureFiles(tb testing.TB) []string {
	tb.Helper()
	var files []string
	for _, pat := range []string{"*.xml", "*.XML"} {
		m, err := filepath.Glob(filepath.Join(fixtures, pat))
		if err != nil {
			tb.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		tb.Skipf("no UBL fixtures in %s; they live in the shared fixtures folder", fixtures)
	}
	return files
}

func parseFile(t *testing.T, path string) (Document, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Parse(f, filepath.Base(path))
}

func TestParseFixtures(t *testing.T) {
	files := fixtureFiles(t)
	tests := []struct {
		file      string
		kind      string
		id        string
		amount    creditflow.Money // cents
		currency  string
		buyerID   string
		buyerName string
		due       string
	}{
		// A Peppol BIS 3 invoice with a negative total; the buyer has
		// PartyLegalEntity/CompanyID DK87654321 and PartyName "Company B".
		{"BIS3_Invoice_negativ.XML", KindInvoice, "12345", -78217943, "DKK", "DK87654321", "Company B", "2019-02-24"},
		{"BIS3_Invoice_positive.XML", KindInvoice, "12345", 78217943, "DKK", "DK87654321", "Company B", "2019-02-24"},
		// The buyer has only PartyIdentification/ID 10202 and a
		// RegistrationName "ODIN 59"; PayableAmount 250.33 EUR.
		{"guide-example1.xml", KindInvoice, "12115118", 25033, "EUR", "10202", "ODIN 59", "2015-01-09"},
		{"guide-example2.xml", KindInvoice, "TOSL108", 80178, "NOK", "987654321", "The Buyercompany", "2013-07-20"},
		{"guide-example3.xml", KindInvoice, "TOSL108", 112500, "DKK", "5790000435975", "Buyercompany ltd", "2013-05-10"},
		// PayableAmount "830" without decimals is 830.00 SEK.
		{"issue116.xml", KindInvoice, "2018210", 83000, "SEK", "1234512345", "Project services AB", "2018-03-07"},
		// The buyer's name wraps over two lines in the XML.
		{"sample-discount-price.xml", KindInvoice, "test decimal 1", 1515, "EUR", "08634543", "HEP-OPERATOR DISTRIBUCIJSKOG SUSTAVA D.O.O. ZA DISTRIBUCIJU I OPSKRBU ELEKTRICNE ENERGIJE", "2018-02-28"},
		// A credit note of 100.11 EUR becomes -100.11; it has no due date.
		{"ubl-tc434-creditnote1.xml", KindCreditNote, "018304 / 28865", -10011, "EUR", "0000000295", "My Customer Company S.A.", ""},
		{"ubl-tc434-example1.xml", KindInvoice, "12115118", 25033, "EUR", "10202", "ODIN 59", "2015-01-09"},
		{"ubl-tc434-example10.xml", KindInvoice, "12115118", 25033, "EUR", "10202", "ODIN 59", "2015-01-09"},
		{"ubl-tc434-example2.xml", KindInvoice, "TOSL108", 80178, "NOK", "987654321", "The Buyercompany", "2013-07-20"},
		{"ubl-tc434-example3.xml", KindInvoice, "TOSL108", 200500, "DKK", "987654321", "Buyercompany ltd", "2013-05-10"},
		{"ubl-tc434-example4.xml", KindInvoice, "TOSL110", 467500, "DKK", "5790000436057", "Buyercompany ltd", "2013-05-10"},
		{"ubl-tc434-example5.xml", KindInvoice, "TOSL110", 233750, "DKK", "DK16356607", "Buyco", "2013-05-10"},
		// The buyer has no identifier at all, so its name is its id.
		{"ubl-tc434-example6.xml", KindInvoice, "TOSL110", 467500, "DKK", "Buyercompany ltd", "Buyercompany ltd", "2013-05-10"},
		// No cbc:DueDate; "Payment within 30 days" from 2013-03-11 gives
		// 2013-04-10.
		{"ubl-tc434-example7.xml", KindInvoice, "INVOICE_test_7", 320000, "SEK", "THe Buyercompany", "THe Buyercompany", "2013-04-10"},
		{"ubl-tc434-example8.xml", KindInvoice, "1100512149", 109978, "EUR", "1081119", "Klant", "2014-11-24"},
		{"ubl-tc434-example9.xml", KindInvoice, "20150483", 17787, "EUR", "Provide Verzekeringen", "Provide Verzekeringen", "2015-04-14"},
	}
	if len(files) != len(tests) {
		t.Errorf("%d fixture files, %d table rows: add the new ones to the table", len(files), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join(fixtures, tt.file)
			if _, err := os.Stat(path); err != nil {
				t.Skipf("fixture missing: %v", err)
			}
			d, err := parseFile(t, path)
			if err != nil {
				t.Fatal(err)
			}
			inv := d.Invoice
			if d.Kind != tt.kind || inv.ID != tt.id || inv.Amount != tt.amount || inv.Currency != tt.currency {
				t.Errorf("got kind %s id %q amount %s %s, want %s %q %s %s",
					d.Kind, inv.ID, inv.Amount, inv.Currency, tt.kind, tt.id, tt.amount, tt.currency)
			}
			if inv.CustomerID != tt.buyerID || d.Customer.ID != tt.buyerID || d.Customer.Name != tt.buyerName {
				t.Errorf("got buyer %q/%q %q, want %q %q", inv.CustomerID, d.Customer.ID, d.Customer.Name, tt.buyerID, tt.buyerName)
			}
			due := ""
			if !inv.DueDate.IsZero() {
				due = inv.DueDate.String()
			}
			if due != tt.due {
				t.Errorf("due date %q, want %q", due, tt.due)
			}
			if inv.InvoiceDate.IsZero() || d.Customer.Kind != creditflow.B2B || d.Customer.Country == "" {
				t.Errorf("incomplete: invoice date %v, kind %q, country %q", inv.InvoiceDate, d.Customer.Kind, d.Customer.Country)
			}
		})
	}
}

// TestParseFixtureDetails hand-checks the fields that the table leaves out.
func TestParseFixtureDetails(t *testing.T) {
	fixtureFiles(t)
	d, err := parseFile(t, filepath.Join(fixtures, "ubl-tc434-creditnote1.xml"))
	if err != nil {
		t.Fatal(err)
	}
	want := Document{
		Kind:             KindCreditNote,
		PaymentReference: "010676609538",
		Address:          "Boulevard Sint Michel 53, BRUXELLES, 1000",
	}
	if d.Kind != want.Kind || d.PaymentReference != want.PaymentReference || d.Address != want.Address {
		t.Errorf("got %s %q %q, want %s %q %q", d.Kind, d.PaymentReference, d.Address, want.Kind, want.PaymentReference, want.Address)
	}
	c := d.Customer
	if c.RegistrationID != "0000000295" || c.Email != "pete.smith@mycustomercompany.be" || c.Country != "BE" {
		t.Errorf("customer %+v", c)
	}
	if got := d.Invoice.InvoiceDate.String(); got != "2019-09-23" {
		t.Errorf("invoice date %s, want 2019-09-23", got)
	}

	// Example 5 is a corrective invoice that refers to TOSL109.
	d, err = parseFile(t, filepath.Join(fixtures, "ubl-tc434-example5.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if d.PrecedingInvoice != "TOSL109" {
		t.Errorf("preceding invoice %q, want TOSL109", d.PrecedingInvoice)
	}
	// Example 7's terms are "Payment within 30 days".
	d, err = parseFile(t, filepath.Join(fixtures, "ubl-tc434-example7.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if d.PaymentTerms != "Payment within 30 days" {
		t.Errorf("payment terms %q", d.PaymentTerms)
	}
}

const (
	nsDecl = `xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
	xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"`

	// minimalInvoice has the elements Peppol BIS Billing 3.0 requires, and
	// no more (no lines).
	minimalInvoice = `<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
	` + nsDecl + `>
	<cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
	<cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
	<cbc:ID>INV-2026-0042</cbc:ID>
	<cbc:IssueDate>2026-03-02</cbc:IssueDate>
	<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
	<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
	<cbc:BuyerReference>PO-77</cbc:BuyerReference>
	<cac:AccountingSupplierParty><cac:Party>
		<cbc:EndpointID schemeID="0106">12345678</cbc:EndpointID>
		<cac:PostalAddress><cac:Country><cbc:IdentificationCode>NL</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
		<cac:PartyLegalEntity><cbc:RegistrationName>Leverancier BV</cbc:RegistrationName></cac:PartyLegalEntity>
	</cac:Party></cac:AccountingSupplierParty>
	<cac:AccountingCustomerParty><cac:Party>
		<cbc:EndpointID schemeID="0106">87654321</cbc:EndpointID>
		<cac:PostalAddress>
			<cbc:StreetName>Kerkstraat 1</cbc:StreetName>
			<cbc:CityName>Utrecht</cbc:CityName>
			<cbc:PostalZone>3511 AA</cbc:PostalZone>
			<cac:Country><cbc:IdentificationCode>NL</cbc:IdentificationCode></cac:Country>
		</cac:PostalAddress>
		<cac:PartyLegalEntity><cbc:RegistrationName>Klant NV</cbc:RegistrationName></cac:PartyLegalEntity>
		<cac:Contact><cbc:Telephone>+31 30 123 4567</cbc:Telephone></cac:Contact>
	</cac:Party></cac:AccountingCustomerParty>
	<cac:PaymentMeans>
		<cbc:PaymentMeansCode>58</cbc:PaymentMeansCode>
		<cbc:PaymentID>RF18 5390 0754 7034</cbc:PaymentID>
	</cac:PaymentMeans>
	<cac:PaymentTerms><cbc:Note>Net 14 days</cbc:Note></cac:PaymentTerms>
	<cac:TaxTotal><cbc:TaxAmount currencyID="EUR">21.00</cbc:TaxAmount></cac:TaxTotal>
	<cac:LegalMonetaryTotal>
		<cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>
		<cbc:TaxExclusiveAmount currencyID="EUR">100.00</cbc:TaxExclusiveAmount>
		<cbc:TaxInclusiveAmount currencyID="EUR">121.00</cbc:TaxInclusiveAmount>
		<cbc:PayableAmount currencyID="EUR">121.00</cbc:PayableAmount>
	</cac:LegalMonetaryTotal>
</Invoice>
`

	creditNote = `<?xml version="1.0" encoding="UTF-8"?>
<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
	` + nsDecl + `>
	<cbc:ID>CN-7</cbc:ID>
	<cbc:IssueDate>2026-04-01</cbc:IssueDate>
	<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>
	<cbc:Note>Returned goods</cbc:Note>
	<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
	<cac:BillingReference>
		<cac:InvoiceDocumentReference>
			<cbc:ID>INV-2026-0042</cbc:ID>
			<cbc:IssueDate>2026-03-02</cbc:IssueDate>
		</cac:InvoiceDocumentReference>
	</cac:BillingReference>
	<cac:AccountingCustomerParty><cac:Party>
		<cac:PartyIdentification><cbc:ID>C-0042</cbc:ID></cac:PartyIdentification>
		<cac:PartyName><cbc:Name>Klant</cbc:Name></cac:PartyName>
		<cac:PartyTaxScheme><cbc:CompanyID>NL001234567B01</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
		<cac:PartyLegalEntity><cbc:RegistrationName>Klant NV</cbc:RegistrationName></cac:PartyLegalEntity>
	</cac:Party></cac:AccountingCustomerParty>
	<cac:PaymentMeans>
		<cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>
		<cbc:PaymentDueDate>2026-04-15</cbc:PaymentDueDate>
	</cac:PaymentMeans>
	<cac:LegalMonetaryTotal>
		<cbc:PayableAmount currencyID="EUR">60.50</cbc:PayableAmount>
	</cac:LegalMonetaryTotal>
</CreditNote>
`
)

func TestParseMinimalPeppolInvoice(t *testing.T) {
	d, err := Parse(strings.NewReader(minimalInvoice), "minimal.xml")
	if err != nil {
		t.Fatal(err)
	}
	inv, c := d.Invoice, d.Customer
	if d.Kind != KindInvoice || inv.ID != "INV-2026-0042" || inv.Amount != 12100 || inv.Currency != "EUR" {
		t.Errorf("invoice %+v", inv)
	}
	// No DueDate: "Net 14 days" from 2026-03-02.
	if inv.InvoiceDate.String() != "2026-03-02" || inv.DueDate.String() != "2026-03-16" {
		t.Errorf("dates %s %s, want 2026-03-02 2026-03-16", inv.InvoiceDate, inv.DueDate)
	}
	// No CompanyID or PartyIdentification: the EndpointID is the id.
	if inv.CustomerID != "87654321" || c.ID != "87654321" || c.Name != "Klant NV" || c.Country != "NL" || c.Phone != "+31 30 123 4567" || c.RegistrationID != "" {
		t.Errorf("customer %+v", c)
	}
	if d.Address != "Kerkstraat 1, Utrecht, 3511 AA" || d.PaymentReference != "RF18 5390 0754 7034" || d.PaymentTerms != "Net 14 days" || d.PrecedingInvoice != "" {
		t.Errorf("document %+v", d)
	}
}

func TestParseCreditNote(t *testing.T) {
	d, err := Parse(strings.NewReader(creditNote), "cn.xml")
	if err != nil {
		t.Fatal(err)
	}
	inv := d.Invoice
	if d.Kind != KindCreditNote || inv.Amount != -6050 || d.PrecedingInvoice != "INV-2026-0042" {
		t.Errorf("got kind %s amount %s preceding %q, want credit_note -60.50 INV-2026-0042", d.Kind, inv.Amount, d.PrecedingInvoice)
	}
	// The IssueDate inside the billing reference must not be taken.
	if inv.InvoiceDate.String() != "2026-04-01" || inv.DueDate.String() != "2026-04-15" {
		t.Errorf("dates %s %s", inv.InvoiceDate, inv.DueDate)
	}
	// Without a legal CompanyID the PartyIdentification is the id, and the
	// VAT number the registration id.
	if inv.CustomerID != "C-0042" || d.Customer.Name != "Klant" || d.Customer.RegistrationID != "NL001234567B01" {
		t.Errorf("customer %+v", d.Customer)
	}
	if inv.Description != "Returned goods" {
		t.Errorf("description %q", inv.Description)
	}
}

func TestParseRejectsOtherDocuments(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"order.xml", `<?xml version="1.0"?>
<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2" ` + nsDecl + `>
	<cbc:ID>PO-77</cbc:ID>
	<cbc:IssueDate>2026-02-20</cbc:IssueDate>
</Order>`, "order.xml: a UBL Order is not an invoice or credit note"},
		{"despatch.xml", `<DespatchAdvice xmlns="urn:oasis:names:specification:ubl:schema:xsd:DespatchAdvice-2" ` + nsDecl + `>
	<cbc:ID>DA-1</cbc:ID>
</DespatchAdvice>`, "despatch.xml: a UBL DespatchAdvice is not an invoice or credit note"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.doc), tt.name)
			if !errors.Is(err, creditflow.ErrInvalid) {
				t.Fatalf("error %v, want ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to say %q", err, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	// drop removes the first line containing s from the minimal invoice.
	drop := func(s string) string {
		lines := strings.Split(minimalInvoice, "\n")
		for i, l := range lines {
			if strings.Contains(l, s) {
				return strings.Join(append(lines[:i:i], lines[i+1:]...), "\n")
			}
		}
		panic("no line with " + s)
	}
	replace := func(old, new string) string {
		if !strings.Contains(minimalInvoice, old) {
			panic("no " + old)
		}
		return strings.Replace(minimalInvoice, old, new, 1)
	}
	// Lines in minimalInvoice: the root starts on 2, cbc:IssueDate is on 8,
	// the buyer's cac:Party on 17, cac:PaymentTerms on 32,
	// cac:LegalMonetaryTotal on 34 and its cbc:PayableAmount on 38.
	tests := []struct {
		name string
		doc  string
		want []string // substrings of the message
	}{
		{"no id", drop("<cbc:ID>INV-"), []string{"x.xml:2:", "cbc:ID"}},
		{"no issue date", drop("<cbc:IssueDate>"), []string{"x.xml:2:", "cbc:IssueDate"}},
		{"no payable", drop("PayableAmount"), []string{"x.xml:34:", "cbc:PayableAmount"}},
		{"no total", strings.ReplaceAll(minimalInvoice, "LegalMonetaryTotal>", "Totals>"), []string{"x.xml:2:", "cac:LegalMonetaryTotal/cbc:PayableAmount"}},
		{"no buyer", strings.ReplaceAll(minimalInvoice, "AccountingCustomerParty>", "Buyer>"), []string{"x.xml:2:", "cac:AccountingCustomerParty"}},
		{"buyer without id or name", strings.NewReplacer(
			`<cbc:EndpointID schemeID="0106">87654321</cbc:EndpointID>`, "",
			"<cbc:RegistrationName>Klant NV</cbc:RegistrationName>", "").Replace(minimalInvoice),
			[]string{"x.xml:17:", "identifier"}},
		{"three decimals", replace(`"EUR">121.00</cbc:PayableAmount>`, `"EUR">121.005</cbc:PayableAmount>`), []string{"x.xml:38:", "121.005", "two decimals"}},
		{"bad date", replace("2026-03-02", "02-03-2026"), []string{"x.xml:8:", "cbc:IssueDate", "YYYY-MM-DD"}},
		{"malformed", replace("</cac:PaymentTerms>", "</cac:PaymentTerm>"), []string{"x.xml:32:", "malformed XML"}},
		{"truncated", minimalInvoice[:len(minimalInvoice)/2], []string{"x.xml:", "malformed XML"}},
		{"latin-1", strings.Replace(minimalInvoice, `encoding="UTF-8"`, `encoding="ISO-8859-1"`, 1), []string{"x.xml:1:", "expected UTF-8"}},
		{"empty", "", []string{"x.xml:1:", "root element"}},
		{"not UBL", `<Invoice><ID>1</ID></Invoice>`, []string{"x.xml:1:", "UBL 2.1"}},
		{"wrong namespace", strings.ReplaceAll(minimalInvoice, "CommonBasicComponents-2", "CommonBasicComponents-3"), []string{"x.xml:2:", "cbc:ID"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.doc), "x.xml")
			if !errors.Is(err, creditflow.ErrInvalid) {
				t.Fatalf("error %v, want ErrInvalid", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q, want it to contain %q", err, w)
				}
			}
		})
	}
}

func TestTermsDays(t *testing.T) {
	tests := []struct {
		terms string
		days  int
		ok    bool
	}{
		{"Payment within 30 days", 30, true},
		{"Net 14", 14, true},
		{"netto 60 dagen", 60, true},
		{"30 dagar netto. Dröjsmålsränta:12 %", 30, true},
		{"2 % discount if paid within 2 days Penalty percentage 10% from due date", 0, false},
		{"50% prepaid, 50% within one month", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		days, ok := termsDays(tt.terms)
		if days != tt.days || ok != tt.ok {
			t.Errorf("termsDays(%q) = %d, %v, want %d, %v", tt.terms, days, ok, tt.days, tt.ok)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, pat := range []string{"*.xml", "*.XML"} {
		files, _ := filepath.Glob(filepath.Join(fixtures, pat))
		for _, path := range files {
			b, err := os.ReadFile(path)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Add([]byte(minimalInvoice))
	f.Add([]byte(creditNote))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := Parse(strings.NewReader(string(b)), "fuzz.xml")
		if err != nil {
			if !errors.Is(err, creditflow.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), "fuzz.xml") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if d.Kind != KindInvoice && d.Kind != KindCreditNote {
			t.Fatalf("kind %q", d.Kind)
		}
		if d.Invoice.ID == "" || d.Invoice.CustomerID == "" || d.Invoice.InvoiceDate.IsZero() {
			t.Fatalf("accepted without a required field: %+v", d.Invoice)
		}
		if d.Invoice.CustomerID != d.Customer.ID {
			t.Fatalf("invoice customer %q, customer %q", d.Invoice.CustomerID, d.Customer.ID)
		}
	})
}
