// Package static embeds the dashboards' style sheet and the echarts library
// (copied from its npm package by `make assets`), so that the service and
// the weekly report work offline. web serves them under /static/; the
// report inlines them.
package static

import "embed"

// FS holds app.css and echarts.min.js.
//
//go:embed app.css echarts.min.js
var FS embed.FS
