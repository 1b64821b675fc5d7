package app

import (
	"math"
	"strconv"

	"github.com/creditflow/creditflow"
)

// The answers the API and the CLI give alike: JSON by field names, CSV by
// the same names in the same order.

// CustomerRisk is one customer of GET /api/customers, and one row of
// `creditflow score`. Probabilities are in [0,1], rounded to 4 decimals;
// days are calendar days beyond the due date, rounded to 1 decimal.
type CustomerRisk struct {
	CustomerID       string               `json:"customer_id"`
	Name             string               `json:"name"`
	Segment          string               `json:"segment"`
	Score            int                  `json:"score"`
	RiskClass        creditflow.RiskClass `json:"risk_class"`
	PLate            float64              `json:"p_late"`
	PSevere          float64              `json:"p_severe"`
	ExpectedDaysLate float64              `json:"expected_days_late"`
	Exposure         creditflow.Money     `json:"exposure"`
	CreditLimit      creditflow.Money     `json:"credit_limit"`
	ChangeDetected   bool                 `json:"change_detected"`
}

// NewCustomerRisk rounds a score for the API.
func NewCustomerRisk(s creditflow.RiskScore) CustomerRisk {
	return CustomerRisk{
		CustomerID: s.CustomerID, Name: s.Name, Segment: s.Segment, Score: s.Score, RiskClass: s.RiskClass,
		PLate: RoundProb(s.PLate), PSevere: RoundProb(s.PSevere), ExpectedDaysLate: RoundDays(s.ExpectedDaysLate),
		Exposure: s.Exposure, CreditLimit: s.CreditLimit, ChangeDetected: s.ChangeDetected,
	}
}

// CustomerRiskColumns are the CSV columns of CustomerRisk.Record, named as
// the JSON fields.
var CustomerRiskColumns = []string{"customer_id", "name", "segment", "score", "risk_class", "p_late", "p_severe",
	"expected_days_late", "exposure", "credit_limit", "change_detected"}

// Record returns c as a CSV row in the order of CustomerRiskColumns, with
// the numbers written as in the JSON.
func (c CustomerRisk) Record() []string {
	return []string{c.CustomerID, c.Name, c.Segment, strconv.Itoa(c.Score), string(c.RiskClass),
		strconv.FormatFloat(c.PLate, 'f', -1, 64), strconv.FormatFloat(c.PSevere, 'f', -1, 64),
		strconv.FormatFloat(c.ExpectedDaysLate, 'f', -1, 64), c.Exposure.String(), c.CreditLimit.String(),
		strconv.FormatBool(c.ChangeDetected)}
}

// RoundProb rounds a probability to 4 decimals. A probability that is not
// a number (which the engine should never give) becomes 0, as JSON has no
// NaN and the encoder would fail half-way through the answer.
func RoundProb(p float64) float64 {
	if math.IsNaN(p) || math.IsInf(p, 0) {
		return 0
	}
	return math.Round(p*1e4) / 1e4
}

// RoundDays rounds days to 1 decimal; see RoundProb for NaN.
func RoundDays(d float64) float64 {
	if math.IsNaN(d) || math.IsInf(d, 0) {
		return 0
	}
	return math.Round(d*10) / 10
}

// ForecastWeekColumns are the CSV columns of ForecastWeekRecord, named as
// the JSON fields of a week.
var ForecastWeekColumns = []string{"week_start", "week_end", "expected", "p10", "p50", "p90", "from_open", "from_new"}

// ForecastWeekRecord returns wk as a CSV row in the order of
// ForecastWeekColumns, with amounts written as in the JSON.
func ForecastWeekRecord(wk creditflow.ForecastWeek) []string {
	return []string{wk.WeekStart.String(), wk.WeekEnd.String(), wk.Expected.String(), wk.P10.String(),
		wk.P50.String(), wk.P90.String(), wk.FromOpen.String(), wk.FromNew.String()}
}
