package dunning_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/creditflow/creditflow/dunning"
)

// ladderLedger is A (business) and C (consumer), each owing EUR 1,000.00
// due on 2025-03-01; A's invoice is dated 2025-01-30, C's 2025-02-15.
var ladderLedger = ledger{customers: baseCustomers, invoices: invoiceA1 + "C1,C,2025-02-15,2025-03-01,1000.00,EUR,false,\n"}

// ladderCase is one customer's expected task on a day: wantStep "" for
// none (then the customer counts as not yet due), else the step, the day
// it is due since and a part of its reason.
type ladderCase struct {
	name     string
	customer string
	ledger   ledger // ladderLedger when empty
	actions  []dunning.NewAction
	policy   func(p *dunning.Policy)
	asOf     string
	wantStep string
	dueSince string
	reason   string
}

// runLadderCases runs the cases on a real database each.
func runLadderCases(t *testing.T, cases []ladderCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := tc.ledger
			if l.customers == "" {
				l = ladderLedger
			}
			_, _, w, tasks := worklistCase(t, l, tc.actions, tc.policy, tc.asOf)
			task, ok := expectTask(t, w, tasks, tc.customer, tc.wantStep, "not yet due", func(s dunning.Skipped) int { return s.NotYetDue })
			if !ok {
				return
			}
			if task.Step != tc.wantStep || task.DueSince.String() != tc.dueSince || !strings.Contains(task.Reason, tc.reason) {
				t.Errorf("task %s due since %s (%s), want %s due since %s with reason %q", task.Step, task.DueSince, task.Reason,
					tc.wantStep, tc.dueSince, tc.reason)
			}
		})
	}
}

// letter is a letter of a step sent to a customer on a day.
func letter(tb testing.TB, customer, step, on string) dunning.NewAction {
	return dunning.NewAction{CustomerID: customer, Type: dunning.LetterSent, Step: step, ActionDate: day(tb, on)}
}

