package dunning_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/store"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// letterCustomers have a language attribute: A and C Dutch (A by default),
// E and D English.
const letterCustomers = `customer_id,name,country,segment,kind,payment_terms_days,credit_limit,registration_id,email,phone,language
A,Alfa B.V.,NL,retail,b2b,30,,,info@alfa.example,,
E,English Ltd,GB,retail,b2b,30,,,ap@english.example,,en
C,Carla Consument,NL,consumer,b2c,14,,,carla@example.nl,,nl
D,Dave Consumer,GB,consumer,b2c,14,,,dave@example.com,,EN
`

// letterInvoices: everyone has an invoice due on 2025-03-01; E has a second
// one due later, which shows on the statement before it is overdue.
const letterInvoices = `invoice_id,customer_id,invoice_date,due_date,amount,currency,disputed,description
A1,A,2025-01-30,2025-03-01,1000.00,EUR,false,
E1,E,2025-01-30,2025-03-01,2000.00,EUR,false,
E2,E,2025-03-20,2025-04-19,500.00,EUR,false,
C1,C,2025-02-15,2025-03-01,300.00,EUR,false,
D1,D,2025-02-15,2025-03-01,3210.50,EUR,false,
`

// loadLetterLedger ingests the letters' ledger into a fresh database.
func loadLetterLedger(tb testing.TB) *store.DB {
	tb.Helper()
	return ingestFiles(tb, "customers.csv", letterCustomers, "invoices.csv", letterInvoices)
}

func testCreditor() dunning.Creditor {
	return dunning.Creditor{Name: "Voorbeeld Groothandel B.V.", Address: "Keizersgracht 1, 1015 AA Amsterdam",
		IBAN: "NL91ABNA0417164300", BIC: "ABNANL2A", KvK: "12345678", Email: "debiteuren@voorbeeld.example"}
}

// lettersOn builds the worklist of asOf and its letters.
func lettersOn(t *testing.T, db *store.DB, asOf string) (dunning.Worklist, []dunning.DunningLetter) {
	t.Helper()
	ctx := context.Background()
	w, err := dunning.ComputeWorklist(ctx, db, day(t, asOf), dunning.Options{Policy: dunning.DefaultPolicy()})
	if err != nil {
		t.Fatal(err)
	}
	letters, err := dunning.Letters(ctx, db, w, dunning.LetterOptions{Creditor: testCreditor()})
	if err != nil {
		t.Fatal(err)
	}
	return w, letters
}

