package static

import "embed"

// FS holds app.css and echarts.min.js.
//
//go:embed app.css echarts.min.js
var FS embed.FS
