// Package forecast forecasts the weekly cash coming in: from the invoices
// open on an as-of date, each with a distribution of its payment date, and
// from the invoices not yet issued, with a forecast of the invoicing and the
// book's collection curve. The totals carry uncertainty from a seeded
// simulation, and a backtest judges the forecast against the cash that came
// in and against two naive baselines.
//
// The payment model is a discrete-time survival model on the payment delay
// (payment day − due date, in days). For every day of delay the hazard is
// the probability of being paid that day when still open the day before;
// it is estimated from the invoices of the last two years as they stood on
// the as-of date (paid invoices are events, open ones are censored on the
// as-of date, each invoice is at risk from its invoice date on), weighted by
// recency (half-life 180 days). A customer's hazard is its own, smoothed over
// a week and shrunk towards its segment's, which is shrunk towards the
// book's: a customer with few invoices gets the segment's behaviour. An open
// item's payment-date distribution is the hazard from its current delay on,
// so it is conditional on the item still being open at its age. The open
// amount (after partial payments and instalments) is what is forecast.
//
// Disputed items follow the hazard of the book's disputed invoices.
// Customers who stopped paying (an item over 45 days past due and nothing
// settled for 60 days, or a "silence" change in the risk scores) keep 5% of
// their hazard. With risk scores (Options.Scores), a worsening or improving
// change halves the weight of the invoices the customer paid before the
// change, and a "silence" change counts as having stopped paying. On the
// demo ledgers the scores leave the accuracy about unchanged: the recency
// weights already follow a change, so the backtest runs without them.
//
// New invoicing per week is forecast with additive Holt-Winters (damped
// trend, yearly season of 52 weeks), its smoothing parameters fitted with
// gonum/optimize (Nelder-Mead on the one-step squared errors). The book's
// distribution of days from invoice to payment (a survival estimate too)
// turns it into cash.
//
// The totals' p10-p90 band is widened by a noise on each week's total
// calibrated, as of the as-of date, on the model's own forecasts of the
// weeks before it, so that it holds about 80% of the weeks (see noise.go).
//
// Weeks run Monday to Sunday. The first week is the one that holds the day
// after the as-of date: when the as-of date is a Sunday it starts the next
// day; otherwise it started on or before the as-of date and only its days
// after the as-of date are forecast (cash up to the as-of date is known).
//
// Only the ledger as it stood on the as-of date is read: invoices dated on
// or before it and allocations made on or before it.
//
// It may import the root domain package, store and risk (for the
// behaviour-change scores); nothing else of ours.
package forecast
