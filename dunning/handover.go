package dunning

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/store"
)

// Hand-over advice: whether to hand a claim over to the collection agency
// (*incassobureau*), keep chasing it ourselves, or review it for a write-off.

// Advice actions.
const (
	AdviseHandover       = "handover"
	AdviseWriteOffReview = "write_off_review"
	AdviseKeep           = "keep"
)

// HandoverModel are the priors of HandoverAdvice.
//
// The expected recovery by the agency, in EUR, is
//
//	collected = claim × rate, rate = AgencyRecoveryRate × (1 − RiskDiscount × p_severe) [× SilentFactor]
//	recovery  = collected − max(AgencyFeeRate × collected, AgencyMinFee)
//
// and the expected recovery when we keep the claim is
//
//	keep = claim × (1 − p_severe) × InternalRecoveryRate
//
// where claim is principal + interest + costs and p_severe in [0,1] the
// customer's chance of paying very late or not at all. The factor
// SilentFactor applies to a silent customer (no payment, promise, dispute
// or arrangement in the last SilentDays).
type HandoverModel struct {
	// AgencyRecoveryRate is the share in [0,1] of a claim an agency collects
	// from an average debtor.
	AgencyRecoveryRate float64 `json:"agency_recovery_rate"`
	// RiskDiscount in [0,1] lowers the agency's rate for risky debtors.
	RiskDiscount float64 `json:"risk_discount"`
	// SilentFactor in [0,1] multiplies the agency's rate for a silent debtor.
	SilentFactor float64 `json:"silent_factor"`
	// AgencyFeeRate is the agency's fee as a share of what it collects,
	// at least AgencyMinFee (EUR cents).
	AgencyFeeRate float64          `json:"agency_fee_rate"`
	AgencyMinFee  creditflow.Money `json:"agency_min_fee"`
	// InternalRecoveryRate is the share in [0,1] of a claim we collect
	// ourselves from a debtor who pays at all.
	InternalRecoveryRate float64 `json:"internal_recovery_rate"`
	// SilentDays is how long a debtor must be silent to count as silent.
	SilentDays int `json:"silent_days"`
}

// DefaultHandoverModel are the built-in priors.
func DefaultHandoverModel() HandoverModel {
	return HandoverModel{
		AgencyRecoveryRate:   0.55,
		RiskDiscount:         0.5,
		SilentFactor:         0.6,
		AgencyFeeRate:        0.15,
		AgencyMinFee:         50_00,
		InternalRecoveryRate: 0.3,
		SilentDays:           90,
	}
}

// Validate checks the model's rates are in [0,1] and amounts not negative.
func (m HandoverModel) Validate() error {
	for _, r := range []struct {
		name string
		v    float64
	}{{"agency_recovery_rate", m.AgencyRecoveryRate}, {"risk_discount", m.RiskDiscount}, {"silent_factor", m.SilentFactor},
		{"agency_fee_rate", m.AgencyFeeRate}, {"internal_recovery_rate", m.InternalRecoveryRate}} {
		if math.IsNaN(r.v) || r.v < 0 || r.v > 1 {
			return fmt.Errorf("%w: handover model: %s %v: expected a number in [0,1]", creditflow.ErrInvalid, r.name, r.v)
		}
	}
	if m.AgencyMinFee < 0 || m.SilentDays < 0 {
		return fmt.Errorf("%w: handover model: agency_min_fee and silent_days must not be negative", creditflow.ErrInvalid)
	}
	return nil
}

// Advice is what to do with an overdue claim at the hand-over step.
type Advice struct {
	// Action is handover, write_off_review or keep.
	Action string `json:"action"`
	// ExpectedRecovery is what the agency is expected to bring in after its
	// fee, ExpectedKeep what we are expected to collect ourselves, in EUR
	// cents; ExpectedRecovery can be negative when the fee exceeds what is
	// collected.
	ExpectedRecovery creditflow.Money `json:"expected_recovery"`
	ExpectedKeep     creditflow.Money `json:"expected_keep"`
	Reason           string           `json:"reason"`
	// why writes Reason.
	why phrase
}