func TestLetters(t *testing.T) {
	type want struct {
		step     string
		lang     dunning.Language
		charging dunning.Charging
		contains []string
		excludes []string
	}
	friendlyNL := []string{"Vriendelijke herinnering", "€ 1.000,00", "NL91ABNA0417164300", "A-20250302", "16 maart 2025"}
	noFirst := []string{"eerste herinnering", "Eerste herinnering", "first reminder", "First reminder"}
	cases := []struct {
		name    string
		asOf    string
		actions []dunning.NewAction
		want    map[string]want // by customer; customers with a phone step or none are absent
	}{
		{
			name: "friendly reminders the day after the due date",
			asOf: "2025-03-02",
			want: map[string]want{
				"A": {step: "friendly_reminder", lang: dunning.Dutch, charging: dunning.ChargeNone, contains: friendlyNL, excludes: noFirst},
				"E": {step: "friendly_reminder", lang: dunning.English, charging: dunning.ChargeNone,
					contains: []string{"Friendly reminder", "€2,000.00", "16 March 2025"}, excludes: noFirst},
				"C": {step: "reminder", lang: dunning.Dutch, charging: dunning.ChargeNone, contains: []string{"Vriendelijke herinnering", "€ 300,00"}, excludes: noFirst},
				"D": {step: "reminder", lang: dunning.English, charging: dunning.ChargeNone, contains: []string{"Friendly reminder", "€3,210.50"}, excludes: noFirst},
			},
		},
		{
			name: "second reminder with statement and the 14-day letter",
			asOf: "2025-03-15",
			want: map[string]want{
				"A": {step: "second_reminder", lang: dunning.Dutch, charging: dunning.ChargeNone, contains: []string{"Rekeningoverzicht", "A1"}},
				"E": {step: "second_reminder", lang: dunning.English, charging: dunning.ChargeNone, contains: []string{"Account statement", "E1"}},
				// 15% of 300.00 = 45.00.
				"C": {step: "veertiendagenbrief", lang: dunning.Dutch, charging: dunning.ChargeAnnounce,
					contains: []string{"14 dagen", "dag na ontvangst", "€ 45,00", "6:96 lid 6 BW"}, excludes: []string{"uiterlijk"}},
				// 15% of 2,500 + 10% of 710.50 = 446.05.
				"D": {step: "veertiendagenbrief", lang: dunning.English, charging: dunning.ChargeAnnounce,
					contains: []string{"14 days", "day after you receive", "€446.05"}},
			},
		},
		{
			name: "aanmaning; the consumers' 14-day letter still due",
			asOf: "2025-03-31",
			want: map[string]want{
				"A": {step: "aanmaning", lang: dunning.Dutch, charging: dunning.ChargeAnnounce, contains: []string{"Aanmaning", "14 april 2025", "incassokosten van € 150,00"}},
				"E": {step: "aanmaning", lang: dunning.English, charging: dunning.ChargeAnnounce, contains: []string{"Formal reminder", "14 April 2025"}},
				"C": {step: "veertiendagenbrief", lang: dunning.Dutch, charging: dunning.ChargeAnnounce},
				"D": {step: "veertiendagenbrief", lang: dunning.English, charging: dunning.ChargeAnnounce},
			},
		},
		{
			name: "consumer aanmaning charges costs after the 14-day letter ran out",
			asOf: "2025-04-05",
			actions: []dunning.NewAction{
				{CustomerID: "C", Type: dunning.LetterSent, Step: "veertiendagenbrief", ActionDate: day(t, "2025-03-15")},
				{CustomerID: "D", Type: dunning.LetterSent, Step: "veertiendagenbrief", ActionDate: day(t, "2025-03-25")},
			},
			want: map[string]want{
				"A": {step: "aanmaning", lang: dunning.Dutch, charging: dunning.ChargeAnnounce},
				"E": {step: "aanmaning", lang: dunning.English, charging: dunning.ChargeAnnounce},
				"C": {step: "aanmaning", lang: dunning.Dutch, charging: dunning.ChargeClaim, contains: []string{"Aanmaning", "incassokosten van € 45,00", "wettelijke rente"}},
				// Sent on 25 March, received on 27 March: the 14 days run
				// until 10 April, so no aanmaning yet.
			},
		},
		{
			name: "ingebrekestelling states the final term; consumers get the 14-day letter first",
			asOf: "2025-04-20",
			actions: []dunning.NewAction{
				{CustomerID: "A", Type: dunning.LetterSent, Step: "aanmaning", ActionDate: day(t, "2025-03-31")},
				{CustomerID: "E", Type: dunning.LetterSent, Step: "aanmaning", ActionDate: day(t, "2025-03-31")},
			},
			want: map[string]want{
				// The aanmaning's 14 days ran out on 14 April: the costs
				// it announced are claimed.
				"A": {step: "ingebrekestelling", lang: dunning.Dutch, charging: dunning.ChargeClaim,
					contains: []string{"Ingebrekestelling", "in gebreke", "laatste termijn van 7 dagen", "27 april 2025", "incassobureau", "buitengerechtelijke incassokosten"}},
				"E": {step: "ingebrekestelling", lang: dunning.English, charging: dunning.ChargeClaim,
					contains: []string{"Notice of default", "final term of 7 days", "27 April 2025", "collection agency", "E2"}},
				// Catch-up never skips the 14-day letter of a consumer.
				"C": {step: "veertiendagenbrief", lang: dunning.Dutch, charging: dunning.ChargeAnnounce, contains: []string{"14 dagen", "€ 45,00"}},
				"D": {step: "veertiendagenbrief", lang: dunning.English, charging: dunning.ChargeAnnounce, contains: []string{"14 days"}},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := loadLetterLedger(t)
			for _, a := range tc.actions {
				record(t, db, a)
			}
			w, letters := lettersOn(t, db, tc.asOf)
			tasks := map[string]dunning.Task{}
			for _, task := range w.Tasks {
				tasks[task.CustomerID] = task
			}
			got := map[string]dunning.DunningLetter{}
			for _, l := range letters {
				if _, dup := got[l.CustomerID]; dup {
					t.Errorf("two letters for %s", l.CustomerID)
				}
				got[l.CustomerID] = l
			}
			if len(got) != len(tc.want) {
				t.Errorf("letters for %d customers, want %d", len(got), len(tc.want))
			}
			for id, wl := range tc.want {
				l, ok := got[id]
				if !ok {
					t.Errorf("%s: no letter, want %s", id, wl.step)
					continue
				}
				task := tasks[id]
				if l.Step != wl.step || l.Language != wl.lang || l.Charging != wl.charging {
					t.Errorf("%s: step %s, language %s, charging %s; want %s, %s, %s", id, l.Step, l.Language, l.Charging, wl.step, wl.lang, wl.charging)
				}
				// The amounts are the worklist's.
				if l.Principal != task.AmountOverdue {
					t.Errorf("%s: principal %s, worklist %s", id, l.Principal, task.AmountOverdue)
				}
				switch l.Charging {
				case dunning.ChargeNone:
					if l.Interest != 0 || l.Costs != 0 || l.Total != task.AmountOverdue {
						t.Errorf("%s: no charges expected, got interest %s, costs %s, total %s", id, l.Interest, l.Costs, l.Total)
					}
				case dunning.ChargeAnnounce:
					// A consumer's worklist costs are 0 until the 14-day
					// letter ran out; the letter announces what they will be.
					announced := task.Costs
					if task.Kind == creditflow.B2C && announced == 0 {
						cc, err := dunning.CollectionCosts(task.AmountOverdue, creditflow.B2C)
						if err != nil {
							t.Fatal(err)
						}
						announced = cc.Amount
					}
					if l.Costs != announced || l.Total != task.AmountOverdue {
						t.Errorf("%s: announced costs %s (worklist %s), total %s", id, l.Costs, task.Costs, l.Total)
					}
				case dunning.ChargeClaim:
					if l.Costs != task.Costs || l.Interest != task.Interest || l.Total != task.AmountOverdue+task.Interest+task.Costs {
						t.Errorf("%s: claimed interest %s, costs %s, total %s; worklist %s, %s", id, l.Interest, l.Costs, l.Total, task.Interest, task.Costs)
					}
				}
				var html bytes.Buffer
				if err := l.HTML(&html); err != nil {
					t.Fatalf("%s: %v", id, err)
				}
				page := html.String()
				for _, s := range append([]string{present.Lang(l.Language).Euro(l.Total), l.Reference}, wl.contains...) {
					if !strings.Contains(page, s) {
						t.Errorf("%s %s: HTML lacks %q", id, l.Step, s)
					}
				}
				for _, s := range wl.excludes {
					if strings.Contains(page, s) {
						t.Errorf("%s %s: HTML contains %q", id, l.Step, s)
					}
				}
				if strings.Contains(page, "[ONTBREEKT") || strings.Contains(page, "[MISSING") {
					t.Errorf("%s: placeholder with a complete creditor", id)
				}
			}

			dir := t.TempDir()
			files, err := dunning.WriteLetters(dir, letters)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range files {
				want := f.Letter.CustomerID + "-" + f.Letter.Step + "." + string(f.Letter.Language)
				if f.HTML != want+".html" || f.PDF != want+".pdf" {
					t.Errorf("files %s, %s; want %s.html, .pdf", f.HTML, f.PDF, want)
				}
				pdf, err := os.ReadFile(filepath.Join(dir, f.PDF))
				if err != nil {
					t.Fatal(err)
				}
				if len(pdf) < 1000 || !bytes.HasPrefix(pdf, []byte("%PDF")) {
					t.Errorf("%s: not a PDF (%d bytes)", f.PDF, len(pdf))
				}
				// The PDF holds its text in cp1252, where the euro sign is 0x80.
				total := strings.Replace(present.Lang(f.Letter.Language).Euro(f.Letter.Total), "€", "\x80", 1)
				for _, s := range []string{total, f.Letter.Reference, "NL91ABNA0417164300"} {
					if !bytes.Contains(pdf, []byte(s)) {
						t.Errorf("%s: PDF lacks %q", f.PDF, s)
					}
				}
				if fi, err := os.Stat(filepath.Join(dir, f.HTML)); err != nil || fi.Size() == 0 {
					t.Errorf("%s: %v", f.HTML, err)
				}
			}
			idx, err := os.Open(filepath.Join(dir, "index.csv"))
			if err != nil {
				t.Fatal(err)
			}
			defer idx.Close()
			recs, err := csv.NewReader(idx).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != len(letters)+1 {
				t.Errorf("index.csv has %d rows, want %d and a header", len(recs)-1, len(letters))
			}
		})
	}
}

