package creditflow

import "time"

// Today is a credit controller's day on an as-of date: the promises to pay
// that fall due or were broken, the behaviour changes new since a moment,
// the bank credits booked and waiting, the letters to send and the tasks of
// each owner against the day's call capacity. Amounts are in Currency, the
// ledger's report currency.
type Today struct {
	AsOf     Date   `json:"as_of"`
	Currency string `json:"currency"`
	// User is whom the day was assembled for; an owner of that name is
	// marked Mine.
	User     string        `json:"user"`
	Promises TodayPromises `json:"promises"`
	Alerts   TodayAlerts   `json:"alerts"`
	Bank     TodayBank     `json:"bank"`
	Letters  TodayLetters  `json:"letters"`
	// CallCapacity is the calls one owner can make in the day (the
	// dunning policy's call_capacity); Owners are the worklist's tasks by
	// owner, the owner with most tasks first and the unassigned last.
	CallCapacity int        `json:"call_capacity"`
	Owners       []OwnerDay `json:"owners"`
}

// TodayPromises are the promises to pay of the day: those due on the
// as-of date and those due the day before and not kept. DueTotal adds up
// what the due ones promised, BrokenTotal what the broken ones left unpaid.
type TodayPromises struct {
	Due         []DuePromise `json:"due"`
	DueTotal    Money        `json:"due_total"`
	Broken      []DuePromise `json:"broken"`
	BrokenTotal Money        `json:"broken_total"`
}

// DuePromise is a customer's promise to pay (or arrangement without
// instalments) as it stands on the as-of date.
type DuePromise struct {
	ActionID    int64  `json:"action_id"`
	CustomerID  string `json:"customer_id"`
	Name        string `json:"name"`
	Owner       string `json:"owner"`
	Made        Date   `json:"made"`
	PromiseDate Date   `json:"promise_date"`
	// Amount is the amount promised; a promise without an amount
	// (HasAmount false) promised to pay the invoices it names, and Amount
	// is what was open of them on the as-of date.
	Amount    Money `json:"amount"`
	HasAmount bool  `json:"has_amount"`
	// Paid is what the customer paid since the promise was made, up to the
	// as-of date or the end of the grace, reversals subtracted.
	Paid Money `json:"paid"`
	// Invoices is the number of invoices the promise names.
	Invoices  int    `json:"invoices"`
	CreatedBy string `json:"created_by"`
}

// TodayAlerts are the behaviour changes detected on or after Since's day.
type TodayAlerts struct {
	Since time.Time `json:"since"`
	// Unavailable says why there are no alerts when the risk scores of
	// the date could not be computed (an empty ledger); "" otherwise.
	Unavailable string  `json:"unavailable,omitempty"`
	Alerts      []Alert `json:"alerts"`
	// Exposure is what the alerted customers owe together.
	Exposure Money `json:"exposure"`
}

// TodayBank is the bank's side of the day: the incoming credits booked on
// the as-of date and the day before, and those waiting to be matched.
type TodayBank struct {
	Booked        []BookedCredit `json:"booked"`
	BookedTotal   Money          `json:"booked_total"`
	Automatic     int            `json:"automatic"`
	AutomaticPaid Money          `json:"automatic_total"`
	ByHand        int            `json:"by_hand"`
	ByHandPaid    Money          `json:"by_hand_total"`
	// Unmatched counts the credits that wait for a person now, Waiting
	// their total and OldestWaiting the booking date of the oldest.
	// Returns counts the returned debits nobody could place, which wait in
	// the same queue. Only credits in Currency are added up; OtherCurrency
	// counts the others.
	Unmatched     int   `json:"unmatched"`
	Waiting       Money `json:"waiting_total"`
	OldestWaiting Date  `json:"oldest_waiting"`
	Returns       int   `json:"returns"`
	OtherCurrency int   `json:"other_currency"`
}

// BookedCredit is an incoming bank credit booked as a customer's payment.
type BookedCredit struct {
	EntryNo     int64  `json:"entry_no"`
	BookingDate Date   `json:"booking_date"`
	Amount      Money  `json:"amount"`
	Currency    string `json:"currency"`
	CustomerID  string `json:"customer_id"`
	Name        string `json:"name"`
	Owner       string `json:"owner"`
	// MatchedBy names who booked it by hand; "" when the matcher booked it.
	MatchedBy string `json:"matched_by"`
}

// TodayLetters are the worklist's letter and e-mail steps of the day not
// sent yet: neither sent nor being sent, nor refused for good (Failed
// counts those).
type TodayLetters struct {
	Letters []LetterDue `json:"letters"`
	Overdue Money       `json:"amount_overdue"`
	ByPost  int         `json:"by_post"`
	ByEmail int         `json:"by_email"`
	Failed  int         `json:"failed"`
}

// LetterDue is a letter or e-mail step of the worklist.
type LetterDue struct {
	CustomerID    string `json:"customer_id"`
	Name          string `json:"name"`
	Owner         string `json:"owner"`
	Step          string `json:"step"`
	Channel       string `json:"channel"`
	AmountOverdue Money  `json:"amount_overdue"`
}

// OwnerDay is one owner's share of the worklist. Calls are the owner's
// phone steps of the day (those deferred to a customer's preferred contact
// day left out); Over is true when they exceed Capacity.
type OwnerDay struct {
	Owner         string `json:"owner"` // "" for customers without an owner
	Tasks         int    `json:"tasks"`
	AmountOverdue Money  `json:"amount_overdue"`
	Calls         int    `json:"calls"`
	Capacity      int    `json:"capacity"`
	Over          bool   `json:"over"`
	Letters       int    `json:"letters"`
	Mine          bool   `json:"mine"`
}
