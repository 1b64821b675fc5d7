package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// loader loads one file after another into the open transaction.
type loader struct {
	conn  *sql.Conn
	opt   Options
	runID int64
}

func (l *loader) load(ctx context.Context, f inputFile) (FileResult, error) {
	if f.kind == ExchangeRates {
		return l.loadRates(ctx, f)
	}
	fr := FileResult{File: f.name, Kind: f.kind, Format: f.shownFormat(), SHA256: f.sha, Dialect: f.detected}
	t := NewPhaseTimer(l.opt.Log, f.name)
	defer t.Done()
	st := f.staged
	if st == nil {
		var err error
		if st, err = l.stageFile(ctx, f, "stage_narrow"); err != nil {
			return fr, err
		}
	}
	spec, checks, stage := specs[f.kind], st.checks, st.table
	t.Phase("staged")
	var n int64
	if err := l.conn.QueryRowContext(ctx, checks.quick).Scan(&n); err != nil {
		return fr, fmt.Errorf("ingest %s: validate: %w", f.name, err)
	}
	if n > 0 {
		if err := l.stage(ctx, f, st.src, spec, st.present); err != nil {
			return fr, err
		}
		mapped := false
		if f.format == CSV && f.path != "" {
			var records int64
			if err := l.conn.QueryRowContext(ctx, `SELECT count(*) FROM stage`).Scan(&records); err != nil {
				return fr, err
			}
			var err error
			if mapped, err = l.numberLines(ctx, f, records); err != nil {
				return fr, fmt.Errorf("ingest %s: number lines: %w", f.name, err)
			}
		}
		detailed := problemsQueries(f.format, spec, st.present, l.opt.Strict, stage, mapped).detailed
		if err := l.listProblems(ctx, f, detailed); err != nil {
			return fr, err
		}
	}
	t.Phase("validated")
	table, key := string(f.kind), typedCol(spec.key)
	var noCustomer int64
	if err := l.conn.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE `+key+` IN (SELECT `+spec.key+` FROM `+table+`)),
		count(*) FILTER (WHERE `+typedCol("customer_id")+` IS NULL) FROM `+quoteIdent(stage)+` s`).
		Scan(&fr.Rows, &fr.Updated, &noCustomer); err != nil {
		return fr, err
	}
	fr.Inserted = fr.Rows - fr.Updated
	var cur string
	var converted bool
	if f.kind == Invoices || f.kind == Payments {
		var err error
		if cur, err = l.reportingCurrency(ctx, f.kind, stage); err != nil {
			return fr, fmt.Errorf("ingest %s: reporting currency: %w", f.name, err)
		}
		if converted, err = l.convert(ctx, f, stage, cur); err != nil {
			return fr, err
		}
		t.Phase("converted currencies")
	}
	for _, stmt := range mergeStatements(f.kind, st.extras, l.opt.Strict, stage, noCustomer > 0, converted) {
		var args []any
		if strings.Contains(stmt, "$2") {
			args = append(args, l.runID, cur)
		} else if strings.Contains(stmt, "$1") {
			args = append(args, l.runID)
		}
		if _, err := l.conn.ExecContext(ctx, stmt, args...); err != nil {
			return fr, fmt.Errorf("ingest %s: merge: %w", f.name, err)
		}
		t.Phase("merge: " + strings.Join(strings.Fields(stmt)[:3], " "))
	}
	return fr, nil
}
