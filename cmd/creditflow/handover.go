package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/present/xlsx"
	"github.com/xuri/excelize/v2"
)

// Files written by creditflow handover.
const (
	handoverCSV  = "handover.csv"
	handoverXLSX = "handover.xlsx"
)

// runHandover writes the hand-over export for the collection agency
// (*incassobureau*): the customers whose worklist step on --as-of is the
// hand-over, or the ones named with --customer.
func runHandover(ctx context.Context, c *command, args []string) error {
	c.asOfFlag("")
	out := c.String("out", "", "output `directory` (required)")
	c.policyFlag()
	var named []string
	c.Func("customer", "export customer `ID` (repeatable; default the customers at the hand-over step)", func(v string) error {
		if strings.TrimSpace(v) == "" {
			return fmt.Errorf("empty customer id")
		}
		named = append(named, v)
		return nil
	})
	if err := c.parseFlagsOnly(args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("handover: --out DIR is required")
	}
	return c.withDunningApp(ctx, func(a *app.App, asOf creditflow.Date) error {
		cases, err := a.HandoverCases(ctx, asOf, named)
		if err != nil {
			return err
		}
		dir := c.path(*out)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("handover: %w", err)
		}
		if err := writeHandoverCSV(filepath.Join(dir, handoverCSV), cases); err != nil {
			return err
		}
		if err := writeHandoverXLSX(filepath.Join(dir, handoverXLSX), cases); err != nil {
			return err
		}
		fmt.Fprintf(c.e.stdout, "Hand-over export %s: %d debtors written to %s and %s\n", asOf, len(cases),
			filepath.Join(*out, handoverCSV), filepath.Join(*out, handoverXLSX))
		for _, hc := range cases {
			fmt.Fprintf(c.e.stdout, "  %s  %s  total %s  advice %s\n", hc.Debtor.CustomerID, hc.Debtor.Name, present.EN.Plain(hc.Total), hc.Advice.Action)
		}
		return nil
	})
}

// handoverCSVHeader are the columns of handover.csv. Each row is one
// record: "invoice" (an overdue invoice of the claim), "disputed" (a
// disputed overdue invoice: listed, not claimed), "total" (the debtor's claim
// and the advice) or "dossier" (one entry of the timeline); the debtor's
// columns repeat on every row so that each row stands alone.
var handoverCSVHeader = []string{"record", "customer_id", "name", "kind", "address", "country", "registration_id", "email",
	"phone", "invoice_id", "invoice_date", "due_date", "date", "amount", "open_amount", "interest", "costs", "total",
	"entry_kind", "text"}

