package dunning

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/store"
)

// Paging limits of the worklist API.
const (
	DefaultLimit = 100
	MaxLimit     = 10000
)

// RiskLookup gives a customer's probability in [0,1] of paying very late or
// not at all (risk.RiskScore.PSevere); ok is false for an unscored customer.
type RiskLookup func(customerID string) (pSevere float64, ok bool)

// Options configure Worklist.
type Options struct {
	Policy Policy
	// Risk weighs the priority by customer risk; nil gives every customer
	// Policy.DefaultRiskWeight.
	Risk RiskLookup
	// Class gives a customer's risk class, for those who show the worklist;
	// the worklist itself does not use it.
	Class func(customerID string) (creditflow.RiskClass, bool)
	// Effects are learned effects per step name (see LearnEffects); steps
	// missing from it use their prior Step.Effect.
	Effects map[string]float64
	// Limit caps the number of tasks returned; 0 returns them all.
	Limit int
	// Rates are the statutory interest rates; nil means DefaultRates.
	Rates *RateTable
	// Handover prices a hand-over against keeping the claim; the zero value
	// means DefaultHandoverModel.
	Handover HandoverModel
}

// Task is one customer with a dunning step due: one action covers all of
// the customer's chased overdue invoices.
type Task struct {
	CustomerID string                  `json:"customer_id"`
	Name       string                  `json:"name"`
	Kind       creditflow.CustomerKind `json:"kind"`
	Step       string                  `json:"step"`
	Channel    Channel                 `json:"channel"`
	Template   string                  `json:"template"`
	// DueSince is the day the step fell due.
	DueSince creditflow.Date `json:"due_since"`
	// OldestDue is the due date of the oldest chased overdue invoice; it
	// starts the dunning cycle.
	OldestDue     creditflow.Date  `json:"oldest_due"`
	Invoices      int              `json:"invoices"`
	AmountOverdue creditflow.Money `json:"amount_overdue"`
	// Principal, Interest and Costs are the customer's claim (see Claims):
	// the principal owed on the overdue invoices that are not disputed
	// (after art. 6:44 BW, so it can exceed AmountOverdue), the statutory
	// interest and the extrajudicial collection costs (*buitengerechtelijke
	// incassokosten*), in EUR. CostsDue says whether the costs may be
	// claimed yet; until then they are what a letter announces.
	Principal creditflow.Money `json:"principal"`
	Interest  creditflow.Money `json:"interest"`
	Costs     creditflow.Money `json:"costs"`
	CostsDue  bool             `json:"costs_due"`
	// RiskWeight and Effect are the factors of Priority.
	RiskWeight float64 `json:"risk_weight"`
	Effect     float64 `json:"effect"`
	// Priority is the expected cash (EUR) the step brings forward or saves,
	// less its cost; see Priority.
	Priority float64 `json:"priority"`
	// Deferred is true for a phone step beyond the day's call capacity or
	// on another day than the customer's preferred contact day.
	Deferred bool `json:"deferred"`
	// DeferredTo is the customer's preferred contact day a call was
	// deferred to; nil for any other task.
	DeferredTo *creditflow.Date `json:"deferred_to,omitempty"`
	// Optional is true for a step that may be left out: the thank-you
	// email (Policy.ThankYou).
	Optional bool `json:"optional,omitempty"`
	// Reason is why the step is due, in the API's English (see ReasonIn for
	// people).
	Reason string `json:"reason"`
	// ReasonText is Reason for people in a language, where an answer adds
	// it (the worklist API in the caller's language).
	ReasonText string `json:"reason_text,omitempty"`
	// why are the parts of Reason.
	why []phrase
}