// TestLadderCatchUp: a run that missed weeks catches up with the most
// advanced step due, but never past a required step not done in the cycle
// (the ingebrekestelling of a business, the veertiendagenbrief of a
// consumer), and a step after a required letter waits for its term.
func TestLadderCatchUp(t *testing.T) {
	required := func(step string, on bool) func(p *dunning.Policy) {
		return func(p *dunning.Policy) {
			for i := range p.B2B {
				if p.B2B[i].Name == step {
					p.B2B[i].Required = &on
				}
			}
		}
	}
	runLadderCases(t, []ladderCase{
		// Business: the hand-over is due since 5 May, the ingebrekestelling
		// since 20 April.
		{name: "b2b nothing done for weeks", customer: "A", asOf: "2025-05-20",
			wantStep: "ingebrekestelling", dueSince: "2025-04-20", reason: "the ingebrekestelling is required before handover"},
		{name: "b2b aanmaning done, no hand-over without the ingebrekestelling", customer: "A",
			actions: []dunning.NewAction{letter(t, "A", "aanmaning", "2025-03-31")}, asOf: "2025-05-20",
			wantStep: "ingebrekestelling", dueSince: "2025-04-20", reason: "caught up past last_call; the ingebrekestelling is required before handover"},
		{name: "b2b ingebrekestelling done, hand-over", customer: "A",
			actions: []dunning.NewAction{letter(t, "A", "aanmaning", "2025-03-31"), letter(t, "A", "ingebrekestelling", "2025-04-20")},
			asOf:    "2025-05-20", wantStep: "handover", dueSince: "2025-05-05", reason: "last step ingebrekestelling on 2025-04-20"},
		// Sent 1 May, its 7 days run until 8 May.
		{name: "b2b hand-over waits for the ingebrekestelling's term", customer: "A",
			actions: []dunning.NewAction{letter(t, "A", "ingebrekestelling", "2025-05-01")}, asOf: "2025-05-08"},
		{name: "b2b hand-over once the ingebrekestelling's term has run", customer: "A",
			actions: []dunning.NewAction{letter(t, "A", "ingebrekestelling", "2025-05-01")}, asOf: "2025-05-09",
			wantStep: "handover", dueSince: "2025-05-09"},
		{name: "b2b a required aanmaning is not skipped", customer: "A", policy: required("aanmaning", true), asOf: "2025-05-20",
			wantStep: "aanmaning", dueSince: "2025-03-31", reason: "the aanmaning is required before handover"},
		{name: "b2b an ingebrekestelling the policy does not require", customer: "A", policy: required("ingebrekestelling", false),
			actions: []dunning.NewAction{letter(t, "A", "aanmaning", "2025-03-31")}, asOf: "2025-05-20",
			wantStep: "handover", dueSince: "2025-05-05", reason: "caught up past last_call, ingebrekestelling"},
		// Consumer: the 14-day letter is due since 15 March, or 17 March
		// after the reminder's 14 days.
		{name: "b2c nothing done for weeks", customer: "C", asOf: "2025-05-20",
			wantStep: "veertiendagenbrief", dueSince: "2025-03-15", reason: "the veertiendagenbrief is required before handover"},
		{name: "b2c reminder done, weeks missed", customer: "C",
			actions: []dunning.NewAction{stepAction(t, "C", "reminder", "2025-03-02")}, asOf: "2025-05-20",
			wantStep: "veertiendagenbrief", dueSince: "2025-03-17", reason: "the veertiendagenbrief is required before handover"},
		{name: "b2c aanmaning done without the 14-day letter", customer: "C",
			actions: []dunning.NewAction{stepAction(t, "C", "reminder", "2025-03-02"), letter(t, "C", "aanmaning", "2025-04-05")},
			asOf:    "2025-05-20", wantStep: "veertiendagenbrief", reason: "the veertiendagenbrief is required before handover", dueSince: "2025-04-20"},
		{name: "b2c 14-day letter run out, weeks missed", customer: "C",
			actions: []dunning.NewAction{stepAction(t, "C", "reminder", "2025-03-02"), letter(t, "C", "veertiendagenbrief", "2025-03-17")},
			asOf:    "2025-05-20", wantStep: "handover", dueSince: "2025-04-20", reason: "caught up past aanmaning"},
		// Sent 10 April, received 12 April, the 14 days run until 26 April.
		{name: "b2c 14-day letter not run out", customer: "C",
			actions: []dunning.NewAction{letter(t, "C", "veertiendagenbrief", "2025-04-10")}, asOf: "2025-04-26"},
		{name: "b2c 14-day letter just run out", customer: "C",
			actions: []dunning.NewAction{letter(t, "C", "veertiendagenbrief", "2025-04-10")}, asOf: "2025-04-27",
			wantStep: "handover", dueSince: "2025-04-27", reason: "caught up past aanmaning"},
	})
}