func TestLettersPlaceholders(t *testing.T) {
	db := loadLetterLedger(t)
	ctx := context.Background()
	w, err := dunning.ComputeWorklist(ctx, db, day(t, "2025-03-02"), dunning.Options{Policy: dunning.DefaultPolicy()})
	if err != nil {
		t.Fatal(err)
	}
	letters, err := dunning.Letters(ctx, db, w, dunning.LetterOptions{Creditor: dunning.Creditor{Name: "Voorbeeld B.V."}})
	if err != nil {
		t.Fatal(err)
	}
	if m := (dunning.Creditor{Name: "Voorbeeld B.V."}).Missing(); len(m) != 5 {
		t.Errorf("missing %v, want 5 fields", m)
	}
	for _, l := range letters {
		var b bytes.Buffer
		if err := l.HTML(&b); err != nil {
			t.Fatal(err)
		}
		mark := "[ONTBREEKT: iban schuldeiser]"
		if l.Language == dunning.English {
			mark = "[MISSING: creditor iban]"
		}
		if !strings.Contains(b.String(), mark) || !strings.Contains(b.String(), "Voorbeeld B.V.") {
			t.Errorf("%s: HTML lacks placeholder %q or the creditor's name", l.CustomerID, mark)
		}
	}
}

func TestCustomerLanguage(t *testing.T) {
	cases := []struct {
		attrs string
		want  dunning.Language
	}{
		{"", dunning.Dutch},
		{`{}`, dunning.Dutch},
		{`{"language":"en"}`, dunning.English},
		{`{"language":" EN "}`, dunning.English},
		{`{"language":"nl"}`, dunning.Dutch},
		{`{"language":"de"}`, dunning.Dutch},
		{`not json`, dunning.Dutch},
	}
	for _, c := range cases {
		t.Run(c.attrs, func(t *testing.T) {
			if got := dunning.CustomerLanguage([]byte(c.attrs)); got != c.want {
				t.Errorf("CustomerLanguage(%s) = %s, want %s", c.attrs, got, c.want)
			}
		})
	}
}