// HandoverAdvice advises on a claim (EUR cents) of a customer with
// probability pSevere in [0,1] of paying very late or not at all; silent
// says the customer has not reacted for m.SilentDays. See HandoverModel for
// the expectations. The claim is handed over when the agency's expected
// recovery after its fee beats keeping it; otherwise it is kept when what
// we expect to collect ourselves is at least the agency's minimum fee (the
// claim is worth chasing), and reviewed for a write-off when it is not.
func HandoverAdvice(claim Claim, pSevere float64, silent bool, m HandoverModel) Advice {
	if math.IsNaN(pSevere) {
		pSevere = 0.5
	}
	pSevere = min(max(pSevere, 0), 1)
	total := float64(max(claim.Total(), 0))
	rate := m.AgencyRecoveryRate * (1 - m.RiskDiscount*pSevere)
	if silent {
		rate *= m.SilentFactor
	}
	collected := total * rate
	fee := max(collected*m.AgencyFeeRate, float64(m.AgencyMinFee))
	a := Advice{
		ExpectedRecovery: creditflow.Money(math.Round(collected - fee)),
		ExpectedKeep:     creditflow.Money(math.Round(total * (1 - pSevere) * m.InternalRecoveryRate)),
	}
	var advice string
	switch {
	case a.ExpectedRecovery > a.ExpectedKeep:
		a.Action, advice = AdviseHandover, "hand over: %s"
	case a.ExpectedKeep >= m.AgencyMinFee:
		a.Action, advice = AdviseKeep, "keep: %s"
	default:
		a.Action, advice = AdviseWriteOffReview, "write-off review: %s"
	}
	recovery, keep := a.ExpectedRecovery, a.ExpectedKeep
	a.why = func(w wording) string {
		silence := ""
		if silent {
			silence = w.f(", silent customer")
		}
		if !w.human {
			return fmt.Sprintf(advice, fmt.Sprintf("claim %s (p_severe %.2f%s): agency expected to recover %s after fees, keeping %s",
				w.money(creditflow.Money(total)), pSevere, silence, w.money(recovery), w.money(keep)))
		}
		return w.f(advice, w.f("claim %s (chance of paying very late or not at all %s%s): agency expected to recover %s after fees, keeping %s",
			w.money(creditflow.Money(total)), w.lang.Probability(pSevere), silence, w.money(recovery), w.money(keep)))
	}
	a.Reason = a.why(apiWording)
	return a
}

// silentCustomer reports whether the customer made no payment, promise,
// dispute or arrangement in the days days up to asOf, per the dossier.
func silentCustomer(d Dossier, days int) bool {
	since := d.AsOf.AddDays(-days)
	for _, e := range d.Entries {
		if e.Date.Before(since.Time) {
			break
		}
		switch e.Kind {
		case PaymentEntry, EntryKind(PromiseToPay), DisputeOpened, EntryKind(Arrangement):
			return false
		}
	}
	return true
}

// AdviseHandovers adds the hand-over advice to the reason of every task of w
// at the step named "handover", with the claim of its overdue amount,
// interest and costs and the customer's p_severe from opt.Risk (the
// policy's default risk weight when unscored).
func AdviseHandovers(ctx context.Context, q store.Querier, w *Worklist, opt Options, m HandoverModel) error {
	for i := range w.Tasks {
		t := &w.Tasks[i]
		if t.Step != "handover" {
			continue
		}
		d, err := CustomerDossier(ctx, q, t.CustomerID, w.AsOf, opt.Policy)
		if err != nil {
			return err
		}
		ps := opt.Policy.DefaultRiskWeight
		if opt.Risk != nil {
			if v, ok := opt.Risk(t.CustomerID); ok {
				ps = v
			}
		}
		a := HandoverAdvice(Claim{Principal: t.Principal, Interest: t.Interest, Costs: t.Costs}, ps,
			silentCustomer(d, m.SilentDays), m)
		t.because(a.why)
	}
	return nil
}

// Debtor is the debtor's record of a hand-over file.
type Debtor struct {
	CustomerID     string                  `json:"customer_id"`
	Name           string                  `json:"name"`
	Kind           creditflow.CustomerKind `json:"kind"`
	Address        string                  `json:"address"`
	Country        string                  `json:"country"`
	RegistrationID string                  `json:"registration_id"`
	Email          string                  `json:"email"`
	Phone          string                  `json:"phone"`
}

// HandoverInvoice is one overdue invoice of a hand-over file: its line of
// the claim (see Claims).
type HandoverInvoice struct {
	InvoiceID   string           `json:"invoice_id"`
	InvoiceDate creditflow.Date  `json:"invoice_date"`
	DueDate     creditflow.Date  `json:"due_date"`
	Amount      creditflow.Money `json:"amount"`
	// OpenAmount is the principal still owed on the invoice.
	OpenAmount  creditflow.Money `json:"open_amount"`
	DaysPastDue int              `json:"days_past_due"`
	Interest    creditflow.Money `json:"interest"`
	// Costs are the collection costs of the invoice (per invoice for a
	// business; costs over the total are in the claim only).
	Costs creditflow.Money `json:"costs"`
	// Disputed is true for a disputed invoice: listed, never claimed.
	Disputed bool `json:"disputed"`
}

