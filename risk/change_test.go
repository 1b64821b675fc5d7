package risk

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/present"
)

// changeJitter is the noise added to hand-made delays, in days: small and
// deterministic, so that the series are not implausibly flat.
var changeJitter = []float64{0, 2, -1, 1, -2, 3, 0, -1, 1, 2, -2, 0}

// settledSeries returns one settled invoice every `every` days from first,
// paid delays[i] days after its due date.
func settledSeries(tb testing.TB, first string, every int, delays ...float64) []DelayPoint {
	tb.Helper()
	due := date(tb, first)
	pts := make([]DelayPoint, len(delays))
	for i, x := range delays {
		pts[i] = DelayPoint{
			InvoiceID: "I" + due.String(),
			DueDate:   due,
			SettledOn: due.AddDays(int(x)),
			DaysLate:  x,
			Amount:    100000,
		}
		due = due.AddDays(every)
	}
	return pts
}

// openPoints returns invoices still open on asOf, due on the given dates.
func openPoints(tb testing.TB, asOf creditflow.Date, amount creditflow.Money, dues ...string) []DelayPoint {
	tb.Helper()
	var pts []DelayPoint
	for _, s := range dues {
		due := date(tb, s)
		pts = append(pts, DelayPoint{InvoiceID: "I" + s, DueDate: due, DaysLate: float64(asOf.DaysSince(due)), Amount: amount, Censored: true})
	}
	return pts
}

// level returns n delays of about days (plus the jitter).
func level(n int, days float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = days + changeJitter[i%len(changeJitter)]
	}
	return out
}

// lastSettled is the last settlement day of pts, the customer's last payment.
func lastSettled(pts []DelayPoint) creditflow.Date {
	var last creditflow.Date
	for _, p := range pts {
		if !p.Censored && p.SettledOn.After(last.Time) {
			last = p.SettledOn
		}
	}
	return last
}

func TestDetectChangeNone(t *testing.T) {
	outlier := level(40, 4)
	outlier[25] = 65 // paid two months late once
	tests := []struct {
		name   string
		points []DelayPoint
	}{
		{"flat", settledSeries(t, "2024-01-05", 7, level(60, 4)...)},
		{"single outlier", settledSeries(t, "2024-01-05", 14, outlier...)},
		{"two outliers apart", func() []DelayPoint {
			x := level(40, 4)
			x[15], x[30] = 50, 45
			return settledSeries(t, "2024-01-05", 14, x...)
		}()},
		// Five invoices, then four paid a month later: too young to tell.
		{"young customer", settledSeries(t, "2025-01-05", 14, append(level(5, 4), level(4, 34)...)...)},
		// Paid late, but always equally late.
		{"always late", settledSeries(t, "2024-01-05", 14, level(40, 35)...)},
		{"direct debit", settledSeries(t, "2024-01-05", 30, level(30, 1)...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			asOf := tt.points[len(tt.points)-1].SettledOn.AddDays(10)
			got := detectChange(tt.points, lastSettled(tt.points), asOf, "EUR")
			if got.Detected {
				t.Errorf("flagged %+v", got)
			}
		})
	}
}

