package dunning

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/creditflow/creditflow"
)

// Channel is how a step reaches the customer.
type Channel string

// Channels of a step.
const (
	Email  Channel = "email"
	Letter Channel = "letter"
	Phone  Channel = "phone"
)

// Trigger says when a step falls due: DaysPastDue days after the due date of
// the customer's oldest chased overdue invoice, DaysAfterInvoice days after
// that invoice's date, or DaysAfterPrevious days after the previous step of
// the ladder was done. Exactly one of the three is set. A step never falls
// due before the term of the letters done before it has run (Step.Term).
type Trigger struct {
	DaysPastDue       int `json:"days_past_due,omitempty"`
	DaysAfterInvoice  int `json:"days_after_invoice,omitempty"`
	DaysAfterPrevious int `json:"days_after_previous,omitempty"`
}

// Step is one rung of a dunning ladder (*aanmaningstraject*).
type Step struct {
	// Name identifies the step in actions and plans (action.step).
	Name     string  `json:"name"`
	Trigger  Trigger `json:"trigger"`
	Channel  Channel `json:"channel"`
	Template string  `json:"template"`
	// Effect is the prior probability in [0,1] that the step makes the
	// customer pay within EffectWindowDays who would not have paid otherwise.
	Effect float64 `json:"effect"`
	// Cost is what carrying out the step costs (EUR): postage, a
	// collector's time, the agency's fee.
	Cost creditflow.Money `json:"cost"`
	// Required marks a step that catch-up never skips: no later step is
	// proposed before it was done in the cycle. nil takes the default of
	// its letter form (RequiredFor), so that a policy file cannot forget
	// the legally needed letter by leaving the field out.
	Required *bool `json:"required,omitempty"`
	// TermDays is the term (days) the step grants the customer to pay,
	// counted from the day it was done; no later step falls due before it
	// has run. 0 takes the default of its letter form (Term).
	TermDays int `json:"term_days"`
}

// Term is the term (days) the step grants the customer: TermDays when set,
// else by its letter form (LetterForm): the 14-day letter
// PostDeliveryDays + FourteenDayLetterDays (received two days after
// posting, then 14 days), the ingebrekestelling and the hand-over notice
// DefaultFinalTermDays, any other email or letter DefaultPaymentTermDays
// and a phone call none.
func (s Step) Term() int {
	if s.TermDays > 0 {
		return s.TermDays
	}
	if s.Channel == Phone {
		return 0
	}
	switch s.form() {
	case "veertiendagenbrief":
		return PostDeliveryDays + FourteenDayLetterDays
	case "ingebrekestelling", "handover":
		return DefaultFinalTermDays
	}
	return DefaultPaymentTermDays
}

// RequiredFor reports whether the step is required for a customer of that
// kind: Required when set, else true for the notice of default
// (*ingebrekestelling*) of a business and the 14-day letter
// (*veertiendagenbrief*, art. 6:96 lid 6 BW) of a consumer, which must
// precede a hand-over or collection costs.
func (s Step) RequiredFor(kind creditflow.CustomerKind) bool {
	if s.Required != nil {
		return *s.Required
	}
	switch s.form() {
	case "ingebrekestelling":
		return kind != creditflow.B2C
	case "veertiendagenbrief":
		return kind == creditflow.B2C
	}
	return false
}

// form is the step's letter form (LetterForm).
func (s Step) form() string {
	return LetterForm(Task{Step: s.Name, Template: s.Template})
}

// LadderTerm is the term (days, Step.Term) of the step named step in
// ladder; ok is false when the ladder has no such step. Letters state it
// as the term they grant.
func LadderTerm(ladder []Step, step string) (days int, ok bool) {
	i := slices.IndexFunc(ladder, func(s Step) bool { return s.Name == step })
	if i < 0 {
		return 0, false
	}
	return ladder[i].Term(), true
}

