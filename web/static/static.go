package static

import "embed"

// FS holds app.css, echarts.min.js, tableexport.js and search.js.
//
//go:embed app.css echarts.min.js tableexport.js search.js
var FS embed.FS
