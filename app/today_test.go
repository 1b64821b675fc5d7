package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/app/apptest"
	"github.com/creditflow/creditflow/store/storetest"
)

// newTodayApp returns an application on the day ledger (apptest.TodayLedger).
func newTodayApp(t *testing.T) *app.App {
	t.Helper()
	p := apptest.TodayPolicy()
	a := app.New(app.Config{DB: storetest.MustOpen(t), Now: func() time.Time { return apptest.TodayNow }, Policy: &p})
	apptest.TodayLedger(t, a)
	return a
}

// TestToday checks every block of the day on the hand-made day ledger,
// whose figures are worked out in apptest.TodayLedger.
func TestToday(t *testing.T) {
	ctx := context.Background()
	a := newTodayApp(t)
	asOf := apptest.TodayAsOf
	since := apptest.TodayNow.AddDate(0, 0, -app.FirstVisitDays)
	d, err := a.Today(ctx, asOf, "anna", since)
	if err != nil {
		t.Fatal(err)
	}
	date := func(days int) creditflow.Date { return asOf.AddDays(days) }
	if d.AsOf != asOf || d.Currency != "EUR" || d.User != "anna" || d.CallCapacity != 2 {
		t.Errorf("head: as of %s, %s, user %q, capacity %d", d.AsOf, d.Currency, d.User, d.CallCapacity)
	}

	t.Run("promises", func(t *testing.T) {
		p := d.Promises
		if len(p.Due) != 1 || p.DueTotal != 300_00 {
			t.Fatalf("due: %+v, total %s; want P1's 300.00", p.Due, p.DueTotal)
		}
		if got, want := p.Due[0], (creditflow.DuePromise{ActionID: got0(p.Due).ActionID, CustomerID: "P1", Name: "Pelikaan BV", Owner: "Anna",
			Made: date(-6), PromiseDate: date(0), Amount: 300_00, HasAmount: true, Invoices: 1, CreatedBy: "Anna"}); got != want {
			t.Errorf("due: %+v, want %+v", got, want)
		}
		if len(p.Broken) != 1 || p.BrokenTotal != 250_00 {
			t.Fatalf("broken: %+v, total %s; want P2's 250.00 short (P3 kept)", p.Broken, p.BrokenTotal)
		}
		if got, want := p.Broken[0], (creditflow.DuePromise{ActionID: got0(p.Broken).ActionID, CustomerID: "P2", Name: "Pauw BV", Owner: "Bram",
			Made: date(-7), PromiseDate: date(-1), Amount: 400_00, HasAmount: true, Paid: 150_00, Invoices: 1, CreatedBy: "Anna"}); got != want {
			t.Errorf("broken: %+v, want %+v", got, want)
		}
	})

	t.Run("alerts", func(t *testing.T) {
		al := d.Alerts
		if !al.Since.Equal(since) || al.Unavailable != "" {
			t.Errorf("since %s (unavailable %q), want %s", al.Since, al.Unavailable, since)
		}
		if len(al.Alerts) != 1 {
			t.Fatalf("%d alerts, want the silence of S1: %+v", len(al.Alerts), al.Alerts)
		}
		got := al.Alerts[0]
		if got.CustomerID != "S1" || got.Name != "Stil BV" || got.Kind != "silence" || got.DetectedOn != asOf || got.Exposure != 600_00 || al.Exposure != 600_00 {
			t.Errorf("alert %+v (exposure %s); want the silence of S1 detected on %s, 600.00 exposed", got, al.Exposure, asOf)
		}
		// Seen on the as-of date's visit, nothing is new the day after.
		later, err := a.Today(ctx, asOf, "anna", apptest.TodayNow.AddDate(0, 0, 1))
		if err != nil {
			t.Fatal(err)
		}
		if len(later.Alerts.Alerts) != 0 {
			t.Errorf("since the day after: %+v, want none", later.Alerts.Alerts)
		}
	})

	t.Run("bank", func(t *testing.T) {
		b := d.Bank
		want := []creditflow.BookedCredit{
			{BookingDate: date(0), Amount: 60_00, Currency: "EUR", CustomerID: "K2", Name: "Kraai BV", Owner: "Bram", MatchedBy: "Bram"},
			{BookingDate: date(-1), Amount: 120_00, Currency: "EUR", CustomerID: "K1", Name: "Kievit BV", Owner: "Anna"},
		}
		if len(b.Booked) != len(want) {
			t.Fatalf("booked %+v, want %+v", b.Booked, want)
		}
		for i := range want {
			want[i].EntryNo = b.Booked[i].EntryNo
			if b.Booked[i] != want[i] {
				t.Errorf("booked %d: %+v, want %+v", i, b.Booked[i], want[i])
			}
		}
		if b.BookedTotal != 180_00 || b.Automatic != 1 || b.AutomaticPaid != 120_00 || b.ByHand != 1 || b.ByHandPaid != 60_00 {
			t.Errorf("booked totals %+v", b)
		}
		if b.Unmatched != 2 || b.Waiting != 75_00 || b.OldestWaiting != date(-5) || b.Returns != 0 || b.OtherCurrency != 0 {
			t.Errorf("waiting: %d credits, %s, oldest %s, %d returns, %d other currency; want 2, 75.00, %s",
				b.Unmatched, b.Waiting, b.OldestWaiting, b.Returns, b.OtherCurrency, date(-5))
		}
	})

	t.Run("letters", func(t *testing.T) {
		l := d.Letters
		want := creditflow.LetterDue{CustomerID: "B2", Name: "Eland BV", Owner: "Bram", Step: "aanmaning", Channel: "letter", AmountOverdue: 400_00}
		if len(l.Letters) != 1 || l.Letters[0] != want || l.Overdue != 400_00 || l.ByPost != 1 || l.ByEmail != 0 || l.Failed != 0 {
			t.Errorf("letters %+v, want only %+v", l, want)
		}
	})

	t.Run("owners", func(t *testing.T) {
		want := []creditflow.OwnerDay{
			{Owner: "Anna", Tasks: 3, AmountOverdue: 750_00, Calls: 3, Capacity: 2, Over: true, Mine: true},
			{Owner: "Bram", Tasks: 2, AmountOverdue: 650_00, Calls: 1, Capacity: 2, Letters: 1},
			{Owner: "", Tasks: 1, AmountOverdue: 600_00, Calls: 1, Capacity: 2},
		}
		if len(d.Owners) != len(want) {
			t.Fatalf("owners %+v, want %+v", d.Owners, want)
		}
		for i := range want {
			if d.Owners[i] != want[i] {
				t.Errorf("owner %d: %+v, want %+v", i, d.Owners[i], want[i])
			}
		}
	})
}

