package risk

import (
	"context"
	"database/sql"
	"fmt"
	"math"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/store"
)

// countbackMonths is how far back the DSO countback goes: when the
// receivable exceeds two years of sales, DSO is the days of those two years.
const countbackMonths = 24

// monthSales is the credit sales of one calendar month of the countback.
type monthSales struct {
	days  int              // days of the month counted (up to the as-of date for its own month)
	sales creditflow.Money // invoice amounts dated in it, credit notes included
}

// ComputeKPIs returns the receivables indicators on asOf. Days are calendar
// days rounded to 0.1; OverdueShare is a fraction in [0,1] rounded to 4
// decimals; CEI is percent, rounded to 0.1.
//
//   - DSO (countback): starting from the open total on A, walk back calendar
//     months from A's own month (its days 1..A only); while what remains
//     exceeds the month's credit sales, add the month's days and subtract its
//     sales; then add remaining/sales × the month's days. At most 24 months.
//   - BestPossibleDSO: the same for the not-yet-due open amount only.
//   - ADD = DSO - BestPossibleDSO (of the rounded values).
//   - CEI over N days: (open on A-N + sales in (A-N, A] - open on A) /
//     (open on A-N + sales in (A-N, A] - not-yet-due open on A) × 100;
//     0 when the denominator is not positive.
//   - WeightedDaysToPay, WeightedDaysLate: over invoices fully settled in
//     (A-90, A], the amount-weighted mean days from invoice date, and from
//     due date, to the day they were settled; 0 when there are none.
func ComputeKPIs(ctx context.Context, q store.Querier, asOf creditflow.Date) (creditflow.KPIs, error) {
	cur, err := asOfCurrency(ctx, q, asOf)
	if err != nil {
		return creditflow.KPIs{}, err
	}
	k := creditflow.KPIs{AsOf: asOf, Currency: cur}
	var (
		current, open30, open90, sales30, sales90 creditflow.Money
		// settled is the amount of the invoices settled in (A-90, A];
		// payDays and lateDays are the sums of amount × days to pay (late),
		// in cent-days.
		settled, payDays, lateDays creditflow.Money
	)
	err = q.QueryRowContext(ctx, store.Query("kpis"), asOf, cur).Scan(
		store.Money(&k.OpenTotal), store.Money(&k.OverdueTotal), store.Money(&current),
		&k.OpenItems, &k.Customers, store.Money(&k.UnappliedCredit),
		store.Money(&open30), store.Money(&open90), store.Money(&sales30), store.Money(&sales90),
		store.Money(&settled), store.Money(&payDays), store.Money(&lateDays))
	if err != nil {
		return creditflow.KPIs{}, fmt.Errorf("kpis on %s: %w", asOf, err)
	}
	months, err := monthlySales(ctx, q, asOf, cur)
	if err != nil {
		return creditflow.KPIs{}, err
	}
	if k.OpenTotal > 0 {
		k.OverdueShare = math.Round(float64(k.OverdueTotal)/float64(k.OpenTotal)*1e4) / 1e4
	}
	k.DSO = round1(countback(k.OpenTotal, months))
	k.BestPossibleDSO = round1(countback(current, months))
	k.ADD = round1(k.DSO - k.BestPossibleDSO)
	k.CEI30 = round1(cei(open30, sales30, k.OpenTotal, current))
	k.CEI90 = round1(cei(open90, sales90, k.OpenTotal, current))
	if settled > 0 {
		k.WeightedDaysToPay = round1(float64(payDays) / float64(settled))
		k.WeightedDaysLate = round1(float64(lateDays) / float64(settled))
	}
	return k, nil
}

// monthlySales returns the credit sales of A's month and the months before
// it, most recent first.
func monthlySales(ctx context.Context, q store.Querier, asOf creditflow.Date, cur string) ([]monthSales, error) {
	months := make([]monthSales, 0, countbackMonths)
	err := store.EachRow(ctx, q, store.Query("kpi_monthly_sales"), func(rows *sql.Rows) error {
		var (
			back  int
			month creditflow.Date
			m     monthSales
		)
		if err := rows.Scan(&back, &month, &m.days, store.Money(&m.sales)); err != nil {
			return err
		}
		months = append(months, m)
		return nil
	}, asOf, cur)
	if err != nil {
		return nil, fmt.Errorf("monthly sales on %s: %w", asOf, err)
	}
	return months, nil
}

// countback returns the days of the most recent credit sales that the
// receivable makes up (the countback method of DSO), in days. months are
// most recent first; when the receivable exceeds them all, the result is
// the days of all of them.
func countback(receivable creditflow.Money, months []monthSales) float64 {
	remaining := receivable
	days := 0.0
	if remaining <= 0 {
		return 0
	}
	for _, m := range months {
		if remaining > m.sales {
			days += float64(m.days)
			remaining -= m.sales
			continue
		}
		// 0 < remaining <= m.sales here.
		return days + float64(remaining)/float64(m.sales)*float64(m.days)
	}
	return days
}

// cei returns the collection effectiveness index in percent: of what was
// collectable over the period (the opening receivable plus the period's
// sales, less what is not yet due at its end), the share collected.
func cei(openStart, sales, openEnd, currentEnd creditflow.Money) float64 {
	den := openStart + sales - currentEnd
	if den <= 0 {
		return 0
	}
	return float64(openStart+sales-openEnd) / float64(den) * 100
}