// writeHandoverCSV writes handover.csv.
func writeHandoverCSV(path string, cases []dunning.HandoverCase) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("handover: %w", err)
	}
	defer f.Close()
	w := csv.NewWriter(f)
	_ = w.Write(handoverCSVHeader)
	ds := func(d creditflow.Date) string {
		if d.IsZero() {
			return ""
		}
		return d.String()
	}
	for _, c := range cases {
		d := c.Debtor
		debtor := []string{d.CustomerID, d.Name, string(d.Kind), d.Address, d.Country, d.RegistrationID, d.Email, d.Phone}
		row := func(record string, rest ...string) {
			_ = w.Write(append(append([]string{record}, debtor...), rest...))
		}
		for _, inv := range c.Invoices {
			row("invoice", inv.InvoiceID, ds(inv.InvoiceDate), ds(inv.DueDate), "", inv.Amount.String(), inv.OpenAmount.String(),
				inv.Interest.String(), inv.Costs.String(), c.InvoiceTotal(inv).String(), "", "")
		}
		for _, inv := range c.Disputed {
			row("disputed", inv.InvoiceID, ds(inv.InvoiceDate), ds(inv.DueDate), "", inv.Amount.String(), inv.OpenAmount.String(),
				"", "", "", "disputed", "disputed: not part of the claim")
		}
		row("total", "", "", "", ds(c.AsOf), "", c.Claim.Principal.String(), c.Claim.Interest.String(), c.Claim.Costs.String(),
			c.Total.String(), c.Advice.Action, c.Advice.Reason)
		for _, en := range c.Dossier.Entries {
			amt := ""
			if en.Amount != nil {
				amt = en.Amount.String()
			}
			row("dossier", strings.Join(en.InvoiceIDs, " "), "", "", ds(en.Date), amt, "", "", "", "", string(en.Kind), en.Text)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("handover: %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("handover: %s: %w", path, err)
	}
	return nil
}

// Sheets of handover.xlsx.
const (
	sheetDebtors  = "Debtors"
	sheetInvoices = "Invoices"
	sheetDossier  = "Dossier"
)

// writeHandoverXLSX writes handover.xlsx: the debtors with their totals and
// advice, their invoices and their dossiers, one sheet each, amounts as
// numbers and dates as dates.
func writeHandoverXLSX(path string, cases []dunning.HandoverCase) error {
	b := xlsx.New(excelize.Style{Font: &excelize.Font{Bold: true}})
	defer b.Close()
	type cell = xlsx.Cell
	m, dt := b.Money, b.Date
	s := func(x string) cell { return xlsx.Value(x) }
	var debtors, invoices, dossier [][]cell
	for _, c := range cases {
		d := c.Debtor
		debtors = append(debtors, []cell{s(d.CustomerID), s(d.Name), s(string(d.Kind)), s(d.Address), s(d.Country),
			s(d.RegistrationID), s(d.Email), s(d.Phone), dt(c.AsOf), m(c.Claim.Principal), m(c.Claim.Interest), m(c.Claim.Costs),
			m(c.Total), s(c.Advice.Action), m(c.Advice.ExpectedRecovery), m(c.Advice.ExpectedKeep), s(c.Advice.Reason)})
		for _, inv := range c.Invoices {
			invoices = append(invoices, []cell{s(d.CustomerID), s(inv.InvoiceID), dt(inv.InvoiceDate), dt(inv.DueDate),
				xlsx.Value(inv.DaysPastDue), m(inv.Amount), m(inv.OpenAmount), m(inv.Interest), m(inv.Costs),
				m(c.InvoiceTotal(inv)), s("no")})
		}
		for _, inv := range c.Disputed {
			invoices = append(invoices, []cell{s(d.CustomerID), s(inv.InvoiceID), dt(inv.InvoiceDate), dt(inv.DueDate),
				xlsx.Value(inv.DaysPastDue), m(inv.Amount), m(inv.OpenAmount), m(0), m(0), m(0), s("yes: not claimed")})
		}
		for _, en := range c.Dossier.Entries {
			amt := xlsx.Value("")
			if en.Amount != nil {
				amt = m(*en.Amount)
			}
			dossier = append(dossier, []cell{s(d.CustomerID), dt(en.Date), s(string(en.Kind)), s(en.Text), amt,
				s(strings.Join(en.InvoiceIDs, " "))})
		}
	}
	b.Add(xlsx.Sheet{Name: sheetDebtors, Header: []string{"customer_id", "name", "kind", "address", "country", "registration_id", "email", "phone",
		"as_of", "principal", "interest", "costs", "total", "advice", "expected_recovery", "expected_keep", "reason"}, Rows: debtors})
	b.Add(xlsx.Sheet{Name: sheetInvoices, Header: []string{"customer_id", "invoice_id", "invoice_date", "due_date", "days_past_due", "amount",
		"open_amount", "interest", "costs", "total", "disputed"}, Rows: invoices})
	b.Add(xlsx.Sheet{Name: sheetDossier, Header: []string{"customer_id", "date", "kind", "text", "amount", "invoice_ids"}, Rows: dossier})
	if err := b.Err(); err != nil {
		return fmt.Errorf("handover: %s: %w", path, err)
	}
	if err := b.SaveAs(path); err != nil {
		return fmt.Errorf("handover: %s: %w", path, err)
	}
	return nil
}
