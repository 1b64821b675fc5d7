package dunning_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/present"
)

// TestReasonsInWords checks the reasons of a task for people: in Dutch and
// in English with the right plural, money with its currency and the steps
// in words, while the API's reason keeps its form.
func TestReasonsInWords(t *testing.T) {
	a := promise(t, "M", "2025-04-10", "2025-04-20")
	m := money(t, "1234.56")
	a.Amount = &m
	cases := []struct {
		name     string
		actions  []dunning.NewAction
		asOf     string
		api      []string
		en, nl   []string
		notHuman []string
	}{
		{name: "a running promise", actions: []dunning.NewAction{a}, asOf: "2025-04-15",
			api: []string{"oldest overdue invoice 79 days past due (10 invoices, 424233.21 overdue)",
				"promise of 2025-04-10 to pay 1234.56 by 2025-04-20 covers 3 invoices (1200.00), paused until 2025-04-23"},
			en: []string{"oldest overdue invoice 79 days past due (10 invoices, EUR 424,233.21 overdue)",
				"promise of 2025-04-10 to pay EUR 1,234.56 by 2025-04-20 covers 3 invoices (EUR 1,200.00), paused until 2025-04-23"},
			nl: []string{"oudste factuur 79 dagen over de vervaldatum (10 facturen, € 424.233,21 achterstallig)",
				"betalingsbelofte van 10-04-2025 om € 1.234,56 te betalen vóór 20-04-2025 dekt 3 facturen (€ 1.200,00), aangehouden tot 23-04-2025"}},
		{name: "steps done and one invoice", asOf: "2025-02-20",
			actions: []dunning.NewAction{stepAction(t, "M", "friendly_reminder", "2025-01-10")},
			api:     []string{"(7 invoices, 142300.00 overdue)", "last step friendly_reminder on 2025-01-10"},
			en:      []string{"(7 invoices, EUR 142,300.00 overdue)", "last step payment reminder on 2025-01-10"},
			nl:      []string{"laatste stap betalingsherinnering op 10-01-2025", "ingehaald voorbij tweede herinnering met rekeningoverzicht, bellen, aanmaning"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, w, tasks := worklistCase(t, manyInvoices(""), c.actions, nil, c.asOf)
			task, ok := tasks["M"]
			if !ok {
				t.Fatalf("no task for M")
			}
			en, nl := task.ReasonIn(present.EN, w.Currency), task.ReasonIn(present.NL, w.Currency)
			for _, s := range c.api {
				if !strings.Contains(task.Reason, s) {
					t.Errorf("API reason %q lacks %q", task.Reason, s)
				}
			}
			for _, s := range c.en {
				if !strings.Contains(en, s) {
					t.Errorf("English reason %q lacks %q", en, s)
				}
			}
			for _, s := range c.nl {
				if !strings.Contains(nl, s) {
					t.Errorf("Dutch reason %q lacks %q", nl, s)
				}
			}
			for _, code := range []string{"friendly_reminder", "_", "invoices", "overdue", "days"} {
				if strings.Contains(nl, code) {
					t.Errorf("Dutch reason %q has %q", nl, code)
				}
			}
		})
	}
}

// TestReasonPlural checks one invoice and one day in both languages.
func TestReasonPlural(t *testing.T) {
	l := ledger{customers: "S,Single B.V.,NL,retail,b2b,30,,,,,\n",
		invoices: "S1,S,2025-01-01,2025-01-31,4030.05,EUR,false,\n"}
	_, _, w, tasks := worklistCase(t, l, nil, nil, "2025-02-01")
	task, ok := tasks["S"]
	if !ok {
		t.Fatal("no task for S")
	}
	for lang, want := range map[present.Lang]string{
		present.EN: "oldest overdue invoice 1 day past due (1 invoice, EUR 4,030.05 overdue)",
		present.NL: "oudste factuur 1 dag over de vervaldatum (1 factuur, € 4.030,05 achterstallig)",
	} {
		if got := task.ReasonIn(lang, w.Currency); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
	if want := "oldest overdue invoice 1 day past due (1 invoice, 4030.05 overdue)"; task.Reason != want {
		t.Errorf("API reason %q, want %q", task.Reason, want)
	}
}

// TestEveryReasonHasDutch checks that every text of a reason (the literal
// formats given to f and plural) has its Dutch.
func TestEveryReasonHasDutch(t *testing.T) {
	sources, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	found := 0
	for _, name := range sources {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "f" && sel.Sel.Name != "plural") {
				return true
			}
			for _, arg := range call.Args {
				lit, ok := arg.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					continue
				}
				text, _ := strconv.Unquote(lit.Value)
				found++
				if !present.HasDutch(text) {
					t.Errorf("%s: no Dutch for %q", fset.Position(lit.Pos()), text)
				}
			}
			return true
		})
	}
	if found < 20 {
		t.Errorf("found %d texts of reasons, want the 20 and more there are", found)
	}
}