func TestDetectChangeStep(t *testing.T) {
	// Fifteen invoices a fortnight apart paid about 4 days late, then
	// eleven paid about 29 days late: a step of 25 days from the 16th.
	pts := settledSeries(t, "2024-01-05", 14, append(level(15, 4), level(11, 29)...)...)
	asOf := pts[len(pts)-1].SettledOn.AddDays(3)
	got := detectChange(pts, lastSettled(pts), asOf, "EUR")
	if !got.Detected || got.Kind != ChangeWorsening {
		t.Fatalf("got %+v, want a worsening", got)
	}
	// The change: the first late payment would have come 4 days after the
	// 16th invoice's due date.
	want := pts[15].DueDate.AddDays(4)
	if d := got.ChangeDate.DaysSince(want); d < -14 || d > 14 {
		t.Errorf("change date %s, want %s ± 14 days", got.ChangeDate, want)
	}
	if got.ShiftDays < 20 || got.ShiftDays > 30 {
		t.Errorf("shift %.1f days, want 25 ± 5", got.ShiftDays)
	}
	if got.BeforeDays < 2 || got.BeforeDays > 6 || got.AfterDays < 27 || got.AfterDays > 31 {
		t.Errorf("before %.1f, after %.1f days, want about 4 and 29", got.BeforeDays, got.AfterDays)
	}
	if !got.DetectedOn.Equal(asOf.Time) {
		t.Errorf("detected on %s, want %s", got.DetectedOn, asOf)
	}
	const sentence = "Usually paid 4 days late until August 2024, 29 days late since."
	if got.Sentence != sentence {
		t.Errorf("sentence %q, want %q", got.Sentence, sentence)
	}

	// The test is sequential: before enough late invoices are in, nothing
	// is flagged, and the flag comes within a few of them.
	var first int
	for n := 16; n <= len(pts); n++ {
		on := pts[n-1].SettledOn
		if detectChange(pts[:n], lastSettled(pts[:n]), on, "EUR").Detected {
			first = n
			break
		}
	}
	if first == 0 || first > 19 {
		t.Errorf("first flagged after %d invoices, want 16..19", first)
	}

	// A step down of 20 days is an improvement.
	pts = settledSeries(t, "2024-01-05", 14, append(level(20, 30), level(15, 8)...)...)
	got = detectChange(pts, lastSettled(pts), pts[len(pts)-1].SettledOn.AddDays(3), "EUR")
	if !got.Detected || got.Kind != ChangeImproving || got.ShiftDays > -15 {
		t.Errorf("got %+v, want an improvement of about 22 days", got)
	}
}

func TestDetectChangeCensored(t *testing.T) {
	// Twenty invoices paid about 3 days late, then five still open, 40 to
	// 100 days past due. The customer paid something five days ago, so it
	// is no silence; the open invoices must count as late, not on time.
	asOf := date(t, "2025-06-30")
	pts := settledSeries(t, "2024-05-01", 14, level(20, 3)...)
	pts = append(pts, openPoints(t, asOf, 150000, "2025-03-22", "2025-04-05", "2025-04-19", "2025-05-03", "2025-05-21")...)
	got := detectChange(pts, asOf.AddDays(-5), asOf, "EUR")
	if !got.Detected || got.Kind != ChangeWorsening {
		t.Fatalf("got %+v, want a worsening", got)
	}
	if got.AfterDays < 40 {
		t.Errorf("after %.1f days, want at least 40 (the open invoices' lower bound)", got.AfterDays)
	}

	// The same invoices settled on their due dates: nothing to flag.
	onTime := make([]DelayPoint, len(pts))
	copy(onTime, pts)
	for i := range onTime {
		if onTime[i].Censored {
			onTime[i].Censored, onTime[i].SettledOn, onTime[i].DaysLate = false, onTime[i].DueDate, 0
		}
	}
	if got := detectChange(onTime, asOf.AddDays(-5), asOf, "EUR"); got.Detected {
		t.Errorf("on time: flagged %+v", got)
	}

	// Invoices not yet due, or only just past due, say nothing yet.
	recent := append(settledSeries(t, "2024-05-01", 14, level(20, 3)...),
		openPoints(t, asOf, 150000, "2025-06-20", "2025-06-27", "2025-07-10", "2025-07-24")...)
	if got := detectChange(recent, asOf.AddDays(-5), asOf, "EUR"); got.Detected {
		t.Errorf("recent: flagged %+v", got)
	}
}