// Skipped counts the customers with overdue invoices that have no step due,
// by cause.
type Skipped struct {
	Disputed int `json:"disputed"`
	Promised int `json:"promised"`
	// Arrangement counts the customers keeping a payment arrangement with
	// instalments (*betalingsregeling*).
	Arrangement int `json:"arrangement"`
	// Paused counts the customers whose dunning a pause action stops.
	Paused     int `json:"paused"`
	DoNotChase int `json:"do_not_chase"`
	// DoNotChaseReasons counts the do-not-chase customers by the reason
	// given (customer attribute do_not_chase_reason), where one is given.
	DoNotChaseReasons map[string]int `json:"do_not_chase_reasons,omitempty"`
	BelowMinimum      int            `json:"below_minimum"`
	NotYetDue         int            `json:"not_yet_due"`
	LadderDone        int            `json:"ladder_done"`
}

// Worklist is the day's dunning work, highest priority first.
type Worklist struct {
	AsOf          creditflow.Date `json:"as_of"`
	Currency      string          `json:"currency"`
	Total         int             `json:"total"`
	CallCapacity  int             `json:"call_capacity"`
	CallsDeferred int             `json:"calls_deferred"`
	Skipped       Skipped         `json:"skipped"`
	Tasks         []Task          `json:"tasks"`
	// claims are the customers' claims the tasks were made from, by
	// customer id, for the letters of the same worklist.
	claims map[string]DebtorClaim
}

// dunningCustomer is one row of sql/dunning_customers.sql.
type dunningCustomer struct {
	id, name         string
	kind             creditflow.CustomerKind
	doNotChase       bool
	oldestDue        creditflow.Date
	meanDue          creditflow.Date
	invoices         int
	amount           creditflow.Money
	disputedInvoices int
	amountDisputed   creditflow.Money
	stepsDone        string
	promise          promiseState
	// The per-customer overrides from the customer attributes.
	doNotChaseReason string
	ladderName       string
	contactDay       string
	// The latest arrangement with instalments: its date, the instalments
	// as "YYYY-MM-DD=amount,..." and what the customer paid since (EUR).
	arrangementDate creditflow.Date
	instalments     string
	arrangementPaid creditflow.Money
	// pauseUntil is the last day of the pause that holds on the as-of
	// date (zero: none), pauseReason its reason.
	pauseUntil  creditflow.Date
	pauseReason string
	// claim is the customer's claim on the as-of date.
	claim DebtorClaim
	// oldestInvoice is the invoice date of the oldest chased overdue
	// invoice, for steps timed by days_after_invoice.
	oldestInvoice creditflow.Date
}

