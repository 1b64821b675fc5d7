package app

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/store"
)

// AuditFilter selects lines of the audit log.
type AuditFilter struct {
	Action string // "" for every action
	Text   string // looked for in the actor and the detail, regardless of case
	// From and To bound the moment, when not zero (both included).
	From, To time.Time
	// Limit is the page's size (at most MaxAuditPage), Offset the lines
	// skipped.
	Limit, Offset int
}

// MaxAuditPage is the most audit lines one page holds; an export has no
// limit.
const MaxAuditPage = 500

// AuditPage is a page of the audit log and the number of lines that the
// filter selects over all pages.
type AuditPage struct {
	Entries []creditflow.AuditEntry `json:"entries"`
	Total   int                     `json:"total"`
}

// Audit returns a page of the audit log, the newest first. A Limit of 0 or
// less with export reads every line that the filter selects.
func (a *Auth) Audit(ctx context.Context, f AuditFilter, export bool) (AuditPage, error) {
	switch {
	case export:
		f.Limit, f.Offset = 1<<31-1, 0
	case f.Limit <= 0 || f.Limit > MaxAuditPage:
		return AuditPage{}, fmt.Errorf("%w: limit %d: expected 1 to %d", creditflow.ErrInvalid, f.Limit, MaxAuditPage)
	case f.Offset < 0:
		return AuditPage{}, fmt.Errorf("%w: offset %d: expected 0 or more", creditflow.ErrInvalid, f.Offset)
	}
	var from, to any
	if !f.From.IsZero() {
		from = f.From.UTC()
	}
	if !f.To.IsZero() {
		to = f.To.UTC()
	}
	page := AuditPage{Entries: []creditflow.AuditEntry{}}
	if err := a.db.QueryRowContext(ctx, store.Query("audit_count"), f.Action, f.Text, from, to).Scan(&page.Total); err != nil {
		return AuditPage{}, fmt.Errorf("count audit lines: %w", err)
	}
	err := store.EachRow(ctx, a.db, store.Query("audit_list"), func(rows *sql.Rows) error {
		var e creditflow.AuditEntry
		var detail string
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &detail); err != nil {
			return err
		}
		if detail != "" && json.Valid([]byte(detail)) {
			e.Detail = json.RawMessage(detail)
		}
		page.Entries = append(page.Entries, e)
		return nil
	}, f.Action, f.Text, from, to, f.Limit, f.Offset)
	if err != nil {
		return AuditPage{}, fmt.Errorf("read audit log: %w", err)
	}
	return page, nil
}

// AuditActions lists the actions that the audit log holds.
func (a *Auth) AuditActions(ctx context.Context) ([]string, error) {
	var as []string
	err := store.EachRow(ctx, a.db, store.Query("audit_actions"), func(rows *sql.Rows) error {
		var s string
		as = append(as, s)
		return rows.Scan(&as[len(as)-1])
	})
	if err != nil {
		return nil, fmt.Errorf("audit actions: %w", err)
	}
	return as, nil
}