// StepTerm is the term (days, Step.Term) of the step named step in the
// policy, for a letter that knows the step but not the customer's ladder:
// the first ladder that has it, in the order b2b, b2c, the named ladders
// and the overrides (each by name). ok is false when no ladder has it.
func (p Policy) StepTerm(step string) (days int, ok bool) {
	if d, ok := LadderTerm(p.B2B, step); ok {
		return d, true
	}
	if d, ok := LadderTerm(p.B2C, step); ok {
		return d, true
	}
	for _, name := range slices.Sorted(maps.Keys(p.Ladders)) {
		if d, ok := LadderTerm(p.Ladders[name], step); ok {
			return d, true
		}
	}
	for _, id := range slices.Sorted(maps.Keys(p.Overrides)) {
		if d, ok := LadderTerm(p.Overrides[id].Ladder, step); ok {
			return d, true
		}
	}
	return 0, false
}

// Policy is the dunning policy: the ladders and the rules around them. It is
// read from a JSON file the user edits (LoadPolicy); DefaultPolicy has the
// built-in values, which fill whatever the file leaves out.
type Policy struct {
	// B2B and B2C are the ladders by customer kind, in order.
	B2B []Step `json:"b2b"`
	B2C []Step `json:"b2c"`
	// MinAmount is the overdue amount (EUR) below which a customer is not
	// chased.
	MinAmount creditflow.Money `json:"min_amount"`
	// PromiseGraceDays is how long after a promised date the ladder waits
	// before it resumes.
	PromiseGraceDays int `json:"promise_grace_days"`
	// CallCapacity is the number of phone steps collectors make per day;
	// beyond it calls are deferred.
	CallCapacity int `json:"call_capacity"`
	// MinRiskWeight is the least risk weight of a customer (see Priority),
	// so that safe customers are still ordered by amount; DefaultRiskWeight
	// is used for customers without a risk score.
	MinRiskWeight     float64 `json:"min_risk_weight"`
	DefaultRiskWeight float64 `json:"default_risk_weight"`
	// EffectWindowDays is the outcome window of an action: the customer
	// paid the invoices it covered within this many days (for learning the
	// effects from the action log).
	EffectWindowDays int `json:"effect_window_days"`
	// LearnMinOutcomes is the number of outcomes of a step from which its
	// effect is learned from the action log (shrunk towards the prior);
	// below it the prior is used as it is.
	LearnMinOutcomes int `json:"learn_min_outcomes"`
	// Overrides holds per-customer changes of the policy. It is the hook for
	// customer-specific ladders: LadderFor consults it first.
	Overrides map[string]CustomerOverride `json:"overrides,omitempty"`
	// Ladders are further named ladders. A customer is put on one (or on
	// "b2b" or "b2c" whatever its kind) with the customer attribute
	// dunning_ladder.
	Ladders map[string][]Step `json:"ladders,omitempty"`
	// ThankYou proposes an optional thank-you email (step ThankYouStep) to
	// a customer who paid after a dunning step and has nothing overdue
	// left, once per dunning cycle.
	ThankYou bool `json:"thank_you"`
	// B2BCosts is how a business's collection costs are computed:
	// wik_per_invoice (the default), wik_total or none (see CostsBasis).
	B2BCosts CostsBasis `json:"b2b_costs,omitempty"`
	// ArrangementBrokenStep is the step the ladder resumes at when an
	// instalment of a payment arrangement is missed. Where the customer's
	// ladder has no such step, or it was done in the cycle already, the
	// ladder resumes at the step after the last one done. A required step
	// not yet done still comes first.
	ArrangementBrokenStep string `json:"arrangement_broken_step"`
}

// ThankYouStep is the step name of the optional thank-you email (see
// Policy.ThankYou); it is on no ladder.
const ThankYouStep = "thank_you"

// ArrangementConfirmationStep is the step name of the letter that confirms
// a payment arrangement with its instalment schedule; it is on no ladder
// and falls due once per arrangement.
const ArrangementConfirmationStep = "arrangement_confirmation"

// CustomerOverride changes the policy for one customer. Only the ladder can
// be overridden for now; a nil Ladder keeps the kind's ladder.
type CustomerOverride struct {
	Ladder []Step `json:"ladder,omitempty"`
}

