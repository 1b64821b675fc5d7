package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
)

// The cash-flow forecast API: how much cash the open invoices and the
// invoices still to come bring in, week by week, with a p10-p90 band
// (app.Forecast).

// forecastWeeks reads the weeks parameter: 1 to app.MaxForecastWeeks, by
// default app.DefaultForecastWeeks.
func forecastWeeks(r *http.Request) (int, error) {
	v := r.URL.Query().Get("weeks")
	if v == "" {
		return app.DefaultForecastWeeks, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > app.MaxForecastWeeks {
		return 0, fmt.Errorf("%w: weeks %q: expected a whole number from 1 to %d", creditflow.ErrInvalid, v, app.MaxForecastWeeks)
	}
	return n, nil
}

// handleForecast answers GET /api/forecast?as_of=&weeks=: the cash expected
// in each week from the Monday of as_of's week on.
func (s *Server) handleForecast(r *http.Request) (any, error) {
	asOf, err := s.asOf(r)
	if err != nil {
		return nil, err
	}
	weeks, err := forecastWeeks(r)
	if err != nil {
		return nil, err
	}
	return s.app.Forecast(r.Context(), asOf, weeks)
}

// withPaymentForecast adds to open items the date each is expected to be
// paid on and the probability in [0,1] that it is paid within 30 days of
// asOf, as the forecast model sees them.
func (s *Server) withPaymentForecast(ctx context.Context, asOf creditflow.Date, items []openItemRisk) error {
	if len(items) == 0 {
		return nil
	}
	plain := make([]creditflow.OpenItem, len(items))
	for i, it := range items {
		plain[i] = it.OpenItem
	}
	fs, err := s.app.PaymentForecasts(ctx, asOf, plain)
	if err != nil {
		return err
	}
	for i, f := range fs {
		day, p := f.ExpectedPaymentDate, app.RoundProb(f.PPaidWithin30Days)
		items[i].ExpectedPaymentDate, items[i].PPaidWithin30Days = &day, &p
	}
	return nil
}
