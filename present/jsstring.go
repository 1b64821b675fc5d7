package present

// JSString quotes s as a single-quoted JavaScript string that is also safe
// inside an HTML script element and inside a go-echarts function: a text
// of the page's language in a chart's formatter.
func JSString(s string) string { return jsString(s) }
