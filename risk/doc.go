// Package risk computes the receivables analytics of the ledger: open items,
// aging, and the standard indicators (DSO, best-possible DSO, average days
// delinquent, collection effectiveness, days to pay).
//
// Everything is aggregated inside DuckDB by the named queries in sql/ (see
// sql/003_analytics_macros.sql for the shared definitions); only totals come
// back to Go. Money is summed exactly as DECIMAL and read with store.Money;
// only the ratios (days, shares, indices) are float64.
//
// Every function takes an as-of date A and sees the ledger as it stood on A:
// invoices dated on or before A, payments dated on or before A and the
// payment allocations made on or before A. Dates after A never count.
//
// Currency: payments carry no currency and amounts of different currencies
// are never added up. The figures are in the ledger's report currency, the
// currency of most invoices (EUR for an empty ledger, which also wins ties);
// a ledger in one currency simply reports in it. When a ledger mixes
// currencies, the invoices, credit notes and allocations of the other
// currencies are left out, and so are the payments of customers who have
// invoices only in other currencies.
//
// It may import the root domain package, store and present (for the
// reason texts); nothing else of ours.
package risk
