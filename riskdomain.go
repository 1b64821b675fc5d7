package creditflow

// RiskClass is a letter from A (safest) to E (riskiest), derived from PSevere.
type RiskClass string

// Reason explains a score or a limit in words a sales colleague understands.
type Reason struct {
	Code string `json:"code"`
	Text string `json:"text"`
	// Weight is the reason's contribution to the score (log-odds), for ordering.
	Weight float64 `json:"weight"`
}

// BehaviourChange is a detected shift in a customer's payment delays.
type BehaviourChange struct {
	Detected bool `json:"detected"`
	// Kind is "worsening", "improving" or "silence" (stopped paying).
	Kind string `json:"kind,omitempty"`
	// ChangeDate estimates when the behaviour changed; DetectedOn is the
	// as-of date on which the test first fired.
	ChangeDate Date `json:"change_date"`
	DetectedOn Date `json:"detected_on"`
	// ShiftDays is the change of the average days late (positive = later).
	ShiftDays  float64 `json:"shift_days"`
	BeforeDays float64 `json:"before_days"`
	AfterDays  float64 `json:"after_days"`
	// UnpaidInvoices and UnpaidAmount are, for a silence, the invoices that
	// fell due since the last payment and what they amount to.
	UnpaidInvoices int    `json:"unpaid_invoices,omitempty"`
	UnpaidAmount   Money  `json:"unpaid_amount,omitempty"`
	Sentence       string `json:"sentence,omitempty"`
}

// RiskScore is a customer's payment risk on an as-of date. Probabilities are
// in [0,1]; days are calendar days.
type RiskScore struct {
	CustomerID       string          `json:"customer_id"`
	Name             string          `json:"name"`
	Segment          string          `json:"segment"`
	Kind             CustomerKind    `json:"kind"`
	Score            int             `json:"score"` // 0-100, higher = riskier
	RiskClass        RiskClass       `json:"risk_class"`
	PLate            float64         `json:"p_late"`
	PSevere          float64         `json:"p_severe"`
	ExpectedDaysLate float64         `json:"expected_days_late"`
	Exposure         Money           `json:"exposure"`
	CreditLimit      Money           `json:"credit_limit"`
	ChangeDetected   bool            `json:"change_detected"`
	Change           BehaviourChange `json:"change"`
	Reasons          []Reason        `json:"reasons"`
}

// CreditLimit is the limit a customer can safely get on an as-of date.
type CreditLimit struct {
	CustomerID       string    `json:"customer_id"`
	AsOf             Date      `json:"as_of"`
	Currency         string    `json:"currency"`
	CreditLimit      Money     `json:"credit_limit"` // the one that applies: manual if set, else recommended
	RecommendedLimit Money     `json:"recommended_limit"`
	ManualLimit      *Money    `json:"manual_limit"`
	Exposure         Money     `json:"exposure"`
	Available        Money     `json:"available"`
	Score            int       `json:"score"`
	RiskClass        RiskClass `json:"risk_class"`
	PSevere          float64   `json:"p_severe"`
	Reasons          []Reason  `json:"reasons"`
}

// Alert is a behaviour change or a silence worth a credit controller's look.
type Alert struct {
	CustomerID string          `json:"customer_id"`
	Name       string          `json:"name"`
	Kind       string          `json:"kind"`
	DetectedOn Date            `json:"detected_on"`
	Change     BehaviourChange `json:"change"`
	Exposure   Money           `json:"exposure"`
	Sentence   string          `json:"sentence"`
}
