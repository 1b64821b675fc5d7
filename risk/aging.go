package risk

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/store"
)

// Paging limits of OpenItems and AgingByGroup.
const (
	DefaultLimit = 100
	MaxLimit     = 10000
)

// MaxHistoryDates is the most as-of dates AgingHistory takes at once.
const MaxHistoryDates = 1000

// Sort orders of OpenItems.
const (
	SortDaysPastDue = "days_past_due" // most overdue first (the default)
	SortOpenAmount  = "open_amount"   // largest open amount first
	SortDueDate     = "due_date"      // earliest due date first
	SortCustomer    = "customer"      // by customer name, then oldest due date first
)

// Groups of AgingByGroup.
const (
	GroupCustomer = "customer"
	GroupSegment  = "segment"
)

// OpenItemsQuery selects a page of open items.
type OpenItemsQuery struct {
	AsOf       creditflow.Date
	CustomerID string // optional filter
	Sort       string // "days_past_due" (default, most overdue first), "open_amount" (largest first), "due_date", "customer"
	Limit      int    // default 100, max 10000
	Offset     int
}

// ValidateSort checks a sort order of OpenItems; "" means the default.
func ValidateSort(sort string) error {
	switch sort {
	case "", SortDaysPastDue, SortOpenAmount, SortDueDate, SortCustomer:
		return nil
	}
	return fmt.Errorf("%w: sort %q: expected days_past_due, open_amount, due_date or customer", creditflow.ErrInvalid, sort)
}

// ValidateGroup checks a grouping of AgingByGroup.
func ValidateGroup(group string) error {
	switch group {
	case GroupCustomer, GroupSegment:
		return nil
	}
	return fmt.Errorf("%w: group %q: expected customer or segment", creditflow.ErrInvalid, group)
}

// ValidatePage checks a page size and offset: limit 0 means DefaultLimit,
// at most MaxLimit; neither may be negative.
func ValidatePage(limit, offset int) error {
	if limit < 0 || limit > MaxLimit {
		return fmt.Errorf("%w: limit %d: expected 1..%d (0 for %d)", creditflow.ErrInvalid, limit, MaxLimit, DefaultLimit)
	}
	if offset < 0 {
		return fmt.Errorf("%w: offset %d: expected 0 or more", creditflow.ErrInvalid, offset)
	}
	return nil
}

func validateAsOf(asOf creditflow.Date) error {
	if asOf.IsZero() {
		return fmt.Errorf("%w: as-of date is required", creditflow.ErrInvalid)
	}
	return nil
}

