package risk

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/store"
)

// OpenItemPLate returns p_late for each open item (same order): the
// probability that the invoice is paid after its due date, from the
// customer's score and the invoice's own features (amount against the
// customer's usual, disputed, days left to the due date, and how that
// compares with when the customer usually pays). An item already past due
// on asOf is certain to be paid late: 1.
func (e *Engine) OpenItemPLate(ctx context.Context, asOf creditflow.Date, items []creditflow.OpenItem) ([]float64, error) {
	s, err := e.Scores(ctx, asOf)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(items))
	for i, it := range items {
		out[i] = s.openItemPLate(it)
	}
	return out, nil
}

func (s *Scored) openItemPLate(it creditflow.OpenItem) float64 {
	daysLeft := -it.DaysPastDue
	if !it.DueDate.IsZero() {
		daysLeft = it.DueDate.DaysSince(s.AsOf)
	}
	if daysLeft < 0 {
		return 1
	}
	pc, usual, dbt := s.bookLate, 0.0, 0.0
	if i, ok := s.index[it.CustomerID]; ok {
		pc = s.Customers[i].PLate
		usual = s.features[i].UsualInvoiceAmount.Float64()
		dbt = s.features[i].DBTShrunk
	}
	if s.openItem == nil {
		return pc
	}
	return round4(s.openItem.predict(openItemDesign(pc, it.Amount.Float64(), usual, it.Disputed, float64(daysLeft), dbt)))
}

// openItemFeatures are the inputs of the open-item model.
var openItemFeatures = []string{
	"customer_p_late", // log-odds of the customer's p_late
	"amount_ratio",    // log(amount / the customer's median invoice), within ±3
	"disputed",        // 1 when disputed
	"days_left",       // log(1 + days to the due date)
	"behind_usual",    // (days the customer usually pays before due - days left) / 10, within ±5
}

// openItemDesign returns the open-item model's inputs; amounts in currency
// units, days in days.
func openItemDesign(pCustomer, amount, usual float64, disputed bool, daysLeft, dbt float64) []float64 {
	ratio := 0.0
	if usual > 0 && amount > 0 {
		ratio = clampTo(math.Log(amount/usual), -3, 3)
	}
	d := 0.0
	if disputed {
		d = 1
	}
	return []float64{
		logOdds(pCustomer),
		ratio,
		d,
		math.Log1p(math.Max(daysLeft, 0)),
		clampTo((-dbt-daysLeft)/10, -5, 5),
	}
}

// openItemRow is one row of risk_open_item_training.sql.
type openItemRow struct {
	customerID string
	asOf       creditflow.Date
	amount     float64 // currency units
	disputed   bool
	daysLeft   float64
	late       bool
}

func openItemTraining(ctx context.Context, q store.Querier, dates []creditflow.Date, cur string, customers []string, cut creditflow.Date) ([]openItemRow, error) {
	list := make([]string, len(dates))
	for i, d := range dates {
		list[i] = d.String()
	}
	var out []openItemRow
	err := store.EachRow(ctx, q, store.Query("risk_open_item_training"), func(rows *sql.Rows) error {
		var r openItemRow
		var left int64
		if err := rows.Scan(&r.customerID, &r.asOf, &r.amount, &r.disputed, &left, &r.late); err != nil {
			return err
		}
		r.daysLeft = float64(left)
		out = append(out, r)
		return nil
	}, strings.Join(list, ","), cur, strings.Join(customers, ","), cut)
	if err != nil {
		return nil, fmt.Errorf("risk open-item training: %w", err)
	}
	return out, nil
}
