// Command creditflow loads a receivables ledger into DuckDB and serves its
// credit-risk and cashflow analytics as an API and dashboards.
//
// It may import every package of ours except the test helpers
// (store/storetest, demo/ledgertest, app/apptest); it wires them together and nothing imports
// it.
package main
