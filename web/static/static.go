package static

import "embed"

// FS holds app.css, echarts.min.js and tableexport.js.
//
//go:embed app.css echarts.min.js tableexport.js
var FS embed.FS