// TestLadderTerms: no step falls due before the terms of the letters done
// in the cycle have run.
func TestLadderTerms(t *testing.T) {
	term := func(step string, days int) func(p *dunning.Policy) {
		return func(p *dunning.Policy) {
			for i := range p.B2B {
				if p.B2B[i].Name == step {
					p.B2B[i].TermDays = days
				}
			}
		}
	}
	runLadderCases(t, []ladderCase{
		// The aanmaning, sent late on 15 April, grants 14 days: the
		// ingebrekestelling (50 days past due: 20 April) waits until 30 April.
		{name: "the aanmaning's term delays the ingebrekestelling", customer: "A",
			actions: []dunning.NewAction{letter(t, "A", "aanmaning", "2025-04-15")}, asOf: "2025-04-29"},
		{name: "the ingebrekestelling after the aanmaning's term", customer: "A",
			actions: []dunning.NewAction{letter(t, "A", "aanmaning", "2025-04-15")}, asOf: "2025-04-30",
			wantStep: "ingebrekestelling", dueSince: "2025-04-30", reason: "caught up past last_call"},
		{name: "a call does not cut the aanmaning's term short", customer: "A",
			actions: []dunning.NewAction{letter(t, "A", "aanmaning", "2025-04-15"),
				{CustomerID: "A", Type: dunning.Call, Step: "last_call", ActionDate: day(t, "2025-04-16")}},
			asOf: "2025-04-29"},
		{name: "the policy's term of the aanmaning", customer: "A", policy: term("aanmaning", 21),
			actions: []dunning.NewAction{letter(t, "A", "aanmaning", "2025-04-15")}, asOf: "2025-05-07",
			wantStep: "ingebrekestelling", dueSince: "2025-05-07"},
		{name: "a call grants no term", customer: "A",
			actions: []dunning.NewAction{{CustomerID: "A", Type: dunning.Call, Step: "last_call", ActionDate: day(t, "2025-04-25")}},
			asOf:    "2025-04-26", wantStep: "ingebrekestelling", dueSince: "2025-04-26"},
	})

	t.Run("terms by letter form", func(t *testing.T) {
		p := dunning.DefaultPolicy()
		for _, tc := range []struct {
			ladder []dunning.Step
			want   string // name:term, comma-separated
		}{
			{p.B2B, "friendly_reminder:14,second_reminder:7,call:0,aanmaning:14,last_call:0,ingebrekestelling:7,handover:7"},
			{p.B2C, "reminder:14,veertiendagenbrief:16,aanmaning:14,handover:7"},
			{[]dunning.Step{
				{Name: "nudge", Channel: dunning.Email},
				{Name: "ring", Channel: dunning.Phone, Template: "b2b_aanmaning"},
				{Name: "formal", Channel: dunning.Letter, Template: "x_aanmaning"},
				{Name: "vdb", Channel: dunning.Letter, Template: "b2c_veertiendagenbrief"},
				{Name: "notice", Channel: dunning.Letter, Template: "x_ingebrekestelling"},
				{Name: "agency", Channel: dunning.Letter, Template: "x_handover"},
				{Name: "own", Channel: dunning.Letter, Template: "x_ingebrekestelling", TermDays: 10},
			}, "nudge:14,ring:0,formal:14,vdb:16,notice:7,agency:7,own:10"},
		} {
			var got []string
			for _, s := range tc.ladder {
				got = append(got, s.Name+":"+strconv.Itoa(s.Term()))
				if d, ok := dunning.LadderTerm(tc.ladder, s.Name); !ok || d != s.Term() {
					t.Errorf("LadderTerm(%s) = %d, %v; want %d", s.Name, d, ok, s.Term())
				}
			}
			if strings.Join(got, ",") != tc.want {
				t.Errorf("terms\n got %s\nwant %s", strings.Join(got, ","), tc.want)
			}
		}
	})

	t.Run("policy step terms", func(t *testing.T) {
		p := dunning.DefaultPolicy()
		p.Ladders = map[string][]dunning.Step{"gentle": {{Name: "gentle_nudge", Trigger: dunning.Trigger{DaysPastDue: 5}, Channel: dunning.Email, TermDays: 21}}}
		for _, tc := range []struct {
			step string
			want int
			ok   bool
		}{
			{"aanmaning", 14, true}, {"second_reminder", 7, true}, {"veertiendagenbrief", 16, true},
			{"ingebrekestelling", 7, true}, {"gentle_nudge", 21, true}, {"call", 0, true}, {"nope", 0, false},
		} {
			if d, ok := p.StepTerm(tc.step); d != tc.want || ok != tc.ok {
				t.Errorf("StepTerm(%s) = %d, %v; want %d, %v", tc.step, d, ok, tc.want, tc.ok)
			}
		}
	})
}