// HandoverCase is everything a collection agency needs about one debtor.
type HandoverCase struct {
	AsOf     creditflow.Date   `json:"as_of"`
	Debtor   Debtor            `json:"debtor"`
	Invoices []HandoverInvoice `json:"invoices"`
	// Disputed are the disputed overdue invoices, apart: not handed over.
	Disputed []HandoverInvoice `json:"disputed"`
	// Claim is the claim's principal, interest and costs; Total what is
	// claimed (the costs only once they are due).
	Claim Claim `json:"claim"`
	// CostsDue is true when the costs may be claimed (see
	// DebtorClaim.CostsDue); until then they are shown, not totalled.
	CostsDue bool             `json:"costs_due"`
	Total    creditflow.Money `json:"total"`
	Advice   Advice           `json:"advice"`
	Dossier  Dossier          `json:"dossier"`
}

// BuildHandoverCase gathers the hand-over file of a customer on asOf: the
// claim's invoices with their interest and costs (CustomerClaim), the
// disputed invoices apart, the advice and the dossier. pSevere is the
// customer's risk (NaN when unscored). An unknown customer is ErrNotFound;
// a claim whose interest cannot be computed is refused.
func BuildHandoverCase(ctx context.Context, q store.Querier, customerID string, asOf creditflow.Date, p Policy,
	rates RateTable, m HandoverModel, pSevere float64) (HandoverCase, error) {
	c := HandoverCase{AsOf: asOf, Invoices: []HandoverInvoice{}, Disputed: []HandoverInvoice{}}
	var kind string
	err := q.QueryRowContext(ctx, store.Query("dunning_dossier_debtor"), customerID).Scan(&c.Debtor.CustomerID,
		&c.Debtor.Name, &kind, &c.Debtor.Address, &c.Debtor.Country, &c.Debtor.RegistrationID, &c.Debtor.Email, &c.Debtor.Phone)
	if errors.Is(err, sql.ErrNoRows) {
		return HandoverCase{}, fmt.Errorf("%w: customer %q", creditflow.ErrNotFound, customerID)
	}
	if err != nil {
		return HandoverCase{}, fmt.Errorf("handover %s: %w", customerID, err)
	}
	c.Debtor.Kind = creditflow.CustomerKind(kind)
	if c.Dossier, err = customerDossier(ctx, q, customerID, asOf, p, &rates, present.EN); err != nil {
		return HandoverCase{}, err
	}
	claim := c.Dossier.Claim
	if claim.Error != "" {
		return HandoverCase{}, fmt.Errorf("%w: handover %s: %s", creditflow.ErrInvalid, customerID, claim.Error)
	}
	invoice := func(l ClaimLine) HandoverInvoice {
		return HandoverInvoice{InvoiceID: l.InvoiceID, InvoiceDate: l.InvoiceDate, DueDate: l.DueDate, Amount: l.Amount,
			OpenAmount: l.Principal, DaysPastDue: asOf.DaysSince(l.DueDate), Interest: l.Interest, Costs: l.Costs, Disputed: l.Disputed}
	}
	for _, l := range claim.Lines {
		c.Invoices = append(c.Invoices, invoice(l))
	}
	for _, l := range claim.Disputed {
		c.Disputed = append(c.Disputed, invoice(l))
	}
	c.Claim = Claim{Principal: claim.Principal, Interest: claim.Interest, Costs: claim.Costs}
	c.Total, c.CostsDue = claim.Total, claim.CostsDue
	if math.IsNaN(pSevere) {
		pSevere = p.DefaultRiskWeight
	}
	c.Advice = HandoverAdvice(c.Claim, pSevere, silentCustomer(c.Dossier, m.SilentDays), m)
	return c, nil
}

// InvoiceTotal is what the invoice adds to the case's total: its principal and
// interest, and its costs once they are due.
func (c HandoverCase) InvoiceTotal(inv HandoverInvoice) creditflow.Money {
	t := inv.OpenAmount + inv.Interest
	if c.CostsDue {
		t += inv.Costs
	}
	return t
}