// ComputeWorklist lists the customers with a dunning step due on asOf. The
// per-invoice work (open items, disputes, the current cycle) is done in
// sql/dunning_customers.sql; the ladder, the pauses and the priority are
// applied here per customer.
func ComputeWorklist(ctx context.Context, q store.Querier, asOf creditflow.Date, opt Options) (Worklist, error) {
	if asOf.IsZero() {
		return Worklist{}, fmt.Errorf("%w: as-of date is required", creditflow.ErrInvalid)
	}
	if opt.Limit < 0 {
		return Worklist{}, fmt.Errorf("%w: limit %d: expected 0 or more", creditflow.ErrInvalid, opt.Limit)
	}
	p := opt.Policy
	if err := p.Validate(); err != nil {
		return Worklist{}, err
	}
	if opt.Rates == nil {
		rates, err := DefaultRates()
		if err != nil {
			return Worklist{}, fmt.Errorf("dunning worklist: %w", err)
		}
		opt.Rates = &rates
	}
	var cur string
	if err := q.QueryRowContext(ctx, store.Query("report_currency")).Scan(&cur); err != nil {
		return Worklist{}, fmt.Errorf("dunning worklist: %w", err)
	}
	claims, err := Claims(ctx, q, asOf, "", ClaimOptions{Policy: p, Rates: opt.Rates})
	if err != nil {
		return Worklist{}, fmt.Errorf("dunning worklist: %w", err)
	}
	claimOf := make(map[string]DebtorClaim, len(claims))
	for _, c := range claims {
		claimOf[c.CustomerID] = c
	}
	rows, err := q.QueryContext(ctx, store.Query("dunning_customers"), asOf, cur, p.PromiseGraceDays)
	if err != nil {
		return Worklist{}, fmt.Errorf("dunning worklist: %w", err)
	}
	defer rows.Close()
	w := Worklist{AsOf: asOf, Currency: cur, CallCapacity: p.CallCapacity, Tasks: []Task{}, claims: claimOf}
	for rows.Next() {
		var c dunningCustomer
		var kind string
		if err := rows.Scan(&c.id, &c.name, &kind, &c.doNotChase, &c.doNotChaseReason, &c.ladderName, &c.contactDay,
			&c.oldestDue, &c.meanDue, &c.invoices,
			store.Money(&c.amount), &c.disputedInvoices, store.Money(&c.amountDisputed), &c.stepsDone,
			&c.promise.date, &c.promise.made, store.Money(&c.promise.amount), &c.promise.hasAmount, store.Money(&c.promise.paid),
			&c.promise.invoices, store.Money(&c.promise.covered), &c.promise.oldestDueLeft, &c.promise.meanDueLeft,
			&c.arrangementDate, &c.instalments, store.Money(&c.arrangementPaid), &c.pauseUntil, &c.pauseReason, &c.oldestInvoice); err != nil {
			return Worklist{}, fmt.Errorf("dunning worklist: %w", err)
		}
		c.kind = creditflow.CustomerKind(kind)
		c.claim = claimOf[c.id]
		t, skip := p.taskFor(c, asOf, opt)
		if skip != nil {
			*skip(&w.Skipped)++
			if c.doNotChase && c.invoices > 0 && c.doNotChaseReason != "" {
				if w.Skipped.DoNotChaseReasons == nil {
					w.Skipped.DoNotChaseReasons = map[string]int{}
				}
				w.Skipped.DoNotChaseReasons[c.doNotChaseReason]++
			}
			continue
		}
		w.Tasks = append(w.Tasks, t)
	}
	if err := rows.Err(); err != nil {
		return Worklist{}, fmt.Errorf("dunning worklist: %w", err)
	}
	confirmations, err := arrangementConfirmationTasks(ctx, q, asOf)
	if err != nil {
		return Worklist{}, fmt.Errorf("dunning worklist: %w", err)
	}
	// A customer has one task a day: a broken arrangement's step comes
	// before its confirmation.
	busy := map[string]bool{}
	for _, t := range w.Tasks {
		busy[t.CustomerID] = true
	}
	for _, t := range confirmations {
		if !busy[t.CustomerID] {
			w.Tasks = append(w.Tasks, t)
		}
	}
	if p.ThankYou {
		thanks, err := thankYouTasks(ctx, q, asOf, cur, p)
		if err != nil {
			return Worklist{}, fmt.Errorf("dunning worklist: %w", err)
		}
		w.Tasks = append(w.Tasks, thanks...)
	}
	slices.SortFunc(w.Tasks, func(a, b Task) int {
		if c := cmp.Compare(b.Priority, a.Priority); c != 0 {
			return c
		}
		return cmp.Compare(a.CustomerID, b.CustomerID)
	})
	calls := 0
	for i := range w.Tasks {
		t := &w.Tasks[i]
		if t.Channel != Phone {
			continue
		}
		if t.Deferred {
			// Deferred to the customer's preferred contact day.
			w.CallsDeferred++
			continue
		}
		calls++
		if calls > p.CallCapacity {
			t.Deferred = true
			capacity := p.CallCapacity
			t.because(func(w wording) string {
				return w.f("call deferred: the day's capacity of %s is taken by higher priorities", w.plural(capacity, "%d call", "%d calls"))
			})
			w.CallsDeferred++
		}
	}
	w.Total = len(w.Tasks)
	if opt.Limit > 0 && len(w.Tasks) > opt.Limit {
		w.Tasks = w.Tasks[:opt.Limit]
	}
	// A hand-over is advised only where it beats keeping the claim.
	m := opt.Handover
	if m == (HandoverModel{}) {
		m = DefaultHandoverModel()
	}
	if err := AdviseHandovers(ctx, q, &w, opt, m); err != nil {
		return w, fmt.Errorf("hand-over advice: %w", err)
	}
	return w, nil
}