// DefaultPolicy returns the built-in policy, following Dutch practice.
//
// B2B: a friendly reminder the day after the due date (deliberately not
// worded "first reminder"), a second reminder with the account statement
// (*rekeningoverzicht*) at 14 days, a call at 21, the formal reminder
// (*aanmaning*) at 30, a last call at 40, the notice of default
// (*ingebrekestelling*, required) at 50 and the hand-over to a collection
// agency (*incassobureau*) or a write-off review at 65.
//
// B2C: a reminder at 1 day, the legally required 14-day letter
// (*veertiendagenbrief*, art. 6:96 lid 6 BW) at 14, a formal reminder at 35
// and the hand-over at 50.
//
// The days are the earliest: a step also waits for the term of the letter
// before it (term_days), so that on a ladder run every day the second
// reminder follows the friendly one's 14 days at day 16, the call the
// second reminder's 7 days at day 24, the last call the aanmaning's 14
// days at day 45, and a consumer's 14-day letter comes at day 16. Every
// step spells out its term and whether it is required, so that the
// printed policy (creditflow dunning policy) shows them.
func DefaultPolicy() Policy {
	yes, no := true, false
	return Policy{
		B2B: []Step{
			{Name: "friendly_reminder", Trigger: Trigger{DaysPastDue: 1}, Channel: Email, Template: "b2b_friendly_reminder", Effect: 0.30, Cost: 50,
				Required: &no, TermDays: DefaultPaymentTermDays},
			// The second reminder grants 7 days, not 14, so that the call
			// still comes before the aanmaning.
			{Name: "second_reminder", Trigger: Trigger{DaysPastDue: 14}, Channel: Email, Template: "b2b_second_reminder_statement", Effect: 0.30, Cost: 50,
				Required: &no, TermDays: 7},
			{Name: "call", Trigger: Trigger{DaysPastDue: 21}, Channel: Phone, Template: "b2b_call_script", Effect: 0.45, Cost: 800,
				Required: &no},
			{Name: "aanmaning", Trigger: Trigger{DaysPastDue: 30}, Channel: Letter, Template: "b2b_aanmaning", Effect: 0.35, Cost: 200,
				Required: &no, TermDays: DefaultPaymentTermDays},
			{Name: "last_call", Trigger: Trigger{DaysPastDue: 40}, Channel: Phone, Template: "b2b_last_call_script", Effect: 0.45, Cost: 800,
				Required: &no},
			{Name: "ingebrekestelling", Trigger: Trigger{DaysPastDue: 50}, Channel: Letter, Template: "b2b_ingebrekestelling", Effect: 0.40, Cost: 200,
				Required: &yes, TermDays: DefaultFinalTermDays},
			{Name: "handover", Trigger: Trigger{DaysPastDue: 65}, Channel: Letter, Template: "b2b_handover_or_writeoff_review", Effect: 0.50, Cost: 2500,
				Required: &no, TermDays: DefaultFinalTermDays},
		},
		B2C: []Step{
			{Name: "reminder", Trigger: Trigger{DaysPastDue: 1}, Channel: Email, Template: "b2c_reminder", Effect: 0.30, Cost: 50,
				Required: &no, TermDays: DefaultPaymentTermDays},
			{Name: "veertiendagenbrief", Trigger: Trigger{DaysPastDue: 14}, Channel: Letter, Template: "b2c_veertiendagenbrief", Effect: 0.35, Cost: 200,
				Required: &yes, TermDays: PostDeliveryDays + FourteenDayLetterDays},
			{Name: "aanmaning", Trigger: Trigger{DaysPastDue: 35}, Channel: Letter, Template: "b2c_aanmaning", Effect: 0.35, Cost: 200,
				Required: &no, TermDays: DefaultPaymentTermDays},
			{Name: "handover", Trigger: Trigger{DaysPastDue: 50}, Channel: Letter, Template: "b2c_handover", Effect: 0.50, Cost: 2500,
				Required: &no, TermDays: DefaultFinalTermDays},
		},
		MinAmount:             2500,
		PromiseGraceDays:      3,
		CallCapacity:          40,
		MinRiskWeight:         0.10,
		DefaultRiskWeight:     0.25,
		EffectWindowDays:      14,
		LearnMinOutcomes:      30,
		ArrangementBrokenStep: "aanmaning",
	}
}

