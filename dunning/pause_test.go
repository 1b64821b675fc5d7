package dunning_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/dunning"
)

// pause is a pause of customer's dunning made on a day, up to and
// including until.
func pause(tb testing.TB, customer, on, until, reason string) dunning.NewAction {
	return dunning.NewAction{CustomerID: customer, Type: dunning.Pause, ActionDate: day(tb, on), Until: day(tb, until), Reason: reason}
}

// TestPauseHoldsTheLadder checks that no step falls due while a pause
// holds, on every day of it, that the ladder goes on the day after with
// the step it would have proposed, that a later pause replaces an earlier
// one, and that WhyNoTask says so.
func TestPauseHoldsTheLadder(t *testing.T) {
	// M's oldest invoice is due 2025-01-05; nothing was done, so the
	// ladder has a step due on every day of April.
	cases := []struct {
		name    string
		actions []dunning.NewAction
		asOf    string
		paused  bool
	}{
		{"no pause: a step is due", nil, "2025-04-10", false},
		{"the first day of the pause", []dunning.NewAction{pause(t, "M", "2025-04-10", "2025-04-20", "Customer in talks with the bank")}, "2025-04-10", true},
		{"the last day of the pause", []dunning.NewAction{pause(t, "M", "2025-04-10", "2025-04-20", "Customer in talks with the bank")}, "2025-04-20", true},
		{"the day after the pause", []dunning.NewAction{pause(t, "M", "2025-04-10", "2025-04-20", "Customer in talks with the bank")}, "2025-04-21", false},
		{"before the pause was made", []dunning.NewAction{pause(t, "M", "2025-04-10", "2025-04-20", "Customer in talks with the bank")}, "2025-04-09", false},
		{"a later pause shortens it", []dunning.NewAction{
			pause(t, "M", "2025-04-10", "2025-04-30", "Customer in talks with the bank"),
			pause(t, "M", "2025-04-12", "2025-04-14", "Talks ended early"),
		}, "2025-04-15", false},
		{"a later pause lengthens it", []dunning.NewAction{
			pause(t, "M", "2025-04-10", "2025-04-14", "Customer in talks with the bank"),
			pause(t, "M", "2025-04-12", "2025-05-14", "Talks take longer"),
		}, "2025-05-01", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db, p, w, tasks := worklistCase(t, manyInvoices(""), c.actions, nil, c.asOf)
			_, has := tasks["M"]
			if has == c.paused {
				t.Fatalf("task %v on %s (skipped %+v), want paused %v", has, c.asOf, w.Skipped, c.paused)
			}
			if c.paused && w.Skipped.Paused != 1 {
				t.Errorf("skipped %+v, want M counted as paused", w.Skipped)
			}
			acts, err := dunning.Actions(context.Background(), db, "M")
			if err != nil {
				t.Fatal(err)
			}
			items := openItemsOf(t, db, day(t, c.asOf), w.Currency, "M")
			why, paused := dunning.WhyNoTask(p, day(t, c.asOf), items, acts, w.Currency)
			if c.paused != paused || c.paused != strings.HasPrefix(why, "Dunning paused until ") {
				t.Errorf("WhyNoTask = %q (paused %v), want paused %v", why, paused, c.paused)
			}
		})
	}
	// The plan of a paused day has no step for M either.
	db, p, _, _ := worklistCase(t, manyInvoices(""), []dunning.NewAction{pause(t, "M", "2025-04-10", "2025-04-20", "Customer in talks with the bank")}, nil, "2025-04-10")
	res, err := dunning.Plan(context.Background(), db, day(t, "2025-04-15"), dunning.Options{Policy: p}, func() time.Time { return day(t, "2025-04-15").Time })
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Planned) != 0 {
		t.Errorf("plan on a paused day: %+v, want nothing planned", res)
	}
}

// TestPauseValidation checks what a pause needs: an end date on or after
// its date and a reason; and that only a pause has an end date.
func TestPauseValidation(t *testing.T) {
	today := day(t, "2025-04-10")
	for _, c := range []struct {
		name  string
		a     dunning.NewAction
		field string // "" when valid
	}{
		{"valid", pause(t, "M", "2025-04-10", "2025-04-10", "why"), ""},
		{"no end", dunning.NewAction{CustomerID: "M", Type: dunning.Pause, Reason: "why"}, "until"},
		{"end before the date", pause(t, "M", "2025-04-10", "2025-04-09", "why"), "until"},
		{"no reason", pause(t, "M", "2025-04-10", "2025-04-20", " "), "reason"},
		{"a note has no end", dunning.NewAction{CustomerID: "M", Type: dunning.Note, Until: today}, "until"},
		{"a call with an outcome", dunning.NewAction{CustomerID: "M", Type: dunning.Call, Outcome: dunning.NoAnswer}, ""},
		{"a call with an unknown outcome", dunning.NewAction{CustomerID: "M", Type: dunning.Call, Outcome: "busy"}, "outcome"},
		{"a note has no outcome", dunning.NewAction{CustomerID: "M", Type: dunning.Note, Outcome: dunning.Reached}, "outcome"},
	} {
		err := c.a.Validate(dunning.DefaultPolicy(), today)
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.field != "" && (!errors.Is(err, creditflow.ErrInvalid) || !strings.Contains(err.Error(), c.field+":")):
			t.Errorf("%s: %v, want an invalid %s", c.name, err, c.field)
		}
	}
}
