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
// # Files
//
// The package holds the ledger's indicators and the payment-risk engine:
//
//   - aging.go, kpis.go: open items, aging and the indicators; stats.go:
//     the row counts of the ledger tables;
//   - engine.go: the Engine, its cache of scores per as-of date and its
//     invalidation, and Scored; scoring.go: one as-of date's features,
//     predictions and scores; training.go: the models' training on past
//     snapshots; features.go and model.go: the features and the fitted
//     models;
//   - reasons.go: the top three reasons of a score and their sentences;
//   - limits.go: the recommended credit limits; customer.go: what the
//     engine knows of one customer;
//   - openitem_plate.go: the p_late of a single open item;
//   - sorted.go: the scores sorted, filtered and paged;
//   - alerts.go: the behaviour changes and silences as alerts, dated by
//     their onset;
//   - change.go: the change test (described there), DetectChanges and
//     DelaySeries; change_detect.go: the test on one customer's delays;
//     change_read.go: reading the delays from the database;
//     change_text.go: the sentences describing a change; change_eval.go:
//     the test measured against a ledger with known behaviour;
//   - backtest.go: the scores measured against what happened later.
//
// # Imports
//
// risk may import the root domain package (github.com/creditflow/creditflow),
// present (the one formatter of money, dates and
// percentages, for the reason texts) and store, and reaches the queries of the sql folder only through store
// (store.Query). It never imports web, forecast or dunning: web and
// forecast build on risk, and dunning takes the risk weights it needs
// through a function (dunning.RiskLookup), not by importing risk.
package risk