func TestDetectChangeSilence(t *testing.T) {
	// Weekly invoices paid about 5 days late for 40 weeks, the last payment
	// on 2025-05-09; then eight more invoices fall due and stay unpaid.
	pts := settledSeries(t, "2024-08-03", 7, level(40, 5)...)
	last := lastSettled(pts)
	var dues []string
	for d := date(t, "2025-05-10"); len(dues) < 8; d = d.AddDays(7) {
		dues = append(dues, d.String())
	}
	asOf := date(t, "2025-07-15")
	pts = append(pts, openPoints(t, asOf, 123456, dues...)...)
	got := detectChange(pts, last, asOf, "EUR")
	if !got.Detected || got.Kind != ChangeSilence {
		t.Fatalf("got %+v, want silence", got)
	}
	if !got.ChangeDate.Equal(last.Time) {
		t.Errorf("change date %s, want the last payment %s", got.ChangeDate, last)
	}
	const sentence = "Paid regularly until 9 May 2025; nothing paid since, while 8 invoices (EUR 9,876.48) fell due."
	if got.Sentence != sentence {
		t.Errorf("sentence %q, want %q", got.Sentence, sentence)
	}

	// A month of silence is not yet a silence.
	early := date(t, "2025-06-10")
	var known []DelayPoint
	for _, p := range pts {
		if !p.DueDate.After(early.Time) {
			if p.Censored {
				p.DaysLate = float64(early.DaysSince(p.DueDate))
			}
			known = append(known, p)
		}
	}
	if got := detectChange(known, last, early, "EUR"); got.Kind == ChangeSilence {
		t.Errorf("after a month: %+v", got)
	}

	// A customer who was not invoiced for months has not been silent.
	sparse := settledSeries(t, "2024-01-10", 21, level(12, 5)...)
	last = lastSettled(sparse)
	asOf = last.AddDays(150)
	sparse = append(sparse, openPoints(t, asOf, 50000, last.AddDays(120).String(), last.AddDays(130).String())...)
	if got := detectChange(sparse, last, asOf, "EUR"); got.Detected {
		t.Errorf("sparse: flagged %+v", got)
	}

	// Nor has a customer who never paid regularly: the same as the first
	// case, but every third invoice before the silence left unpaid too.
	erratic := slices.Clone(pts)
	asOf = date(t, "2025-07-15")
	for i := 0; i < 40; i += 3 {
		erratic[i].Censored, erratic[i].SettledOn = true, creditflow.Date{}
		erratic[i].DaysLate = float64(asOf.DaysSince(erratic[i].DueDate))
	}
	if got := detectChange(erratic, lastSettled(erratic), asOf, "EUR"); got.Kind == ChangeSilence {
		t.Errorf("erratic: %+v", got)
	}
}

func TestChangeWords(t *testing.T) {
	for x, want := range map[float64]string{0: "on time", 0.4: "on time", 1: "1 day late", -1.2: "1 day early", 27.4: "27 days late", -3: "3 days early"} {
		if got := daysLatePhrase(x); got != want {
			t.Errorf("daysLatePhrase(%v) = %q, want %q", x, got, want)
		}
	}
	for m, want := range map[creditflow.Money]string{0: "0.00", 5: "0.05", 99999: "999.99", 100000: "1,000.00", 1234000: "12,340.00", 123456789: "1,234,567.89", -1234000: "-12,340.00"} {
		if got := present.EN.TextAmount(m); got != want {
			t.Errorf("present.EN.TextAmount(%d) = %q, want %q", m, got, want)
		}
	}
}