// LoadPolicy reads a policy file over the defaults: fields the file leaves
// out keep their default; a ladder given in the file replaces the default
// ladder as a whole. An empty path gives DefaultPolicy.
func LoadPolicy(path string) (Policy, error) {
	p := DefaultPolicy()
	if path == "" {
		return p, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return p, fmt.Errorf("dunning policy: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	// Decode the ladders into empty slices: decoding into the default
	// slices would merge the file's steps into the default steps.
	def := p
	p.B2B, p.B2C = nil, nil
	if err := dec.Decode(&p); err != nil {
		return p, fmt.Errorf("%w: dunning policy %s: %v", creditflow.ErrInvalid, path, err)
	}
	if p.B2B == nil {
		p.B2B = def.B2B
	}
	if p.B2C == nil {
		p.B2C = def.B2C
	}
	if err := p.Validate(); err != nil {
		return p, fmt.Errorf("dunning policy %s: %w", path, err)
	}
	return p, nil
}

// Validate checks the ladders and the numbers.
func (p Policy) Validate() error {
	if _, ok := costsLaw[p.b2bCosts()]; !ok {
		return fmt.Errorf("%w: b2b_costs %q: expected wik_per_invoice, wik_total or none", creditflow.ErrInvalid, p.B2BCosts)
	}
	check := func(what string, ladder []Step) error {
		if len(ladder) == 0 {
			return fmt.Errorf("%w: %s ladder is empty", creditflow.ErrInvalid, what)
		}
		seen := map[string]bool{}
		lastDPD, lastDAI := 0, 0
		for i, s := range ladder {
			at := fmt.Sprintf("%s ladder step %d (%s)", what, i+1, s.Name)
			if s.Name == "" || seen[s.Name] {
				return fmt.Errorf("%w: %s: name must be given and unique", creditflow.ErrInvalid, at)
			}
			seen[s.Name] = true
			switch s.Channel {
			case Email, Letter, Phone:
			default:
				return fmt.Errorf("%w: %s: channel %q: expected email, letter or phone", creditflow.ErrInvalid, at, s.Channel)
			}
			t := s.Trigger
			set := 0
			for _, d := range []int{t.DaysPastDue, t.DaysAfterInvoice, t.DaysAfterPrevious} {
				if d > 0 {
					set++
				}
			}
			if set != 1 || t.DaysPastDue < 0 || t.DaysAfterInvoice < 0 || t.DaysAfterPrevious < 0 {
				return fmt.Errorf("%w: %s: trigger needs exactly one of days_past_due, days_after_invoice, days_after_previous (> 0)", creditflow.ErrInvalid, at)
			}
			if i == 0 && t.DaysAfterPrevious > 0 {
				return fmt.Errorf("%w: %s: the first step needs days_past_due", creditflow.ErrInvalid, at)
			}
			if t.DaysPastDue > 0 {
				if t.DaysPastDue < lastDPD {
					return fmt.Errorf("%w: %s: days_past_due %d is before the previous step's %d", creditflow.ErrInvalid, at, t.DaysPastDue, lastDPD)
				}
				lastDPD = t.DaysPastDue
			}
			if t.DaysAfterInvoice > 0 {
				if t.DaysAfterInvoice < lastDAI {
					return fmt.Errorf("%w: %s: days_after_invoice %d is before the previous step's %d", creditflow.ErrInvalid, at, t.DaysAfterInvoice, lastDAI)
				}
				lastDAI = t.DaysAfterInvoice
			}
			if s.TermDays < 0 {
				return fmt.Errorf("%w: %s: term_days %d: expected 0 (the default of the letter form) or more", creditflow.ErrInvalid, at, s.TermDays)
			}
			if s.Effect < 0 || s.Effect > 1 {
				return fmt.Errorf("%w: %s: effect %g: expected a probability in [0,1]", creditflow.ErrInvalid, at, s.Effect)
			}
			if s.Cost < 0 {
				return fmt.Errorf("%w: %s: cost must not be negative", creditflow.ErrInvalid, at)
			}
		}
		return nil
	}
	if err := check("b2b", p.B2B); err != nil {
		return err
	}
	if err := check("b2c", p.B2C); err != nil {
		return err
	}
	for name, l := range p.Ladders {
		if name == "" || strings.EqualFold(name, "b2b") || strings.EqualFold(name, "b2c") {
			return fmt.Errorf("%w: ladders: name %q: expected a name other than b2b and b2c", creditflow.ErrInvalid, name)
		}
		if err := check("ladders."+name, l); err != nil {
			return err
		}
	}
	for id, o := range p.Overrides {
		if o.Ladder != nil {
			if err := check("customer "+id, o.Ladder); err != nil {
				return err
			}
		}
	}
	switch {
	case p.MinAmount < 0:
		return fmt.Errorf("%w: min_amount must not be negative", creditflow.ErrInvalid)
	case p.PromiseGraceDays < 0:
		return fmt.Errorf("%w: promise_grace_days must not be negative", creditflow.ErrInvalid)
	case p.CallCapacity < 0:
		return fmt.Errorf("%w: call_capacity must not be negative", creditflow.ErrInvalid)
	case p.MinRiskWeight < 0 || p.MinRiskWeight > 1 || p.DefaultRiskWeight < 0 || p.DefaultRiskWeight > 1:
		return fmt.Errorf("%w: min_risk_weight and default_risk_weight must be in [0,1]", creditflow.ErrInvalid)
	case p.EffectWindowDays <= 0:
		return fmt.Errorf("%w: effect_window_days must be positive", creditflow.ErrInvalid)
	}
	return nil
}

// LadderFor returns the ladder of a customer: the customer's override when
// there is one, else the ladder of its kind.
func (p Policy) LadderFor(kind creditflow.CustomerKind, customerID string) []Step {
	l, _ := p.CustomerLadder(kind, customerID, "")
	return l
}

// CustomerLadder is LadderFor with the customer's dunning_ladder attribute
// (name; "" for none): the policy's override first, then the named ladder,
// then the ladder of the kind. ok is false when name names no ladder of the
// policy; the kind's ladder is returned then.
func (p Policy) CustomerLadder(kind creditflow.CustomerKind, customerID, name string) (ladder []Step, ok bool) {
	if o, found := p.Overrides[customerID]; found && o.Ladder != nil {
		return o.Ladder, true
	}
	ok = true
	if name != "" {
		if l, found := p.LadderNamed(name); found {
			return l, true
		}
		ok = false
	}
	if kind == creditflow.B2C {
		return p.B2C, ok
	}
	return p.B2B, ok
}

// LadderNamed returns the ladder of that name: "b2b", "b2c" or one of
// Ladders (case-insensitive for b2b and b2c).
func (p Policy) LadderNamed(name string) ([]Step, bool) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "b2b":
		return p.B2B, true
	case "b2c":
		return p.B2C, true
	}
	l, ok := p.Ladders[name]
	return l, ok
}

// HasStep reports whether any ladder of p (overrides included) has a step
// of that name.
func (p Policy) HasStep(name string) bool {
	has := func(l []Step) bool {
		return slices.ContainsFunc(l, func(s Step) bool { return s.Name == name })
	}
	if has(p.B2B) || has(p.B2C) || (p.ThankYou && name == ThankYouStep) || name == ArrangementConfirmationStep {
		return true
	}
	for _, l := range p.Ladders {
		if has(l) {
			return true
		}
	}
	for _, o := range p.Overrides {
		if has(o.Ladder) {
			return true
		}
	}
	return false
}
