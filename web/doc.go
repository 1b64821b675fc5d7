// Package web serves the HTTP API and the dashboards. It is the only package
// that speaks HTTP.
//
// It may import every package of ours except cmd and the test helpers. It
// is the only package that imports go-echarts; the money, amounts,
// counts and percentages of its pages and its charts' scripts are
// formatted by present.
package web