func TestLetterForm(t *testing.T) {
	p := dunning.DefaultPolicy()
	want := map[string]string{
		"friendly_reminder": "friendly_reminder", "second_reminder": "second_reminder", "aanmaning": "aanmaning",
		"ingebrekestelling": "ingebrekestelling", "handover": "handover", "reminder": "friendly_reminder",
		"veertiendagenbrief": "veertiendagenbrief",
	}
	for _, s := range append(p.B2B, p.B2C...) {
		if s.Channel == dunning.Phone {
			continue
		}
		if got := dunning.LetterForm(dunning.Task{Step: s.Name, Template: s.Template}); got != want[s.Name] {
			t.Errorf("LetterForm(%s, %s) = %s, want %s", s.Name, s.Template, got, want[s.Name])
		}
	}
}

// TestLetterGolden compares one Dutch and one English letter with the
// golden files in testdata/; go test -update rewrites them.
func TestLetterGolden(t *testing.T) {
	db := loadLetterLedger(t)
	for _, id := range []string{"A", "E"} {
		record(t, db, dunning.NewAction{CustomerID: id, Type: dunning.LetterSent, Step: "aanmaning", ActionDate: day(t, "2025-03-31")})
	}
	_, letters := lettersOn(t, db, "2025-04-20")
	golden := map[string]string{"A": "letter_ingebrekestelling.nl.golden.html", "E": "letter_ingebrekestelling.en.golden.html"}
	for _, l := range letters {
		name, ok := golden[l.CustomerID]
		if !ok {
			continue
		}
		delete(golden, l.CustomerID)
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := l.HTML(&b); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", name)
			if *update {
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("%s differs from the golden file; run go test -update and review the diff\ngot:\n%s", path, b.String())
			}
		})
	}
	if len(golden) > 0 {
		t.Errorf("no letters for %v", golden)
	}
}
