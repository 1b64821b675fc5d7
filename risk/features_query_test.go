package risk

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/big"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/demo"
	"github.com/creditflow/creditflow/demo/ledgertest"
	"github.com/creditflow/creditflow/store"
	"github.com/creditflow/creditflow/store/storetest"
	"github.com/duckdb/duckdb-go/v2"
)

// TestFeaturesQueryUnchanged runs sql/risk_features.sql and the
// straightforward form it replaced (testdata/risk_features_before.sql,
// which computes every invoice at every date) on the same ledgers and
// arguments, and checks that they answer the same rows, column by column
// (floats within 1e-9). The ledgers: two demo ledgers of different shapes,
// and the hand-checked ledger with its partial payments, credit note,
// overpayments and reversed direct debit, plus later invoices and
// payments; all three with dispute actions added (disputes, resolutions,
// both on one day, some dated after the as-of dates) and ledger flags.
func TestFeaturesQueryUnchanged(t *testing.T) {
	before, err := os.ReadFile("testdata/risk_features_before.sql")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	type ledger struct {
		name string
		db   *store.DB
		end  creditflow.Date
	}
	var ledgers []ledger
	hand := ledgerDB(t)
	mustIngest(t, hand, writeLater(t)...)
	addDisputes(t, hand, 2)
	ledgers = append(ledgers, ledger{"hand-checked", hand, date(t, "2025-05-10")})
	if !testing.Short() {
		for _, cfg := range []demo.Config{
			{Customers: 80, Invoices: 6000, Seed: 5, End: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC), Years: 3},
			{Customers: 30, Invoices: 2500, Seed: 17, End: time.Date(2024, 5, 31, 0, 0, 0, 0, time.UTC), Years: 2},
		} {
			db, _ := ledgertest.DemoDB(t, cfg, "")
			addDisputes(t, db, 7)
			ledgers = append(ledgers, ledger{fmt.Sprintf("demo %d/%d seed %d", cfg.Customers, cfg.Invoices, cfg.Seed), db, creditflow.NewDate(cfg.End)})
		}
	}
	for _, l := range ledgers {
		var ids []string
		if err := store.EachRow(ctx, l.db, "SELECT customer_id FROM customers ORDER BY customer_id", func(rows *sql.Rows) error {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		var some []string
		for i, id := range ids {
			if i%3 != 1 {
				some = append(some, id)
			}
		}
		end := l.end
		// Month ends whose 3 and 12 months back fall on one day, dates
		// a day apart and far apart, unsorted.
		odd := []creditflow.Date{end.AddDays(-1), end.AddDays(-400), end.AddDays(-2), end.AddDays(-31), end.AddDays(-29), end.AddDays(-30)}
		first := end.AddDays(-3 * 365)
		cases := []struct {
			name      string
			dates     []creditflow.Date
			customers []string
			cut       creditflow.Date
			horizon   int
		}{
			{"score at the end", []creditflow.Date{end}, nil, end, 0},
			{"score before the end", []creditflow.Date{end.AddDays(-45)}, nil, end.AddDays(-45), 0},
			{"score some customers", []creditflow.Date{end.AddDays(-10)}, some, end.AddDays(-10), 0},
			{"training", trainingSnapshots(first, end), nil, end, outcomeHorizon},
			{"training some customers", trainingSnapshots(first, end), some, end, outcomeHorizon},
			{"odd dates", odd, nil, end, 0},
			{"odd dates with outcomes", odd, nil, end, 30},
			{"before any invoice", []creditflow.Date{end.AddDays(-5000)}, nil, end.AddDays(-5000), 0},
		}
		for _, c := range cases {
			t.Run(l.name+"/"+c.name, func(t *testing.T) {
				list := make([]string, len(c.dates))
				for i, d := range c.dates {
					list[i] = d.String()
				}
				args := []any{strings.Join(list, ","), "EUR", strings.Join(c.customers, ","), c.cut, c.horizon}
				want := queryAll(t, l.db, string(before), args)
				got := queryAll(t, l.db, store.Query("risk_features"), args)
				compareRows(t, got, want)
			})
		}
	}
}

// writeLater writes the invoices and payments dated after the
// hand-checked ledger's as-of dates.
func writeLater(t *testing.T) []string {
	return storetest.WriteFiles(t, "invoices.csv", laterInvoices, "payments.csv", laterPayments)
}

// addDisputes records dispute actions on every nth invoice of db (by
// invoice_id): a dispute 20 days after the invoice date, resolved 40 days
// later on every other one, disputed and resolved on one day on every
// third, and sets the ledger's flag on some others.
func addDisputes(t *testing.T, db *store.DB, n int) {
	t.Helper()
	stmts := []string{
		fmt.Sprintf(`CREATE TEMP TABLE picked_invoices AS
			SELECT invoice_id, customer_id, invoice_date, row_number() OVER (ORDER BY invoice_id) AS k
			FROM invoices QUALIFY k %% %d = 0`, n),
		`INSERT INTO dunning_actions (customer_id, invoice_ids, type, action_date, created_by, created_at)
			SELECT customer_id, [invoice_id], 'dispute', invoice_date + 20, 'test', TIMESTAMP '2025-01-01' FROM picked_invoices ORDER BY k`,
		`INSERT INTO dunning_actions (customer_id, invoice_ids, type, action_date, created_by, created_at)
			SELECT customer_id, [invoice_id], 'dispute_resolved', invoice_date + 60, 'test', TIMESTAMP '2025-01-01' FROM picked_invoices WHERE k % 2 = 0 ORDER BY k`,
		`INSERT INTO dunning_actions (customer_id, invoice_ids, type, action_date, created_by, created_at)
			SELECT customer_id, [invoice_id], 'dispute_resolved', invoice_date + 20, 'test', TIMESTAMP '2025-01-01' FROM picked_invoices WHERE k % 3 = 0 ORDER BY k`,
		`INSERT INTO dunning_actions (customer_id, invoice_ids, type, action_date, created_by, created_at)
			SELECT customer_id, [invoice_id], 'dispute', invoice_date + 20, 'test', TIMESTAMP '2025-01-01' FROM picked_invoices WHERE k % 6 = 0 ORDER BY k`,
		fmt.Sprintf(`UPDATE invoices SET disputed = true WHERE invoice_id IN
			(SELECT invoice_id FROM invoices QUALIFY row_number() OVER (ORDER BY invoice_id) %% %d = 1)`, n+1),
		`DROP TABLE picked_invoices`,
	}
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, s := range stmts {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// queryAll runs query and returns every row, every value as scanned.
func queryAll(t *testing.T, db *store.DB, query string, args []any) [][]any {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// compareRows fails the test on the first differences between got and
// want: the same number of rows, equal values, floats within 1e-9.
func compareRows(t *testing.T, got, want [][]any) {
	t.Helper()
	if len(want) == 0 {
		t.Fatal("the query before answers no row: the case tests nothing")
	}
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	bad := 0
	for i := range want {
		if len(got[i]) != len(want[i]) {
			t.Fatalf("row %d: %d columns, want %d", i, len(got[i]), len(want[i]))
		}
		for j := range want[i] {
			if !sameValue(got[i][j], want[i][j]) {
				t.Errorf("row %d (%v %v) column %d: %#v, want %#v", i, want[i][0], want[i][1], j, got[i][j], want[i][j])
				if bad++; bad > 10 {
					t.FailNow()
				}
			}
		}
	}
}

func sameValue(got, want any) bool {
	g, gok := got.(float64)
	w, wok := want.(float64)
	if gok && wok {
		return math.Abs(g-w) <= 1e-9*math.Max(1, math.Abs(w))
	}
	return reflect.DeepEqual(toComparable(got), toComparable(want))
}

// toComparable makes integers of any width, and decimals, comparable.
func toComparable(v any) any {
	switch x := v.(type) {
	case duckdb.Decimal:
		return new(big.Rat).SetFrac(x.Value, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(x.Scale)), nil)).RatString()
	case int8, int16, int32, int64, uint8, uint16, uint32, uint64, int:
		return fmt.Sprint(x)
	case fmt.Stringer:
		return x.String()
	}
	return v
}