// got0 is the first promise, or the zero one.
func got0(ps []creditflow.DuePromise) creditflow.DuePromise {
	if len(ps) == 0 {
		return creditflow.DuePromise{}
	}
	return ps[0]
}

// TestVisits checks that the last visit is kept per user and page.
func TestVisits(t *testing.T) {
	ctx := context.Background()
	a := app.New(app.Config{DB: storetest.MustOpen(t)})
	if _, ok, err := a.LastVisit(ctx, "anna", app.TodayPage); err != nil || ok {
		t.Fatalf("a first visit: ok %v, %v; want none", ok, err)
	}
	first, second := apptest.TodayNow, apptest.TodayNow.Add(90*time.Minute)
	for _, at := range []time.Time{first, second} {
		if err := a.RecordVisit(ctx, "anna", app.TodayPage, at); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.RecordVisit(ctx, "bram", app.TodayPage, first); err != nil {
		t.Fatal(err)
	}
	// The visits are in the database: an application started again sees them.
	again := app.New(app.Config{DB: a.DB()})
	for user, want := range map[string]time.Time{"anna": second, "bram": first} {
		if at, ok, err := again.LastVisit(ctx, user, app.TodayPage); err != nil || !ok || !at.Equal(want) {
			t.Errorf("last visit of %s: %s (%v, %v), want %s", user, at, ok, err, want)
		}
	}
	// A visit noted is seen at once.
	third := second.Add(time.Hour)
	again.NoteVisit("anna", app.TodayPage, third)
	if at, _, err := again.LastVisit(ctx, "anna", app.TodayPage); err != nil || !at.Equal(third) {
		t.Errorf("last visit of anna after a noted one: %s (%v), want %s", at, err, third)
	}
}