// skipCounter points at the Skipped count of a cause.
type skipCounter func(*Skipped) *int

// taskFor applies the ladder and the pauses to one customer: the task, or
// the cause it has none.
func (p Policy) taskFor(c dunningCustomer, asOf creditflow.Date, opt Options) (Task, skipCounter) {
	switch {
	case c.invoices == 0:
		return Task{}, func(s *Skipped) *int { return &s.Disputed }
	case c.doNotChase:
		return Task{}, func(s *Skipped) *int { return &s.DoNotChase }
	case p.belowMinimum(c.amount):
		return Task{}, func(s *Skipped) *int { return &s.BelowMinimum }
	case !c.pauseUntil.IsZero() && !asOf.After(c.pauseUntil.Time):
		// A pause holds no step back for good: the day after it, the
		// ladder goes on where it stands, catching up as after missed
		// days.
		return Task{}, func(s *Skipped) *int { return &s.Paused }
	}
	promised := p.promisePauses(c.promise.date, asOf)
	if promised && !c.applyPromise(p) {
		return Task{}, func(s *Skipped) *int { return &s.Promised }
	}
	ladder, known := p.CustomerLadder(c.kind, c.id, c.ladderName)
	lastIdx, lastDate := lastStep(ladder, c.stepsDone)
	arr := checkArrangement(c, asOf, p.PromiseGraceDays)
	if arr.kept {
		return Task{}, func(s *Skipped) *int { return &s.Arrangement }
	}
	var idx int
	var dueSince creditflow.Date
	var skipped []string
	if arr.missed != nil {
		idx, dueSince = p.resumeStep(ladder, lastIdx, c.stepsDone, arr.missedDue, asOf)
	} else {
		idx, dueSince, skipped = nextStep(ladder, c, lastIdx, lastDate, asOf)
	}
	if idx < 0 {
		if lastIdx == len(ladder)-1 {
			return Task{}, func(s *Skipped) *int { return &s.LadderDone }
		}
		return Task{}, func(s *Skipped) *int { return &s.NotYetDue }
	}
	gate := legalGate(ladder, c.kind, idx, c.stepsDone, asOf)
	if gate.idx != idx {
		if gate.idx > lastIdx && arr.missed == nil {
			// The required step is due since its own day, not the one of
			// the step it holds back.
			_, dueSince, _ = nextStep(ladder[:gate.idx+1], c, lastIdx, lastDate, asOf)
		}
		idx = gate.idx
		skipped = slices.DeleteFunc(skipped, func(name string) bool {
			return slices.IndexFunc(ladder, func(s Step) bool { return s.Name == name }) >= idx
		})
	}
	step := ladder[idx]
	t := Task{
		CustomerID: c.id, Name: c.name, Kind: c.kind, Step: step.Name, Channel: step.Channel, Template: step.Template,
		DueSince: dueSince, OldestDue: c.oldestDue, Invoices: c.invoices, AmountOverdue: c.amount,
	}
	t.Principal, t.Interest, t.Costs, t.CostsDue = c.claim.Principal, c.claim.Interest, c.claim.Costs, c.claim.CostsDue
	t.RiskWeight = p.DefaultRiskWeight
	if opt.Risk != nil {
		if ps, ok := opt.Risk(c.id); ok && !math.IsNaN(ps) {
			t.RiskWeight = min(max(ps, p.MinRiskWeight), 1)
		}
	}
	t.Effect = step.Effect
	if e, ok := opt.Effects[step.Name]; ok {
		t.Effect = e
	}
	t.Priority = Priority(c.amount, t.RiskWeight, t.Effect, step.Cost)

	days, invoices, amount := asOf.DaysSince(c.oldestDue), c.invoices, c.amount
	t.because(func(w wording) string {
		return w.f("oldest overdue invoice %s past due (%s, %s overdue)", w.days(days), w.invoices(invoices), w.money(amount))
	})
	if lastIdx >= 0 {
		name := ladder[lastIdx].Name
		t.because(func(w wording) string { return w.f("last step %s on %s", w.step(name), w.date(lastDate)) })
	}
	if len(skipped) > 0 {
		t.because(func(w wording) string {
			names := make([]string, len(skipped))
			for i, s := range skipped {
				names[i] = w.step(s)
			}
			return w.f("caught up past %s", strings.Join(names, ", "))
		})
	}
	if n, disputed := c.disputedInvoices, c.amountDisputed; n > 0 {
		t.because(func(w wording) string {
			return w.f("%s (%s) paused", w.plural(n, "%d disputed invoice", "%d disputed invoices"), w.money(disputed))
		})
	}
	if arr.missed != nil {
		t.because(arr.missed)
	}
	if gate.note != nil {
		t.because(gate.note)
	}
	if e := c.claim.Error; e != "" {
		t.because(func(w wording) string { return w.f("interest not computed: %s", e) })
	}
	if !known {
		name, kind := c.ladderName, c.kind
		t.because(func(w wording) string {
			if !w.human {
				return fmt.Sprintf("dunning_ladder %q is not a ladder of the policy, the %s ladder is used", name, kindName(kind))
			}
			return w.f("customer attribute dunning_ladder %q is not a ladder of the policy; the %s ladder is used", name, kindWord(w, kind))
		})
	}
	if step.Channel == Phone && c.contactDay != "" {
		day := c.contactDay
		if wd, ok := weekdays[day]; !ok {
			t.because(func(w wording) string {
				if !w.human {
					return fmt.Sprintf("preferred_contact_day %q is not a weekday monday..friday, ignored", day)
				}
				return w.f("customer attribute preferred_contact_day %q is not a weekday monday..friday, ignored", day)
			})
		} else if asOf.Weekday() != wd {
			t.Deferred = true
			next := asOf.AddDays((int(wd) - int(asOf.Weekday()) + 7) % 7)
			t.DeferredTo = &next
			t.because(func(w wording) string {
				dayName := day
				if w.human {
					dayName = weekdayWords[day].in(w.lang)
				}
				return w.f("call deferred to the customer's preferred contact day, %s %s", dayName, w.date(next))
			})
		}
	}
	if note := c.promise.note(promised, c.oldestDue, p.promiseGraceEnd(c.promise.date)); note != nil {
		t.because(note)
	}
	return t, nil
}

