// Package report writes the weekly receivables report: report.html, one
// self-contained page that opens offline (the style sheet and echarts
// inlined), and report.xlsx with the same tables. The figures come from the
// application (package app), so the report and the pages agree.
//
// It may import the root domain package, app, risk (for the ledger's
// indicators), dunning (for its types), present and present/view, and
// web/static for the embedded assets; never web.
package report
