package risk

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/store"
)

// readDelays runs payment_delays.sql and calls fn for each row, in order.
// On a connection it can take over (*sql.DB, *store.DB, *sql.Conn) it
// reads the driver's values directly: for a million rows, database/sql's
// Scan conversions cost more than the query.
func readDelays(ctx context.Context, q store.Querier, asOf creditflow.Date, cur, customerID string,
	fn func(customerID string, pt DelayPoint, lastPayment creditflow.Date) error) error {
	query := store.Query("payment_delays")
	var conn *sql.Conn
	switch c := q.(type) {
	case *sql.Conn:
		conn = c
	case interface {
		Conn(context.Context) (*sql.Conn, error)
	}:
		var err error
		if conn, err = c.Conn(ctx); err != nil {
			return err
		}
		defer conn.Close()
	}
	if conn != nil {
		err := conn.Raw(func(dc any) error {
			qc, ok := dc.(driver.QueryerContext)
			if !ok {
				return errNoRawQuery
			}
			args := []driver.NamedValue{{Ordinal: 1, Value: asOf.Time}, {Ordinal: 2, Value: cur}, {Ordinal: 3, Value: customerID}}
			rows, err := qc.QueryContext(ctx, query, args)
			if err != nil {
				return err
			}
			defer rows.Close()
			dst := make([]driver.Value, 8)
			for n := 0; ; n++ {
				if n%4096 == 0 {
					if err := ctx.Err(); err != nil {
						return err
					}
				}
				if err := rows.Next(dst); err == io.EOF {
					return nil
				} else if err != nil {
					return err
				}
				var r delayRow
				if err := r.fromValues(dst); err != nil {
					return err
				}
				if err := fn(r.customerID, r.point, r.lastPayment); err != nil {
					return err
				}
			}
		})
		if !errors.Is(err, errNoRawQuery) {
			return err
		}
	}
	return store.EachRow(ctx, q, query, func(rows *sql.Rows) error {
		var r delayRow
		var open bool
		var days int
		var cents int64
		if err := rows.Scan(&r.customerID, &r.point.InvoiceID, &r.point.DueDate, &r.point.SettledOn,
			&open, &days, &cents, &r.lastPayment); err != nil {
			return err
		}
		r.point.Censored, r.point.DaysLate, r.point.Amount = open, float64(days), creditflow.Money(cents)
		return fn(r.customerID, r.point, r.lastPayment)
	}, asOf, cur, customerID)
}

var errNoRawQuery = errors.New("driver connection cannot query")

// delayRow is one row of payment_delays.sql.
type delayRow struct {
	customerID  string
	point       DelayPoint
	lastPayment creditflow.Date
}

// fromValues fills r from the driver values of one row: customer_id,
// invoice_id, due_date, settled_on, open, days_late, amount_cents,
// last_payment_on.
func (r *delayRow) fromValues(v []driver.Value) error {
	var ok [6]bool
	var due time.Time
	var days int32
	var cents int64
	r.customerID, ok[0] = v[0].(string)
	r.point.InvoiceID, ok[1] = v[1].(string)
	due, ok[2] = v[2].(time.Time)
	r.point.Censored, ok[3] = v[4].(bool)
	days, ok[4] = v[5].(int32)
	cents, ok[5] = v[6].(int64)
	for i, col := range [...]int{0, 1, 2, 4, 5, 6} {
		if !ok[i] {
			return fmt.Errorf("payment_delays column %d: unexpected %T", col+1, v[col])
		}
	}
	r.point.DueDate = creditflow.NewDate(due.UTC())
	r.point.DaysLate = float64(days)
	r.point.Amount = creditflow.Money(cents)
	if t, isTime := v[3].(time.Time); isTime {
		r.point.SettledOn = creditflow.NewDate(t.UTC())
	}
	if t, isTime := v[7].(time.Time); isTime {
		r.lastPayment = creditflow.NewDate(t.UTC())
	}
	return nil
}