// belowMinimum reports whether an overdue amount is too small to chase:
// below Policy.MinAmount.
func (p Policy) belowMinimum(amount creditflow.Money) bool {
	return amount < p.MinAmount
}

// promisePauses reports whether a promise to pay by promised (zero: none)
// still pauses the ladder on asOf: up to and including promiseGraceEnd.
func (p Policy) promisePauses(promised, asOf creditflow.Date) bool {
	return !promised.IsZero() && !asOf.After(p.promiseGraceEnd(promised).Time)
}

// promiseGraceEnd is the last day a promise to pay by promised pauses the
// ladder: the promised date plus Policy.PromiseGraceDays.
func (p Policy) promiseGraceEnd(promised creditflow.Date) creditflow.Date {
	return promised.AddDays(p.PromiseGraceDays)
}

// Priority is the expected cash (EUR) a step brings forward or saves, less
// what it costs:
//
//	amount overdue (EUR) × risk weight × effect − cost (EUR)
//
// The risk weight in [0,1] is the customer's chance of paying very late or
// not at all (p_severe), at least Policy.MinRiskWeight; the effect in [0,1]
// is the chance that the step makes the customer pay who would not have
// otherwise (the prior Step.Effect, or the effect learned from the action
// log). Rounded to the cent.
func Priority(amount creditflow.Money, riskWeight, effect float64, cost creditflow.Money) float64 {
	v := amount.Float64()*riskWeight*effect - cost.Float64()
	return math.Round(v*100) / 100
}

