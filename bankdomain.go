package creditflow

// BankTransaction is one entry of a bank statement (camt.053/054, MT940) as
// the parsers read it, before it is matched to invoices. Amount is positive
// for money received (credit) and negative for money sent (debit); a
// returned direct debit is a debit with Reversal set.
type BankTransaction struct {
	// ID identifies the entry across overlapping statements: the bank's
	// reference where there is one, else a hash of its fields.
	ID             string `json:"id"`
	Account        string `json:"account"` // our IBAN
	BookingDate    Date   `json:"booking_date"`
	ValueDate      Date   `json:"value_date"`
	Amount         Money  `json:"amount"`
	Currency       string `json:"currency"`
	Reversal       bool   `json:"reversal"`
	ReturnReason   string `json:"return_reason,omitempty"` // ISO 20022 return reason code, e.g. MD06, AM04
	CounterName    string `json:"counter_name"`
	CounterIBAN    string `json:"counter_iban"`
	EndToEndID     string `json:"end_to_end_id,omitempty"`
	StructuredRef  string `json:"structured_ref,omitempty"` // betalingskenmerk or RF creditor reference
	RemittanceText string `json:"remittance_text,omitempty"`
	// BatchCount is the number of transactions a batch entry stands for (1 otherwise).
	BatchCount int `json:"batch_count"`
}
