package static

import "embed"

// FS holds app.css, echarts.min.js and search.js.
//
//go:embed app.css echarts.min.js search.js
var FS embed.FS
