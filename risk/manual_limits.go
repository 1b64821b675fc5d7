package risk

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/store"
)

// MaxLimitReasonLength is the longest reason of a credit limit set by
// hand, in characters.
const MaxLimitReasonLength = 2000

// LimitOverride is a credit limit set by hand (credit_limit_overrides):
// Limit nil clears the limit set by hand, so that the recommended one
// applies. The latest override of a customer counts, for every as-of date,
// and overrides the ledger's credit_limit; the engine reads it as the
// customer's manual limit (CreditLimit.ManualLimit).
type LimitOverride struct {
	ID         int64             `json:"override_id"`
	CustomerID string            `json:"customer_id"`
	Limit      *creditflow.Money `json:"credit_limit"`
	Reason     string            `json:"reason"`
	SetBy      string            `json:"set_by"`
	SetAt      time.Time         `json:"set_at"`
}

// SetManualLimit stores a credit limit set by hand for a customer (nil
// clears it), with its reason, and an audit log entry, in one transaction.
// The reason is required; an unknown customer or a negative limit is
// ErrInvalid. The engine's cached scores still hold the old limit: the
// caller invalidates them.
func SetManualLimit(ctx context.Context, db *store.DB, customerID string, limit *creditflow.Money, reason, actor string, now time.Time) (LimitOverride, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case strings.TrimSpace(customerID) == "":
		return LimitOverride{}, fmt.Errorf("%w: customer_id: is required", creditflow.ErrInvalid)
	case limit != nil && *limit < 0:
		return LimitOverride{}, fmt.Errorf("%w: credit_limit: must not be negative", creditflow.ErrInvalid)
	case reason == "":
		return LimitOverride{}, fmt.Errorf("%w: reason: is required: why is the limit set by hand?", creditflow.ErrInvalid)
	case utf8.RuneCountInString(reason) > MaxLimitReasonLength:
		return LimitOverride{}, fmt.Errorf("%w: reason: longer than %d characters", creditflow.ErrInvalid, MaxLimitReasonLength)
	}
	o := LimitOverride{CustomerID: customerID, Limit: limit, Reason: reason, SetBy: actor, SetAt: now.UTC()}
	err := db.WriteTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, store.Query("customer_count"), customerID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("%w: customer %q", creditflow.ErrNotFound, customerID)
		}
		var amount any
		if limit != nil {
			amount = limit.String()
		}
		if err := tx.QueryRowContext(ctx, store.Query("credit_limit_override_insert"), customerID, amount, reason, actor, o.SetAt).Scan(&o.ID); err != nil {
			return err
		}
		detail, _ := json.Marshal(o)
		_, err := tx.ExecContext(ctx, store.Query("credit_limit_override_audit"), o.SetAt, actor, string(detail))
		return err
	})
	if err != nil {
		return LimitOverride{}, fmt.Errorf("set credit limit of %s: %w", customerID, err)
	}
	return o, nil
}

// LimitOverrides lists the credit limits set by hand of a customer, newest
// first.
func LimitOverrides(ctx context.Context, q store.Querier, customerID string) ([]LimitOverride, error) {
	out := []LimitOverride{}
	err := store.EachRow(ctx, q, store.Query("credit_limit_overrides"), func(rows *sql.Rows) error {
		var o LimitOverride
		var m creditflow.Money
		var has bool
		if err := rows.Scan(&o.ID, &o.CustomerID, store.Money(&m), &has, &o.Reason, &o.SetBy, &o.SetAt); err != nil {
			return err
		}
		if has {
			o.Limit = &m
		}
		out = append(out, o)
		return nil
	}, customerID)
	if err != nil {
		return nil, fmt.Errorf("credit limits of %s: %w", customerID, err)
	}
	return out, nil
}
