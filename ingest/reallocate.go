package ingest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/store"
)

// reallocate recomputes the payment allocations of every customer in the
// temporary table affected, from their whole history, and returns how many
// allocation rows it wrote.
func reallocate(ctx context.Context, conn *sql.Conn, log *slog.Logger) (int64, error) {
	t := NewPhaseTimer(log, "allocation")
	defer t.Done()
	stmts := []string{
		`CREATE OR REPLACE TEMP TABLE alloc_customers AS
			SELECT DISTINCT customer_id FROM affected WHERE customer_id IS NOT NULL`,
		`DELETE FROM payment_allocations WHERE customer_id IN (SELECT customer_id FROM alloc_customers)`,
		`DELETE FROM invoice_settlement WHERE customer_id IN (SELECT customer_id FROM alloc_customers)`,
	}
	for _, s := range stmts {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return 0, err
		}
	}
	t.Phase("prepared")
	tmp, err := os.MkdirTemp("", "creditflow-allocation-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)
	out, err := newAllocationFiles(tmp)
	if err != nil {
		return 0, err
	}
	// The replay of one chunk of customers runs while the next is read:
	// reading is DuckDB's work on this connection, the replay Go's on
	// another core.
	eventc := make(chan []event, 1)
	type replayed struct {
		written int64
		err     error
	}
	done := make(chan replayed, 1)
	go func() {
		var r replayed
		a := &allocator{}
		for events := range eventc {
			a.out = a.out[:0]
			for i, e := range events {
				if i == 0 || e.customerID != events[i-1].customerID {
					if i > 0 {
						out.settlements(a)
					}
					a.reset(e.customerID)
				}
				a.apply(e)
			}
			if len(events) > 0 {
				out.settlements(a)
			}
			out.allocations(a.out)
			r.written += int64(len(a.out))
		}
		r.err = out.close()
		done <- r
	}()
	err = streamEvents(ctx, conn, func(events []event) { eventc <- events })
	close(eventc)
	r := <-done
	if err != nil {
		return 0, err
	}
	if r.err != nil {
		return 0, r.err
	}
	t.Phase("read and replayed")
	if err := out.load(ctx, conn); err != nil {
		return 0, err
	}
	t.Phase("stored")

	return r.written, nil
}

// allocationFiles are the bulk files the replay writes: the allocations and
// the invoices' settlement.
type allocationFiles struct {
	allocs, settled *BulkFile
	buf             []byte
}

func newAllocationFiles(dir string) (*allocationFiles, error) {
	var f allocationFiles
	var err error
	if f.allocs, err = CreateBulk(dir, "allocations.csv"); err != nil {
		return nil, err
	}
	if f.settled, err = CreateBulk(dir, "settlement.csv"); err != nil {
		f.allocs.Close()
		return nil, err
	}
	return &f, nil
}

// allocations writes allocations.
func (f *allocationFiles) allocations(out []allocation) {
	for _, o := range out {
		b := appendFirstField(f.buf[:0], o.customerID)
		b = AppendField(b, o.invoiceID)
		b = AppendField(b, o.sourceKind)
		b = AppendField(b, o.sourceID)
		b = append(b, ',')
		b = creditflow.Money(o.cents).AppendText(b)
		b = append(b, ',')
		b = appendDay(b, o.day)
		b = AppendField(b, o.rule)
		b = append(b, '\n')
		f.buf = b
		f.allocs.Write(b)
	}
}

// settlements writes the settlement of the current customer's invoices: the
// day of an invoice's last allocation when they add up to its amount.
func (f *allocationFiles) settlements(a *allocator) {
	for _, inv := range a.byID {
		if inv.amount <= 0 {
			continue
		}
		b := appendFirstField(f.buf[:0], inv.id)
		b = AppendField(b, a.customerID)
		b = append(b, ',')
		if inv.remaining == 0 && len(inv.allocs) > 0 {
			last := a.out[inv.allocs[0]].day
			for _, i := range inv.allocs[1:] {
				last = max(last, a.out[i].day)
			}
			b = appendDay(b, last)
		}
		b = append(b, '\n')
		f.buf = b
		f.settled.Write(b)
	}
}

func (f *allocationFiles) close() error {
	var first error
	for _, b := range []*BulkFile{f.allocs, f.settled} {
		if err := b.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// load inserts the files.
func (f *allocationFiles) load(ctx context.Context, conn *sql.Conn) error {
	if err := f.allocs.Load(ctx, conn, "payment_allocations", [][2]string{
		{"customer_id", "VARCHAR"}, {"invoice_id", "VARCHAR"}, {"source_kind", "allocation_source"}, {"source_id", "VARCHAR"},
		{"amount", "DECIMAL(18,2)"}, {"allocated_on", "DATE"}, {"rule", "allocation_rule"},
	}); err != nil {
		return err
	}
	return f.settled.Load(ctx, conn, "invoice_settlement", [][2]string{
		{"invoice_id", "VARCHAR"}, {"customer_id", "VARCHAR"}, {"closed_from", "DATE"},
	})
}

// eventChunk is about how many events the replay gets at a time; a chunk
// ends with a customer's last event.
const eventChunk = 100_000

// streamEvents reads the events of the customers in alloc_customers, in
// replay order, with one query, and hands them to send in chunks. It reads
// driver values directly: for millions of rows, database/sql's Scan
// conversions cost more than the query itself. Go never holds more than two
// chunks, whatever the size of the ledger.
func streamEvents(ctx context.Context, conn *sql.Conn, send func([]event)) error {
	return conn.Raw(func(dc any) error {
		qc, ok := dc.(driver.QueryerContext)
		if !ok {
			return fmt.Errorf("driver connection %T cannot query", dc)
		}
		rows, err := qc.QueryContext(ctx, store.Query("allocation_events"), nil)
		if err != nil {
			return err
		}
		defer rows.Close()
		dst := make([]driver.Value, 7)
		chunk := make([]event, 0, eventChunk+1024)
		for {
			if err := rows.Next(dst); err == io.EOF {
				break
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
			if n := len(chunk); n > 0 {
				if !inOrder(chunk[n-1], e) {
					return fmt.Errorf("allocation events out of order at %s %s", e.customerID, e.id)
				}
				if n >= eventChunk && e.customerID != chunk[n-1].customerID {
					send(chunk)
					chunk = make([]event, 0, eventChunk+1024)
				}
			}
			chunk = append(chunk, e)
		}
		if len(chunk) > 0 {
			send(chunk)
		}
		return nil
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