// TestDaysAfterInvoice times A's steps from the invoice date of its oldest
// chased overdue invoice: A1, dated 30 January and due 1 March. The steps
// keep the default names, which actions must use.
func TestDaysAfterInvoice(t *testing.T) {
	ladder := func(p *dunning.Policy) {
		p.B2B = []dunning.Step{
			{Name: "friendly_reminder", Trigger: dunning.Trigger{DaysAfterInvoice: 20}, Channel: dunning.Email, Template: "b2b_friendly_reminder", Effect: 0.3, TermDays: 7},
			{Name: "second_reminder", Trigger: dunning.Trigger{DaysAfterInvoice: 45}, Channel: dunning.Email, Template: "b2b_second_reminder", Effect: 0.3, TermDays: 7},
			{Name: "call", Trigger: dunning.Trigger{DaysAfterPrevious: 10}, Channel: dunning.Phone, Template: "b2b_call_script", Effect: 0.4},
		}
	}
	friendly := stepAction(t, "A", "friendly_reminder", "2025-03-02")
	runLadderCases(t, []ladderCase{
		// 20 days after the invoice date is before the due date: the step
		// falls due the day after it.
		{name: "never before the invoice is overdue", customer: "A", policy: ladder, asOf: "2025-03-02",
			wantStep: "friendly_reminder", dueSince: "2025-03-02"},
		{name: "waits for its day after the invoice date", customer: "A", policy: ladder, actions: []dunning.NewAction{friendly}, asOf: "2025-03-15"},
		{name: "45 days after the invoice date", customer: "A", policy: ladder, actions: []dunning.NewAction{friendly}, asOf: "2025-03-16",
			wantStep: "second_reminder", dueSince: "2025-03-16"},
		{name: "after the previous step", customer: "A", policy: ladder,
			actions: []dunning.NewAction{friendly, stepAction(t, "A", "second_reminder", "2025-03-20")}, asOf: "2025-04-03",
			wantStep: "call", dueSince: "2025-03-30"},
		// A0 (dated 1 January) is disputed and A2 (dated 5 January) is due
		// after A1: A1 starts the cycle, its invoice date times the steps.
		{name: "the oldest chased invoice's date", customer: "A", policy: ladder, actions: []dunning.NewAction{friendly},
			ledger: ledger{customers: baseCustomers, invoices: invoiceA1 +
				"A0,A,2025-01-01,2025-02-20,500.00,EUR,true,\nA2,A,2025-01-05,2025-03-10,500.00,EUR,false,\n"},
			asOf: "2025-03-16", wantStep: "second_reminder", dueSince: "2025-03-16"},
	})
}

// TestArrangementBrokenStep: A had the friendly and the second reminder
// and agreed on 20 March to pay in instalments, the first of EUR 300.00 on
// 1 April, which it missed: with 3 days' grace the ladder resumes on 5
// April.
func TestArrangementBrokenStep(t *testing.T) {
	broken := func(step string) func(p *dunning.Policy) {
		return func(p *dunning.Policy) { p.ArrangementBrokenStep = step }
	}
	with := func(extra ...dunning.NewAction) []dunning.NewAction {
		return append(arrangementA(t), extra...)
	}
	runLadderCases(t, []ladderCase{
		{name: "resumes at the aanmaning", customer: "A", actions: with(), asOf: "2025-04-05",
			wantStep: "aanmaning", dueSince: "2025-04-05", reason: "instalment 1 of 3"},
		{name: "no step named: the step after the last one done", customer: "A", actions: with(), policy: broken(""), asOf: "2025-04-05",
			wantStep: "call", dueSince: "2025-04-05"},
		{name: "a step not on the ladder: the step after the last one done", customer: "A", actions: with(), policy: broken("sommatie"),
			asOf: "2025-04-05", wantStep: "call", dueSince: "2025-04-05"},
		{name: "the named step done already: the step after the last one done", customer: "A",
			actions: with(letter(t, "A", "aanmaning", "2025-03-18")), asOf: "2025-04-05", wantStep: "last_call", dueSince: "2025-04-05"},
		{name: "the required step comes first", customer: "A", actions: with(), policy: broken("handover"), asOf: "2025-04-05",
			wantStep: "ingebrekestelling", dueSince: "2025-04-05", reason: "the ingebrekestelling is required before handover"},
		// An aanmaning sent on 1 April grants 14 days, until 15 April.
		{name: "waits for the term of the last letter", customer: "A", actions: with(letter(t, "A", "aanmaning", "2025-04-01")),
			asOf: "2025-04-15"},
		{name: "after the term of the last letter", customer: "A", actions: with(letter(t, "A", "aanmaning", "2025-04-01")),
			asOf: "2025-04-16", wantStep: "last_call", dueSince: "2025-04-16"},
	})
}
