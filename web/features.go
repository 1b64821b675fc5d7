package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/present"
)

// The feature table of the customer page: what the risk engine sees of a
// customer, in words and in units.

type featureRow struct {
	Name  string
	Key   string
	Value string
}

// featureLabels name the features of the risk engine (risk.Features) in
// words. A feature the list does not know is shown by its own name; a
// "_shrunk" one by the name of its unshrunk self.
var featureLabels = map[string]string{
	"payment_terms_days":      "Payment terms",
	"invoices":                "Invoices",
	"payments":                "Payments",
	"credit_notes":            "Credit notes",
	"credit_note_amount":      "Credited amount",
	"first_invoice":           "First invoice",
	"last_invoice":            "Last invoice",
	"last_payment":            "Last payment",
	"relationship_days":       "Customer for",
	"days_since_last_payment": "Since the last payment",
	"sales_3m":                "Sales, last 3 months",
	"sales_12m":               "Sales, last 12 months",
	"usual_invoice_amount":    "Usual invoice amount (median)",
	"open_amount":             "Open amount",
	"overdue_amount":          "Overdue amount",
	"unapplied_credit":        "Unapplied credit",
	"exposure":                "Exposure",
	"open_items":              "Open invoices",
	"overdue_items":           "Overdue invoices",
	"oldest_overdue_days":     "Oldest overdue invoice, past due",
	"disputes":                "Disputed invoices",
	"disputed_open_amount":    "Disputed open amount",
	"partials":                "Invoices paid in parts",
	"reversals":               "Reversed payments (storneringen)",
	"dbt":                     "Days beyond terms (DBT)",
	"dbt_invoices":            "Invoices behind the DBT",
	"dbt_90":                  "DBT, due in the last 90 days",
	"dbt_90_invoices":         "Invoices behind the 90-day DBT",
	"dbt_365":                 "DBT, due in the last year",
	"dbt_365_invoices":        "Invoices behind the 1-year DBT",
	"dbt_trend":               "DBT trend, per 30 days",
	"dbt_volatility":          "Spread of days late (std. dev.)",
	"late_share":              "Share paid late",
	"late_known":              "Invoices whose lateness is known",
	"very_late_share":         "Share paid 60+ days late",
	"very_late_known":         "Invoices known to be 60+ days late or not",
	"late_share_180":          "Share paid late, due in the last 180 days",
	"late_known_180":          "Invoices known, due in the last 180 days",
	"partial_share":           "Share paid in parts",
	"segment_late_share":      "Segment: share paid late",
	"segment_very_late_share": "Segment: share paid 60+ days late",
	"segment_dbt":             "Segment: days beyond terms",
}

// featureHidden are features the page shows elsewhere.
var featureHidden = map[string]bool{"customer_id": true, "as_of": true, "segment": true, "kind": true}

// featureRows lists the fields of the engine's features in their order,
// whatever the engine puts in them: they are read back from its JSON.
func featureRows(l present.Lang, f any) ([]featureRow, error) {
	b, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("features are not a JSON object: %s", b)
	}
	var rows []featureRow
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := t.(string)
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		if featureHidden[key] {
			continue
		}
		rows = append(rows, featureRow{Name: featureName(l, key), Key: key, Value: featureValue(l, key, v)})
	}
	return rows, nil
}

// featureName is how a feature reads on the page, in l.
func featureName(l present.Lang, key string) string {
	if base, ok := strings.CutSuffix(key, "_shrunk"); ok {
		return l.Tf("%s, blended with segment", featureName(l, base))
	}
	if name := featureLabels[key]; name != "" {
		return l.T(name)
	}
	name := strings.ReplaceAll(key, "_", " ")
	if name == "" {
		return key
	}
	return strings.ToUpper(name[:1]) + name[1:]
}

// featureUnit guesses the unit of a feature from its name: "share" (a
// fraction in [0,1]), "money", "days" or "" (a count or a date).
func featureUnit(key string) string {
	switch {
	case strings.Contains(key, "share"):
		return "share"
	case strings.Contains(key, "amount") || strings.HasPrefix(key, "sales_") || key == "exposure" || key == "unapplied_credit":
		return "money"
	case strings.HasSuffix(key, "_invoices") || strings.HasPrefix(key, "late_known") || strings.HasPrefix(key, "very_late_known"):
		return ""
	case strings.Contains(key, "dbt") || strings.HasSuffix(key, "_days") || strings.HasPrefix(key, "days_"):
		return "days"
	}
	return ""
}

// featureValue writes one feature in its unit, in l.
func featureValue(l present.Lang, key string, v any) string {
	switch x := v.(type) {
	case nil:
		return "–"
	case bool:
		if x {
			return l.T("yes")
		}
		return l.T("no")
	case string:
		if x == "" {
			return "–"
		}
		if d, err := creditflow.ParseDate(x); err == nil {
			return l.Date(d)
		}
		return x
	case json.Number:
		f, err := x.Float64()
		if err != nil || math.Abs(f) > 1e15 {
			return x.String()
		}
		switch featureUnit(key) {
		case "share":
			return l.Percent(100 * f)
		case "money":
			return l.Amount(creditflow.Money(math.Round(f * 100)))
		case "days":
			return l.Days(f)
		}
		if n, err := x.Int64(); err == nil {
			return l.Count(int(n))
		}
		return l.Number(f)
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}
