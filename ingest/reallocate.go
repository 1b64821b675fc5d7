package ingest

import (
	"context"
	dbsql "database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"log/slog"
	"time"

	cfsql "github.com/creditflow/creditflow/sql"
	"github.com/duckdb/duckdb-go/v2"
)

// allocationBatch is how many customers are replayed per query, which bounds
// the memory of the allocation whatever the size of the ledger.
const allocationBatch = 5000

// reallocate recomputes the payment allocations of every customer in the
// temporary table affected, from their whole history, and returns how many
// allocation rows it wrote.
func reallocate(ctx context.Context, conn *dbsql.Conn, log *slog.Logger) (int64, error) {
	t := newPhaseTimer(log, "allocation")
	defer t.done()
	stmts := []string{
		fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE alloc_customers AS
			SELECT customer_id, CAST((row_number() OVER (ORDER BY customer_id) - 1) // %d AS INTEGER) AS batch
			FROM (SELECT DISTINCT customer_id FROM affected WHERE customer_id IS NOT NULL)`, allocationBatch),
		`DELETE FROM payment_allocations WHERE customer_id IN (SELECT customer_id FROM alloc_customers)`,
		`DELETE FROM invoice_settlement WHERE customer_id IN (SELECT customer_id FROM alloc_customers)`,
		`CREATE OR REPLACE TEMP TABLE alloc_events AS ` + cfsql.Query("allocation_events"),
		`CREATE OR REPLACE TEMP TABLE alloc_not_plain (payment_id VARCHAR)`,
	}
	for _, s := range stmts {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return 0, err
		}
	}
	t.phase("prepared")
	var batches int
	if err := conn.QueryRowContext(ctx, `SELECT coalesce(max(batch) + 1, 0) FROM alloc_customers`).Scan(&batches); err != nil {
		return 0, err
	}
	a := &allocator{}
	var written int64
	for b := 0; b < batches; b++ {
		events, err := readEvents(ctx, conn, b)
		if err != nil {
			return 0, err
		}
		t.phase("read events")
		a.out, a.notPlain = a.out[:0], a.notPlain[:0]
		for i, e := range events {
			if i == 0 || e.customerID != events[i-1].customerID {
				a.reset(e.customerID)
			}
			a.apply(e)
		}
		t.phase("replayed")
		if err := appendAllocations(conn, a.out, a.notPlain); err != nil {
			return 0, err
		}
		t.phase("appended")
		written += int64(len(a.out))
	}
	if _, err := conn.ExecContext(ctx, cfsql.Query("allocation_plain")); err != nil {
		return 0, err
	}
	t.phase("inserted plain")
	if _, err := conn.ExecContext(ctx, cfsql.Query("settlement")); err != nil {
		return 0, err
	}
	t.phase("settlement")
	return written, nil
}

// readEvents reads one batch of allocation events. It reads driver values
// directly: for millions of rows, database/sql's Scan conversions cost more
// than the query itself.
func readEvents(ctx context.Context, conn *dbsql.Conn, batch int) ([]event, error) {
	var events []event
	err := conn.Raw(func(dc any) error {
		qc, ok := dc.(driver.QueryerContext)
		if !ok {
			return fmt.Errorf("driver connection %T cannot query", dc)
		}
		// The table was written sorted; a filtered scan keeps that order,
		// which is checked below rather than trusted.
		rows, err := qc.QueryContext(ctx, `SELECT customer_id, day, ord, id, cents, invoice_id, reference
			FROM alloc_events WHERE batch = $1`, []driver.NamedValue{{Ordinal: 1, Value: int64(batch)}})
		if err != nil {
			return err
		}
		defer rows.Close()
		dst := make([]driver.Value, 7)
		for {
			if err := rows.Next(dst); err == io.EOF {
				return nil
			} else if err != nil {
				return err
			}
			e := event{customerID: dst[0].(string), day: dst[1].(int32), ord: int8(dst[2].(int32)), id: dst[3].(string), cents: dst[4].(int64)}
			if s, ok := dst[5].(string); ok {
				e.invoiceID = s
			}
			if s, ok := dst[6].(string); ok {
				e.reference = s
			}
			if n := len(events); n > 0 && !inOrder(events[n-1], e) {
				return fmt.Errorf("allocation events out of order at %s %s", e.customerID, e.id)
			}
			events = append(events, e)
		}
	})
	return events, err
}

// appendAllocations appends the allocations that are not plain, and the
// payments whose allocation is not, for allocation_plain.sql to skip.
func appendAllocations(conn *dbsql.Conn, out []allocation, notPlain []string) error {
	return conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppender(dc.(driver.Conn), "", "main", "payment_allocations")
		if err != nil {
			return err
		}
		for _, o := range out {
			if o.plain {
				continue
			}
			// A DECIMAL(18,2) is stored as an int64 of cents: append the cents as they are.
			on := time.Unix(int64(o.day)*86400, 0).UTC()
			if err := app.AppendRow(o.customerID, o.invoiceID, o.sourceKind, o.sourceID, o.cents, on, o.rule); err != nil {
				app.Close()
				return err
			}
		}
		if err := app.Close(); err != nil {
			return err
		}
		if len(notPlain) == 0 {
			return nil
		}
		app, err = duckdb.NewAppender(dc.(driver.Conn), "temp", "main", "alloc_not_plain")
		if err != nil {
			return err
		}
		for _, id := range notPlain {
			if err := app.AppendRow(id); err != nil {
				app.Close()
				return err
			}
		}
		return app.Close()
	})
}

// inOrder reports whether b may follow a in the replay.
func inOrder(a, b event) bool {
	if a.customerID != b.customerID {
		return a.customerID < b.customerID
	}
	if a.day != b.day {
		return a.day < b.day
	}
	if a.ord != b.ord {
		return a.ord < b.ord
	}
	return a.id < b.id
}
