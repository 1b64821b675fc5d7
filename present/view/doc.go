// Package view holds the pieces the dashboards and the weekly report show
// alike: indicator cards, rendered charts, the charts' number formatters and
// the aging buckets' titles and colours. Numbers and money are written by
// package present; this package only places them.
//
// It may import the root domain package, present and go-echarts; it is,
// with web and report, one of the packages that draw charts.
package view
