// Package static embeds the dashboards' style sheet and the echarts library
// (copied from its npm package by `make assets`), so that the service and
// the weekly report work offline. web serves them under /static/; the
// report inlines them.
//
// It imports nothing of ours.
package static
