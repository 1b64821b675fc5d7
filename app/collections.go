package app

import (
	"context"
	"fmt"
	"math"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/risk"
)

// PlanDunning plans the steps of the worklist as of asOf into the plan,
// idempotently.
func (a *App) PlanDunning(ctx context.Context, asOf creditflow.Date) (dunning.PlanResult, error) {
	opt, _, err := a.dunningOptions(ctx, asOf)
	if err != nil {
		return dunning.PlanResult{}, err
	}
	res, err := dunning.Plan(ctx, a.db, asOf, opt, a.now)
	if err != nil {
		return res, err
	}
	a.Invalidate(Change{Kind: ActionRecorded})
	return res, nil
}

// Letters renders the letters and emails of the worklist's tasks as of
// asOf. The policy of opt is the application's.
func (a *App) Letters(ctx context.Context, asOf creditflow.Date, opt dunning.LetterOptions) ([]dunning.DunningLetter, error) {
	return a.CustomerLetters(ctx, asOf, opt, "")
}

// CustomerLetters is Letters of one customer, or of all when customer is
// "": the letter or email of the customer's task as of asOf, none when its
// task is a call or it has none.
func (a *App) CustomerLetters(ctx context.Context, asOf creditflow.Date, opt dunning.LetterOptions, customer string) ([]dunning.DunningLetter, error) {
	w, err := a.WorklistTop(ctx, asOf, 0)
	if err != nil {
		return nil, err
	}
	if customer != "" {
		// The worklist is shared: its tasks are copied, not filtered in
		// place.
		var mine []dunning.Task
		for _, t := range w.Tasks {
			if t.CustomerID == customer {
				mine = append(mine, t)
			}
		}
		w.Tasks = mine
	}
	opt.Policy = a.policy
	return dunning.Letters(ctx, a.db, w, opt)
}

// SetCreditLimit sets (limit not nil) or clears the credit limit set by
// hand of a customer for actor, with its reason, and makes the scores'
// limits see it (risk.SetManualLimit).
func (a *App) SetCreditLimit(ctx context.Context, customer string, limit *creditflow.Money, reason, actor string) (risk.LimitOverride, error) {
	o, err := risk.SetManualLimit(ctx, a.db, customer, limit, reason, actor, a.now())
	if err != nil {
		return o, err
	}
	a.Invalidate(Change{Kind: LimitSet, Customer: customer})
	return o, nil
}

// HandoverCases builds the hand-over files of the customers ids as of
// asOf, or, when ids is empty, of every customer whose task is the
// hand-over. Each case carries the customer's p_severe from the scores of
// asOf (NaN when unscored).
func (a *App) HandoverCases(ctx context.Context, asOf creditflow.Date, ids []string) ([]dunning.HandoverCase, error) {
	opt, _, err := a.dunningOptions(ctx, asOf)
	if err != nil {
		return nil, err
	}
	rates, err := dunning.DefaultRates()
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		w, err := a.WorklistTop(ctx, asOf, 0)
		if err != nil {
			return nil, err
		}
		for _, t := range w.Tasks {
			if t.Step == "handover" {
				ids = append(ids, t.CustomerID)
			}
		}
	}
	model := dunning.DefaultHandoverModel()
	cases := make([]dunning.HandoverCase, 0, len(ids))
	for _, id := range ids {
		ps := math.NaN()
		if opt.Risk != nil {
			if v, ok := opt.Risk(id); ok {
				ps = v
			}
		}
		c, err := dunning.BuildHandoverCase(ctx, a.db, id, asOf, opt.Policy, rates, model, ps)
		if err != nil {
			return nil, fmt.Errorf("handover: %w", err)
		}
		cases = append(cases, c)
	}
	return cases, nil
}

// Claim is what the customer owes on asOf, invoice by invoice
// (dunning.CustomerClaim under the application's policy).
func (a *App) Claim(ctx context.Context, customerID string, asOf creditflow.Date) (dunning.DebtorClaim, error) {
	return dunning.CustomerClaim(ctx, a.db, customerID, asOf, dunning.ClaimOptions{Policy: a.policy})
}
