package risk

import (
	"context"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/demo"
)

// TestAlertsAreDatedByOnset checks that an alert carries the first weekly
// as-of date on which its change test fired, so that since= keeps only new ones.
func TestAlertsAreDatedByOnset(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a demo ledger")
	}
	ctx := context.Background()
	end := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	db, _ := changeLedger(t, demo.Config{Customers: 300, Invoices: 15000, Seed: 5, End: end, Years: 3})
	asOf := creditflow.NewDate(end)
	e := NewEngine(db, EngineOptions{Now: fixedNow})

	all, err := e.Alerts(ctx, asOf, creditflow.Date{})
	if err != nil {
		t.Fatal(err)
	}
	earliest := asOf.AddDays(-7 * onsetWeeks)
	older := 0
	for _, a := range all {
		if a.DetectedOn.After(asOf.Time) || a.DetectedOn.Before(earliest.Time) {
			t.Fatalf("%s detected on %s, outside [%s, %s]", a.CustomerID, a.DetectedOn, earliest, asOf)
		}
		if a.DetectedOn.Before(asOf.Time) {
			older++
		}
	}
	if older == 0 {
		t.Fatalf("all %d alerts dated on the as-of date; want persistent changes dated earlier", len(all))
	}
	// Spot-check the dating against the test run on the days themselves.
	checked := 0
	for _, a := range all {
		if !a.DetectedOn.After(earliest.Time) || checked == 5 {
			continue
		}
		checked++
		on, err := DetectChanges(ctx, db, a.DetectedOn)
		if err != nil {
			t.Fatal(err)
		}
		if ch, ok := on[a.CustomerID]; !ok || ch.Kind != a.Kind {
			t.Errorf("%s: not flagged %s on its detection date %s", a.CustomerID, a.Kind, a.DetectedOn)
		}
		before, err := DetectChanges(ctx, db, a.DetectedOn.AddDays(-7))
		if err != nil {
			t.Fatal(err)
		}
		if ch, ok := before[a.CustomerID]; ok && ch.Kind == a.Kind {
			t.Errorf("%s: already flagged %s a week before its detection date %s", a.CustomerID, a.Kind, a.DetectedOn)
		}
	}

	recent, err := e.Alerts(ctx, asOf, asOf)
	if err != nil {
		t.Fatal(err)
	}
	if len(recent) != len(all)-older {
		t.Errorf("since = as-of: %d alerts, want the %d detected that day", len(recent), len(all)-older)
	}
	t.Logf("%d alerts, %d dated before the as-of date, %d new on it", len(all), older, len(recent))
}