func TestDelaySeries(t *testing.T) {
	db := ledgerDB(t)
	ctx := context.Background()
	pt := func(inv, due, settled string, late float64, amount string) DelayPoint {
		p := DelayPoint{InvoiceID: inv, DueDate: date(t, due), DaysLate: late, Amount: money(t, amount), Censored: settled == ""}
		if settled != "" {
			p.SettledOn = date(t, settled)
		}
		return p
	}
	tests := []struct {
		asOf, customer string
		want           []DelayPoint
	}{
		// I1 is settled by a payment, a credit note and a lump payment;
		// I3 is partly paid and open; I4 is not due yet. CN1 is left out.
		{"2025-03-31", "C1", []DelayPoint{
			pt("I1", "2025-02-04", "2025-03-01", 25, "1000.00"),
			pt("I2", "2025-02-19", "2025-03-01", 10, "500.00"),
			pt("I3", "2025-03-12", "", 19, "800.00"),
			pt("I4", "2025-04-19", "", -19, "300.00"),
		}},
		// I7's direct debit is returned on 2025-03-05: before that it was
		// paid 9 days before its due date, after that it is open again.
		{"2025-03-04", "C2", []DelayPoint{
			pt("I5", "2024-12-15", "", 79, "700.00"),
			pt("I6", "2025-01-24", "2025-01-30", 6, "250.00"),
			pt("I7", "2025-03-06", "2025-02-25", -9, "400.00"),
		}},
		{"2025-03-31", "C2", []DelayPoint{
			pt("I5", "2024-12-15", "", 106, "700.00"),
			pt("I6", "2025-01-24", "2025-01-30", 6, "250.00"),
			pt("I7", "2025-03-06", "", 25, "400.00"),
		}},
		// Before its invoices were dated, a customer has no series.
		{"2025-01-01", "C3", []DelayPoint{}},
		{"2025-03-31", "nobody", []DelayPoint{}},
	}
	for _, tt := range tests {
		got, err := DelaySeries(ctx, db, date(t, tt.asOf), tt.customer)
		if err != nil {
			t.Fatalf("%s %s: %v", tt.customer, tt.asOf, err)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s %s:\n got %+v\nwant %+v", tt.customer, tt.asOf, got, tt.want)
		}
		// Through a transaction, database/sql reads the rows itself: the
		// same answer.
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		viaTx, err := DelaySeries(ctx, tx, date(t, tt.asOf), tt.customer)
		tx.Rollback()
		if err != nil {
			t.Fatalf("%s %s via tx: %v", tt.customer, tt.asOf, err)
		}
		if !reflect.DeepEqual(viaTx, tt.want) {
			t.Errorf("%s %s via tx:\n got %+v\nwant %+v", tt.customer, tt.asOf, viaTx, tt.want)
		}
	}

	// The hand-checked customers are far too young for a change.
	got, err := DetectChanges(ctx, db, date(t, "2025-06-30"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Errorf("DetectChanges: %+v, want none", got)
	}

	for _, bad := range []struct {
		asOf     creditflow.Date
		customer string
	}{{creditflow.Date{}, "C1"}, {date(t, "2025-03-31"), ""}} {
		if _, err := DelaySeries(ctx, db, bad.asOf, bad.customer); !errors.Is(err, creditflow.ErrInvalid) {
			t.Errorf("DelaySeries(%s, %q): %v, want ErrInvalid", bad.asOf, bad.customer, err)
		}
	}
	if _, err := DetectChanges(ctx, db, creditflow.Date{}); !errors.Is(err, creditflow.ErrInvalid) {
		t.Errorf("DetectChanges without a date: %v, want ErrInvalid", err)
	}
}

func TestReadChangeTruth(t *testing.T) {
	const truth = `customer_id,behaviour,base_delay_days,change_date,shift_days,default_date
C000001,stable,1.0,,,
C000002,worsening,4.2,2025-03-10,27,
C000003,stopped_paying,-3.0,,,2025-09-01
`
	got, err := ReadTruth(strings.NewReader(truth))
	if err != nil {
		t.Fatal(err)
	}
	want := []TruthRow{
		{CustomerID: "C000001", Behaviour: "stable"},
		{CustomerID: "C000002", Behaviour: "worsening", ChangeDate: date(t, "2025-03-10"), ShiftDays: 27},
		{CustomerID: "C000003", Behaviour: "stopped_paying", DefaultDate: date(t, "2025-09-01")},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	for _, bad := range []string{
		"customer_id,behaviour\nC1,stable\n",
		"customer_id,behaviour,change_date,shift_days,default_date\nC1,worsening,2025-13-01,20,\n",
		"customer_id,behaviour,change_date,shift_days,default_date\nC1,worsening,2025-03-01,many,\n",
	} {
		if _, err := ReadTruth(strings.NewReader(bad)); !errors.Is(err, creditflow.ErrInvalid) {
			t.Errorf("ReadTruth(%q): %v, want ErrInvalid", bad, err)
		}
	}
}