// lastStep finds the most advanced ladder step done in the current cycle,
// from "step@YYYY-MM-DD,..." (sql/dunning_customers.sql), and the last day
// it was done; -1 when none. Steps not on the ladder are ignored.
func lastStep(ladder []Step, done string) (int, creditflow.Date) {
	idx, date := -1, creditflow.Date{}
	if done == "" {
		return idx, date
	}
	for _, part := range strings.Split(done, ",") {
		name, day, _ := strings.Cut(part, "@")
		i := slices.IndexFunc(ladder, func(s Step) bool { return s.Name == name })
		d, err := creditflow.ParseDate(day)
		if i < 0 || err != nil {
			continue
		}
		if i > idx || (i == idx && d.After(date.Time)) {
			idx, date = i, d
		}
	}
	return idx, date
}

// nextStep returns the most advanced step after lastIdx that is due on
// asOf for customer c, the day it fell due and the steps it skips (a run
// that missed days catches up with one step, never several); -1 when none
// is due. Whether catch-up may skip a required step is legalGate's
// matter. A step falls due on its trigger day (triggerDay), but never before
// the terms of the steps done in the cycle have run (termsRunOut), so that
// neither a late step is followed by another the same day nor a letter's
// term is cut short.
func nextStep(ladder []Step, c dunningCustomer, lastIdx int, lastDate, asOf creditflow.Date) (int, creditflow.Date, []string) {
	best, bestDue := -1, creditflow.Date{}
	prev := lastDate
	notBefore := termsRunOut(ladder, c.stepsDone)
	for k := lastIdx + 1; k < len(ladder); k++ {
		due := triggerDay(ladder[k].Trigger, prev, c.oldestDue, c.oldestInvoice)
		if due.Before(notBefore.Time) {
			due = notBefore
		}
		if due.After(asOf.Time) {
			break
		}
		best, bestDue = k, due
		prev = due
	}
	if best < 0 {
		return -1, bestDue, nil
	}
	var skipped []string
	for k := lastIdx + 1; k < best; k++ {
		skipped = append(skipped, ladder[k].Name)
	}
	return best, bestDue, skipped
}

// PlanResult says what a dunning run planned.
type PlanResult struct {
	AsOf creditflow.Date `json:"as_of"`
	// Planned are the steps added now; AlreadyPlanned the due steps that an
	// earlier run planned (today, or earlier in the same cycle).
	Planned        []Task `json:"planned"`
	AlreadyPlanned int    `json:"already_planned"`
}

