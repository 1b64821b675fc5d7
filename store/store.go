package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/creditflow/creditflow"
	sqlfiles "github.com/creditflow/creditflow/sql"
	"github.com/duckdb/duckdb-go/v2"
)

// files are the migrations and named queries of the sql folder.
var files = sqlfiles.FS

// Query returns the text of the named query file (without ".sql"). It
// panics on an unknown name: query names are constants of the program.
func Query(name string) string {
	b, err := files.ReadFile(name + ".sql")
	if err != nil {
		panic(fmt.Sprintf("store: no query %q", name))
	}
	return string(b)
}

// Querier is what the analytics read from: a *DB, *sql.DB, *sql.Conn or
// *sql.Tx all fit.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// EachRow runs query on q and calls fn for each row of the answer. The
// first error, of the query, of fn or of reading the rows, ends it and is
// returned.
func EachRow(ctx context.Context, q Querier, query string, fn func(*sql.Rows) error, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ScanOpenItem reads one row of the query open_items: the open item and
// the number of open items the query selects over all its pages.
func ScanOpenItem(rows *sql.Rows) (it creditflow.OpenItem, total int, err error) {
	err = rows.Scan(&it.InvoiceID, &it.CustomerID, &it.CustomerName, &it.Segment,
		&it.InvoiceDate, &it.DueDate, Money(&it.Amount), Money(&it.OpenAmount),
		&it.DaysPastDue, &it.Bucket, &it.Disputed, Money(&it.OriginalAmount), &it.OriginalCurrency, &total)
	return it, total, err
}

// DB is the ledger database. DuckDB allows one writer at a time, so writes go
// through Write, which serialises them; reads use the embedded *sql.DB and run
// concurrently, seeing the last committed state.
type DB struct {
	*sql.DB
	Path    string
	writeMu sync.Mutex
}

// Open opens (creating if needed) the DuckDB file at path, or an in-memory
// database for "", and applies pending migrations.
func Open(ctx context.Context, path string) (*DB, error) {
	dsn := path
	connector, err := duckdb.NewConnector(dsn, nil)
	if err != nil {
		if isLockError(err) {
			return nil, fmt.Errorf("open %s: %w: %v", path, creditflow.ErrLocked, err)
		}
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db := &DB{DB: sql.OpenDB(connector), Path: path}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate %s: %w", path, err)
	}
	return db, nil
}

func isLockError(err error) bool {
	s := err.Error()
	return strings.Contains(s, "Could not set lock") || strings.Contains(s, "Conflicting lock")
}

// Write runs fn on one connection while holding the writer lock. fn manages
// its own transaction (see WriteTx for the common case); the lock makes sure
// no other write of this process interleaves.
func (db *DB) Write(ctx context.Context, fn func(conn *sql.Conn) error) error {
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return fn(conn)
}

// WriteTx runs fn inside one transaction under the writer lock and commits
// when fn returns nil.
func (db *DB) WriteTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// TryWriteTx is WriteTx when the writer lock is free, and nothing when
// another write holds it (a long load, say): ok says whether fn ran. It is
// for bookkeeping that may wait for a later request, such as when a session
// was last seen, and must not make that request wait.
func (db *DB) TryWriteTx(ctx context.Context, fn func(tx *sql.Tx) error) (ok bool, err error) {
	if !db.writeMu.TryLock() {
		return false, nil
	}
	defer db.writeMu.Unlock()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return true, err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return true, err
	}
	return true, tx.Commit()
}

type migration struct {
	version int
	name    string
}

func migrations() ([]migration, error) {
	entries, err := fs.Glob(files, "[0-9][0-9][0-9]_*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		v, err := strconv.Atoi(e[:3])
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{v, e})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

func (db *DB) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER NOT NULL, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)`); err != nil {
			return err
		}
		var current int
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
			return err
		}
		for _, m := range ms {
			if m.version <= current {
				continue
			}
			body, err := files.ReadFile(m.name)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("%s: %w", m.name, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, m.version, m.name); err != nil {
				return err
			}
		}
		return nil
	})
}

// Money returns a scan destination that reads a DECIMAL column into m
// exactly. NULL reads as zero.
func Money(m *creditflow.Money) sql.Scanner { return moneyScanner{m} }

type moneyScanner struct{ m *creditflow.Money }

func (s moneyScanner) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*s.m = 0
	case duckdb.Decimal:
		if v.Value == nil {
			*s.m = 0
			return nil
		}
		n := v.Value
		switch {
		case v.Scale == 2:
		case v.Scale < 2:
			n = new(bigInt).Mul(n, pow10(2-int(v.Scale)))
		default:
			return fmt.Errorf("store.Money: scale %d would lose cents", v.Scale)
		}
		if !n.IsInt64() {
			return errors.New("store.Money: amount out of range")
		}
		*s.m = creditflow.Money(n.Int64())
	case int64:
		*s.m = creditflow.Money(v * 100)
	case int32:
		*s.m = creditflow.Money(int64(v) * 100)
	case string:
		m, err := creditflow.ParseMoney(v)
		if err != nil {
			return err
		}
		*s.m = m
	default:
		return fmt.Errorf("store.Money: cannot scan %T", src)
	}
	return nil
}
