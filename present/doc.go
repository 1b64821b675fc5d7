// Package present writes numbers, money and dates for people to read, in
// Dutch (NL) or English (EN): the one place where the project formats money
// for a page, a letter, a reason text or a terminal table, and the place
// for its counts, percentages and dates. Machine formats (files, CSV, JSON,
// SQL) are not its business: they use creditflow.Money's String and
// creditflow.Date's String.
//
// Money is written from its integer cents, never through float64. Where
// the outputs of the project differ on purpose, each variant has its own
// name, so that a caller picks what it writes:
//
//	EN.Amount(m)            1,234.56      −1,234.56      tables that name the currency once
//	EN.Money("EUR", m)      EUR 1,234.56  EUR −1,234.56  pages
//	EN.TextAmount(m)        1,234.56      -1,234.56      plain text and terminals
//	EN.TextMoney("EUR", m)  EUR 1,234.50  EUR 1,234      sentences: cents only when there are any
//	EN.Plain(m)             1234.56       -1234.56       reason texts and plain tables, not grouped
//	EN.Euro(m)              €1,234.56     -€1,234.56     letters
//
// and in Dutch NL.Money("EUR", m) is "€ 1.234,56", NL.Euro(m) "€ 1.234,56".
// The page variants write a negative amount with the minus sign (U+2212),
// the text variants with the ASCII hyphen-minus.
//
// Charts format in the browser; MoneyJS and CompactJS give the JavaScript
// of the same formats, to embed in chart options.
//
// It may import the standard library and the root domain package
// github.com/creditflow/creditflow, nothing else.
package present
