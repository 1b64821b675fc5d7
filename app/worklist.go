package app

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/store"
)

// Worklist is the whole dunning worklist of a date, with what the pages
// filter and act on. It is shared: callers must not modify it.
type Worklist struct {
	dunning.Worklist
	// Unweighted, when not nil, is why the tasks carry the policy's
	// default risk weight instead of each customer's (no risk scores).
	Unweighted error
	// provisional is set when the risk weights came from outdated scores
	// (a payment was booked and the date is being scored again): the
	// worklist is made again once the new scores are there.
	provisional bool
	Segments    map[string]string // customer → segment ("" when none)
	// Owners are the collectors of the customers (customer attribute
	// collector, else account_manager), "" when none.
	Owners map[string]string
	// Classes are the risk classes of the customers with a task, as of the
	// worklist's date; none without risk scores.
	Classes map[string]creditflow.RiskClass
	Overdue map[string][]string // customer → overdue invoice ids, oldest due first
}

// dunningOptions are the worklist's options as of asOf: the policy, the
// risk weight of each customer from the scores of asOf, and the effects of
// the steps learned from the ledger. Without scores, every customer gets
// the policy's default risk weight and unweighted says why.
func (a *App) dunningOptions(ctx context.Context, asOf creditflow.Date) (opt dunning.Options, unweighted error, err error) {
	opt = dunning.Options{Policy: a.policy}
	if scored, err := a.Scores(ctx, asOf); err == nil {
		opt.Risk = func(id string) (float64, bool) {
			c, ok := scored.Customer(id)
			return c.PSevere, ok
		}
		opt.Class = func(id string) (creditflow.RiskClass, bool) {
			c, ok := scored.Customer(id)
			return c.RiskClass, ok
		}
	} else if ctx.Err() != nil {
		return opt, nil, ctx.Err()
	} else {
		unweighted = err
	}
	if opt.Effects, err = dunning.LearnEffects(ctx, a.db, asOf, opt.Policy); err != nil {
		return opt, unweighted, err
	}
	return opt, unweighted, nil
}

// Worklist returns the whole worklist as of asOf, computed once per date
// until an action or a change of the ledger. Right after a booked payment
// it shows the payment at once, weighted by the outdated risk scores, and
// is made again in the background when the new scores are there.
func (a *App) Worklist(ctx context.Context, asOf creditflow.Date) (*Worklist, error) {
	w, err := a.worklists.get(ctx, asOf, a.computeWorklist(asOf))
	if err == nil && w.provisional && !a.engine.Refreshing(asOf) && !a.worklists.refreshing(asOf) {
		// Served once more while it is made again in the background.
		a.worklists.outdate(func(d creditflow.Date) bool { return d == asOf })
		return a.worklists.get(ctx, asOf, a.computeWorklist(asOf))
	}
	return w, err
}

func (a *App) computeWorklist(asOf creditflow.Date) func(context.Context) (*Worklist, error) {
	return func(ctx context.Context) (*Worklist, error) {
		provisional := a.engine.Refreshing(asOf)
		opt, unweighted, err := a.dunningOptions(ctx, asOf)
		if err != nil {
			return nil, err
		}
		w := &Worklist{Unweighted: unweighted, provisional: provisional}
		if unweighted != nil {
			a.log.WarnContext(ctx, "dunning worklist without risk scores", "as_of", asOf.String(), "err", unweighted)
		}
		if w.Worklist, err = dunning.ComputeWorklist(ctx, a.db, asOf, opt); err != nil {
			return nil, err
		}
		if w.Segments, w.Owners, err = customerSegments(ctx, a.db); err != nil {
			return nil, err
		}
		w.Classes = map[string]creditflow.RiskClass{}
		if opt.Class != nil {
			for _, t := range w.Tasks {
				if c, ok := opt.Class(t.CustomerID); ok {
					w.Classes[t.CustomerID] = c
				}
			}
		}
		if w.Overdue, err = overdueInvoices(ctx, a.db, asOf); err != nil {
			return nil, err
		}
		return w, nil
	}
}

// WorklistTop returns the first limit tasks of the worklist as of asOf
// (0: all), by priority.
func (a *App) WorklistTop(ctx context.Context, asOf creditflow.Date, limit int) (dunning.Worklist, error) {
	if limit < 0 {
		return dunning.Worklist{}, fmt.Errorf("%w: limit %d: expected 0 or more", creditflow.ErrInvalid, limit)
	}
	w, err := a.Worklist(ctx, asOf)
	if err != nil {
		return dunning.Worklist{}, err
	}
	top := w.Worklist
	if limit > 0 && len(top.Tasks) > limit {
		top.Tasks = top.Tasks[:limit:limit]
	}
	return top, nil
}

// Task returns the customer's task in the worklist as of asOf, or nil when
// the customer has none.
func (a *App) Task(ctx context.Context, asOf creditflow.Date, customer string) (*dunning.Task, error) {
	w, err := a.Worklist(ctx, asOf)
	if err != nil {
		return nil, err
	}
	for i, t := range w.Tasks {
		if t.CustomerID == customer {
			task := w.Tasks[i]
			return &task, nil
		}
	}
	return nil, nil
}

// RecordAction records a dunning action for actor and makes the worklist
// see it, and every analytic a dispute or its resolution.
func (a *App) RecordAction(ctx context.Context, in dunning.NewAction, actor string) (dunning.Action, error) {
	act, err := dunning.RecordAction(ctx, a.db, a.policy, in, actor, a.now())
	if err != nil {
		return act, err
	}
	c := Change{Kind: ActionRecorded, Customer: act.CustomerID}
	if act.Type == dunning.Dispute || act.Type == dunning.DisputeResolved {
		c = Change{Kind: DisputeRecorded, Customer: act.CustomerID, From: act.ActionDate}
	}
	a.Invalidate(c)
	return act, nil
}

// customerSegments maps every customer to its segment and its owner.
func customerSegments(ctx context.Context, db *store.DB) (segments, owners map[string]string, err error) {
	segments, owners = map[string]string{}, map[string]string{}
	err = store.EachRow(ctx, db, store.Query("customer_segments"), func(rows *sql.Rows) error {
		var id, seg, owner string
		if err := rows.Scan(&id, &seg, &owner); err != nil {
			return err
		}
		segments[id] = seg
		if owner != "" {
			owners[id] = owner
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("customer segments: %w", err)
	}
	return segments, owners, nil
}

// overdueInvoices lists each customer's open invoices past due on asOf,
// oldest due first.
func overdueInvoices(ctx context.Context, db *store.DB, asOf creditflow.Date) (map[string][]string, error) {
	m := map[string][]string{}
	err := store.EachRow(ctx, db, store.Query("overdue_invoice_ids"), func(rows *sql.Rows) error {
		var c, id string
		if err := rows.Scan(&c, &id); err != nil {
			return err
		}
		m[c] = append(m[c], id)
		return nil
	}, asOf)
	if err != nil {
		return nil, fmt.Errorf("overdue invoices: %w", err)
	}
	return m, nil
}
