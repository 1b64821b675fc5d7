package creditflow

// ForecastWeek is the cash expected in one week (Monday to Sunday). Amounts
// are in cents of the report currency. Expected is the mean over the
// simulated paths and equals FromOpen + FromNew exactly; P10, P50 and P90
// are quantiles of the week's total over the paths.
type ForecastWeek struct {
	WeekStart Date  `json:"week_start"`
	WeekEnd   Date  `json:"week_end"`
	Expected  Money `json:"expected"`
	P10       Money `json:"p10"`
	P50       Money `json:"p50"`
	P90       Money `json:"p90"`
	// FromOpen is cash for invoices open on the as-of date, FromNew cash for
	// invoices not yet issued then.
	FromOpen Money `json:"from_open"`
	FromNew  Money `json:"from_new"`
}

// CustomerCash is the cash a customer is expected to pay on its open items
// within the forecast horizon, next to what it has open.
type CustomerCash struct {
	CustomerID string `json:"customer_id"`
	Name       string `json:"name"`
	Expected   Money  `json:"expected"`
	OpenAmount Money  `json:"open_amount"`
}

// Forecast is the weekly cash-in forecast made on an as-of date.
type Forecast struct {
	AsOf         Date           `json:"as_of"`
	Currency     string         `json:"currency"`
	Weeks        []ForecastWeek `json:"weeks"`
	TopCustomers []CustomerCash `json:"top_customers"`
}