// Plan records the steps due on asOf in dunning_plan. It is idempotent: a
// customer gets at most one planned step per day, and a step is planned once
// per dunning cycle (same customer, step and oldest due date) unless it was
// a deferred call, so a second run on the same day adds nothing and a run
// after missed days adds only the most advanced due step (or the required step it may not skip). Steps already done are never due (see
// ComputeWorklist), so never planned again.
func Plan(ctx context.Context, db *store.DB, asOf creditflow.Date, opt Options, now func() time.Time) (PlanResult, error) {
	if now == nil {
		now = time.Now
	}
	opt.Limit = 0
	w, err := ComputeWorklist(ctx, db, asOf, opt)
	if err != nil {
		return PlanResult{}, err
	}
	res := PlanResult{AsOf: asOf, Planned: []Task{}}
	err = db.WriteTx(ctx, func(tx *sql.Tx) error {
		today := map[string]bool{}
		cycle := map[string]bool{}
		// Deferred calls are planned again on a later day.
		rows, err := tx.QueryContext(ctx, store.Query("dunning_plan_planned"), asOf)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, step string
			var start creditflow.Date
			var isToday, deferred bool
			if err := rows.Scan(&id, &step, &start, &isToday, &deferred); err != nil {
				return err
			}
			if isToday {
				today[id] = true
			}
			if !deferred {
				cycle[id+"\x00"+step+"\x00"+start.String()] = true
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		var add []Task
		for _, t := range w.Tasks {
			if today[t.CustomerID] || cycle[t.CustomerID+"\x00"+t.Step+"\x00"+t.OldestDue.String()] {
				res.AlreadyPlanned++
				continue
			}
			add = append(add, t)
		}
		created := now().UTC()
		const batch = 500
		for len(add) > 0 {
			n := min(batch, len(add))
			var q strings.Builder
			q.WriteString(`INSERT INTO dunning_plan (plan_date, customer_id, step, channel, template, due_since, cycle_start,
				invoices, amount_overdue, priority, deferred, created_at) VALUES `)
			args := make([]any, 0, n*12)
			for i, t := range add[:n] {
				if i > 0 {
					q.WriteString(", ")
				}
				q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS DECIMAL(18,2)), ?, ?, ?)")
				args = append(args, asOf, t.CustomerID, t.Step, string(t.Channel), t.Template, t.DueSince, t.OldestDue,
					t.Invoices, t.AmountOverdue.String(), t.Priority, t.Deferred, created)
			}
			if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
				return err
			}
			res.Planned = append(res.Planned, add[:n]...)
			add = add[n:]
		}
		return nil
	})
	if err != nil {
		return PlanResult{}, fmt.Errorf("dunning plan %s: %w", asOf, err)
	}
	return res, nil
}

// StepOutcomes are the known outcomes of one step's actions.
type StepOutcomes struct {
	Step string `json:"step"`
	N    int    `json:"n"`
	Paid int    `json:"paid"`
}

// LearnEffects learns the steps' effects from the action log as of asOf (see
// the package documentation): for a step with n ≥ Policy.LearnMinOutcomes
// outcomes of which k paid, the effect is (k + m × prior) / (n + m) with m =
// LearnMinOutcomes, the observed rate shrunk towards the prior. Steps with
// fewer outcomes are left out, so that they keep their prior. The prior of a
// step is its effect in the B2B ladder, else in the B2C ladder.
func LearnEffects(ctx context.Context, q store.Querier, asOf creditflow.Date, p Policy) (map[string]float64, error) {
	outs, err := Outcomes(ctx, q, asOf, p)
	if err != nil {
		return nil, err
	}
	effects := map[string]float64{}
	m := p.LearnMinOutcomes
	for _, o := range outs {
		prior, ok := p.prior(o.Step)
		if !ok || m <= 0 || o.N < m {
			continue
		}
		effects[o.Step] = (float64(o.Paid) + float64(m)*prior) / float64(o.N+m)
	}
	return effects, nil
}

// Outcomes counts the known outcomes per step (sql/dunning_outcomes.sql).
func Outcomes(ctx context.Context, q store.Querier, asOf creditflow.Date, p Policy) ([]StepOutcomes, error) {
	rows, err := q.QueryContext(ctx, store.Query("dunning_outcomes"), asOf, p.EffectWindowDays)
	if err != nil {
		return nil, fmt.Errorf("dunning outcomes: %w", err)
	}
	defer rows.Close()
	var outs []StepOutcomes
	for rows.Next() {
		var o StepOutcomes
		if err := rows.Scan(&o.Step, &o.N, &o.Paid); err != nil {
			return nil, fmt.Errorf("dunning outcomes: %w", err)
		}
		outs = append(outs, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("dunning outcomes: %w", err)
	}
	return outs, nil
}

// prior is the prior effect of a step by name.
func (p Policy) prior(name string) (float64, bool) {
	for _, l := range [][]Step{p.B2B, p.B2C} {
		for _, s := range l {
			if s.Name == name {
				return s.Effect, true
			}
		}
	}
	return 0, false
}