// OpenItems returns one page of the open items on oq.AsOf and the number of
// open items in all pages.
func OpenItems(ctx context.Context, q store.Querier, oq OpenItemsQuery) (items []creditflow.OpenItem, total int, err error) {
	if err := validateAsOf(oq.AsOf); err != nil {
		return nil, 0, err
	}
	if err := ValidateSort(oq.Sort); err != nil {
		return nil, 0, err
	}
	if err := ValidatePage(oq.Limit, oq.Offset); err != nil {
		return nil, 0, err
	}
	if oq.Sort == "" {
		oq.Sort = SortDaysPastDue
	}
	if oq.Limit == 0 {
		oq.Limit = DefaultLimit
	}
	cur, err := reportCurrency(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	items = []creditflow.OpenItem{}
	err = store.EachRow(ctx, q, store.Query("open_items"), func(rows *sql.Rows) error {
		it, n, err := store.ScanOpenItem(rows)
		if err != nil {
			return err
		}
		items, total = append(items, it), n
		return nil
	}, oq.AsOf, cur, oq.CustomerID, oq.Sort, oq.Limit, oq.Offset)
	if err != nil {
		return nil, 0, fmt.Errorf("open items: %w", err)
	}
	if len(items) == 0 && oq.Offset > 0 {
		// A page past the end: the window count had no row to ride on.
		err := q.QueryRowContext(ctx, store.Query("open_items_count"), oq.AsOf, cur, oq.CustomerID).Scan(&total)
		if err != nil {
			return nil, 0, fmt.Errorf("open items: %w", err)
		}
	}
	return items, total, nil
}

// AgingReport returns the open receivables on asOf split into the aging
// buckets, with all five buckets present, in order, even when empty.
func AgingReport(ctx context.Context, q store.Querier, asOf creditflow.Date) (creditflow.Aging, error) {
	cur, err := asOfCurrency(ctx, q, asOf)
	if err != nil {
		return creditflow.Aging{}, err
	}
	a := creditflow.Aging{AsOf: asOf, Currency: cur}
	var b bucketRow
	dest := append([]any{store.Money(&a.OpenTotal), store.Money(&a.OverdueTotal), store.Money(&a.UnappliedCredit)}, b.dest()...)
	if err := q.QueryRowContext(ctx, store.Query("aging"), asOf, cur).Scan(dest...); err != nil {
		return creditflow.Aging{}, fmt.Errorf("aging on %s: %w", asOf, err)
	}
	a.Buckets = b.buckets()
	return a, nil
}

// AgingByGroup returns the aging on asOf of each customer or each segment
// ("customer" or "segment") with open items, largest open total first, one
// page of them (limit 0 means DefaultLimit). Customer groups are named after
// the customer (its customer_id when it has no name); the segment of
// customers without one is "".
func AgingByGroup(ctx context.Context, q store.Querier, asOf creditflow.Date, group string, limit, offset int) ([]creditflow.AgingGroup, error) {
	if err := validateAsOf(asOf); err != nil {
		return nil, err
	}
	if err := ValidateGroup(group); err != nil {
		return nil, err
	}
	if err := ValidatePage(limit, offset); err != nil {
		return nil, err
	}
	if limit == 0 {
		limit = DefaultLimit
	}
	cur, err := reportCurrency(ctx, q)
	if err != nil {
		return nil, err
	}
	groups := []creditflow.AgingGroup{}
	err = store.EachRow(ctx, q, store.Query("aging_by_group"), func(rows *sql.Rows) error {
		var g creditflow.AgingGroup
		var b bucketRow
		dest := []any{&g.Key, &g.Name, store.Money(&g.OpenTotal), store.Money(&g.OverdueTotal)}
		if err := rows.Scan(append(dest, b.dest()...)...); err != nil {
			return err
		}
		g.Buckets = b.buckets()
		groups = append(groups, g)
		return nil
	}, asOf, cur, limit, offset, group)
	if err != nil {
		return nil, fmt.Errorf("aging by %s: %w", group, err)
	}
	return groups, nil
}

// AgingHistory returns the aging at each of the given dates, in the order
// given, computed in one query. The dashboard asks for the last 12
// month-ends.
func AgingHistory(ctx context.Context, q store.Querier, dates []creditflow.Date) ([]creditflow.Aging, error) {
	if len(dates) > MaxHistoryDates {
		return nil, fmt.Errorf("%w: %d dates: at most %d at once", creditflow.ErrInvalid, len(dates), MaxHistoryDates)
	}
	out := make([]creditflow.Aging, 0, len(dates))
	if len(dates) == 0 {
		return out, nil
	}
	list := make([]string, len(dates))
	for i, d := range dates {
		if err := validateAsOf(d); err != nil {
			return nil, err
		}
		list[i] = d.String()
	}
	cur, err := reportCurrency(ctx, q)
	if err != nil {
		return nil, err
	}
	byDate := make(map[string]creditflow.Aging, len(dates))
	err = store.EachRow(ctx, q, store.Query("aging_history"), func(rows *sql.Rows) error {
		a := creditflow.Aging{Currency: cur}
		var b bucketRow
		dest := append([]any{&a.AsOf, store.Money(&a.OpenTotal), store.Money(&a.OverdueTotal), store.Money(&a.UnappliedCredit)}, b.dest()...)
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		a.Buckets = b.buckets()
		byDate[a.AsOf.String()] = a
		return nil
	}, strings.Join(list, ","), cur)
	if err != nil {
		return nil, fmt.Errorf("aging history: %w", err)
	}
	for _, d := range list {
		a, ok := byDate[d]
		if !ok {
			return nil, fmt.Errorf("aging history: no row for %s", d)
		}
		// Each Aging gets its own buckets, so callers may change one freely.
		a.Buckets = slices.Clone(a.Buckets)
		out = append(out, a)
	}
	return out, nil
}

// bucketRow receives the amount_<bucket>, count_<bucket> columns of the
// aging queries, in the order of creditflow.AgingBucketLabels.
type bucketRow struct {
	amount [5]creditflow.Money
	count  [5]int
}

func (b *bucketRow) dest() []any {
	d := make([]any, 0, 2*len(b.amount))
	for i := range b.amount {
		d = append(d, store.Money(&b.amount[i]), &b.count[i])
	}
	return d
}

func (b *bucketRow) buckets() []creditflow.AgingBucket {
	out := make([]creditflow.AgingBucket, len(creditflow.AgingBucketLabels))
	for i, label := range creditflow.AgingBucketLabels {
		out[i] = creditflow.AgingBucket{Label: label, Amount: b.amount[i], Count: b.count[i]}
	}
	return out
}

// asOfCurrency checks that asOf is given and returns the currency the
// analytics report in.
func asOfCurrency(ctx context.Context, q store.Querier, asOf creditflow.Date) (string, error) {
	if err := validateAsOf(asOf); err != nil {
		return "", err
	}
	return reportCurrency(ctx, q)
}

// reportCurrency returns the currency the analytics report in.
func reportCurrency(ctx context.Context, q store.Querier) (string, error) {
	var cur string
	if err := q.QueryRowContext(ctx, store.Query("report_currency")).Scan(&cur); err != nil {
		return "", fmt.Errorf("report currency: %w", err)
	}
	return cur, nil
}

// round1 rounds x to one decimal, as days and indices are reported.
func round1(x float64) float64 { return math.Round(x*10) / 10 }
