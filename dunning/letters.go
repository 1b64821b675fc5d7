package dunning

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"text/template"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/store"
)

// Payment terms of the letters, in days from the letter date.
const (
	// DefaultPaymentTermDays is the new payment term of a reminder or an
	// aanmaning.
	DefaultPaymentTermDays = 14
	// DefaultFinalTermDays is the final term (*laatste termijn*) of the
	// last steps: the ingebrekestelling and the hand-over notice.
	DefaultFinalTermDays = 7
	// PostDeliveryDays is how many days after the letter date a posted
	// 14-day letter is taken to be received, when deciding whether it has
	// run out.
	PostDeliveryDays = 2
)

// Language of a letter.
type Language string

// Languages of the letters; Dutch is the default.
const (
	Dutch   Language = "nl"
	English Language = "en"
)

// CustomerLanguage returns the language in a customer's attributes JSON
// (key "language", "nl" or "en", case-insensitive); Dutch otherwise.
func CustomerLanguage(attributes json.RawMessage) Language {
	var a struct {
		Language string `json:"language"`
	}
	if len(attributes) == 0 || json.Unmarshal(attributes, &a) != nil {
		return Dutch
	}
	if l := Language(strings.ToLower(strings.TrimSpace(a.Language))); l == English {
		return English
	}
	return Dutch
}

// Charging says how a letter treats interest and collection costs.
type Charging string

// Chargings of a letter.
const (
	// ChargeNone mentions neither.
	ChargeNone Charging = "none"
	// ChargeAnnounce states the amounts that will be charged when the
	// customer does not pay within the term; they are not yet due.
	ChargeAnnounce Charging = "announce"
	// ChargeClaim claims them: they are part of the total due.
	ChargeClaim Charging = "claim"
)

// StatementLine is one open invoice of the account statement
// (*rekeningoverzicht*).
type StatementLine struct {
	InvoiceID   string           `json:"invoice_id"`
	InvoiceDate creditflow.Date  `json:"invoice_date"`
	DueDate     creditflow.Date  `json:"due_date"`
	OpenAmount  creditflow.Money `json:"open_amount"`
	DaysOverdue int              `json:"days_overdue"`
	Disputed    bool             `json:"disputed"`
	// Promised is true for an invoice a running promise to pay covers.
	Promised bool `json:"promised"`
}

// DunningLetter is one rendered dunning letter or email: the same content goes
// into the HTML and the PDF.
type DunningLetter struct {
	CustomerID   string                  `json:"customer_id"`
	CustomerName string                  `json:"customer_name"`
	Email        string                  `json:"email"`
	Kind         creditflow.CustomerKind `json:"kind"`
	Step         string                  `json:"step"`
	Template     string                  `json:"template"`
	// Form is the letter form the template maps to: friendly_reminder,
	// second_reminder, aanmaning, veertiendagenbrief, ingebrekestelling
	// or handover.
	Form     string          `json:"form"`
	Channel  Channel         `json:"channel"`
	Language Language        `json:"language"`
	Date     creditflow.Date `json:"date"`
	Currency string          `json:"currency"`
	Creditor Creditor        `json:"creditor"`
	// Address is the debtor's postal address, line by line (customer
	// attributes address, postal_code, city; the country when it is not
	// the creditor's); empty when none was supplied.
	Address []string `json:"address"`
	// Reference is the payment reference (*betalingskenmerk*).
	Reference string          `json:"reference"`
	Statement []StatementLine `json:"statement"`
	// StatementTotal is the open amount of all the statement's lines.
	StatementTotal creditflow.Money `json:"statement_total"`
	// Principal is the principal of the customer's claim (see Claims):
	// the overdue invoices that are not disputed.
	Principal creditflow.Money `json:"principal"`
	Charging  Charging         `json:"charging"`
	// Interest and Costs are the claim's statutory interest and
	// collection costs, announced or claimed as Charging says (0 for
	// ChargeNone). InterestFrom is the first day of interest the figure
	// uses (the day after the oldest due date).
	Interest     creditflow.Money `json:"interest"`
	InterestFrom creditflow.Date  `json:"interest_from"`
	Costs        creditflow.Money `json:"costs"`
	// Earlier are the letters and e-mails of the ladder sent earlier in
	// this cycle, the only ones a letter refers to.
	Earlier []StepDone `json:"earlier"`
	// Instalments are the schedule of the payment arrangement a
	// confirmation (form arrangement_confirmation) confirms.
	Instalments []Instalment `json:"instalments,omitempty"`
	// Total is what is due now: the principal, plus interest and costs
	// when they are claimed.
	Total creditflow.Money `json:"total"`
	// TermDays is the new payment term; Deadline the last day to pay, zero
	// for the 14-day letter, whose term runs from its receipt.
	TermDays int             `json:"term_days"`
	Deadline creditflow.Date `json:"deadline"`
	Subject  string          `json:"subject"`
	Body     []string        `json:"body"`
	After    []string        `json:"after"`
}

// LetterOptions configure Letters.
type LetterOptions struct {
	Creditor Creditor
	// PaymentTermDays and FinalTermDays are the terms of steps the policy
	// does not know; they default to DefaultPaymentTermDays and
	// DefaultFinalTermDays. A step of the policy has its own term
	// (Step.Term), which the ladder waits for.
	PaymentTermDays int
	FinalTermDays   int
	// Policy names the steps that send the 14-day letter, whose expiry
	// lets a consumer's letters charge interest and costs; a policy
	// without ladders means DefaultPolicy.
	Policy Policy
	// Rates are the statutory interest rates; nil means DefaultRates.
	Rates *RateTable
}

// letterForms are the letter forms, most specific first: a step maps to the
// first form its template or name contains.
var letterForms = []string{"arrangement_confirmation", "veertiendagenbrief", "ingebrekestelling", "aanmaning", "handover", "second_reminder", "friendly_reminder", "reminder"}

// LetterForm returns the letter form of a task from its template or step
// name; an unknown one gets the friendly reminder.
func LetterForm(t Task) string {
	for _, f := range letterForms {
		if strings.Contains(t.Template, f) || strings.Contains(t.Step, f) {
			if f == "reminder" {
				return "friendly_reminder"
			}
			return f
		}
	}
	return "friendly_reminder"
}

//go:embed templates
var letterTemplates embed.FS

// parseLetterTemplates parses the wording of one language.
func parseLetterTemplates(lang Language) (*template.Template, error) {
	t := template.New(string(lang)).Funcs(letterFuncs(lang))
	return t.ParseFS(letterTemplates, "templates/"+string(lang)+"/*.tmpl")
}

// Letters builds the letters of the worklist's email and letter steps, in
// the worklist's order, each in its customer's language.
func Letters(ctx context.Context, q store.Querier, w Worklist, opt LetterOptions) ([]DunningLetter, error) {
	if opt.PaymentTermDays <= 0 {
		opt.PaymentTermDays = DefaultPaymentTermDays
	}
	if opt.FinalTermDays <= 0 {
		opt.FinalTermDays = DefaultFinalTermDays
	}
	if len(opt.Policy.B2B) == 0 && len(opt.Policy.B2C) == 0 {
		opt.Policy = DefaultPolicy()
	}
	tmpl := map[Language]*template.Template{}
	for _, lang := range []Language{Dutch, English} {
		t, err := parseLetterTemplates(lang)
		if err != nil {
			return nil, fmt.Errorf("letter templates: %w", err)
		}
		tmpl[lang] = t
	}
	// The worklist carries the claims its tasks were made from; one built
	// by hand does not.
	claimOf := w.claims
	if claimOf == nil {
		claims, err := Claims(ctx, q, w.AsOf, "", ClaimOptions{Policy: opt.Policy, Rates: opt.Rates})
		if err != nil {
			return nil, fmt.Errorf("letters: %w", err)
		}
		claimOf = make(map[string]DebtorClaim, len(claims))
		for _, c := range claims {
			claimOf[c.CustomerID] = c
		}
	}
	letters := []DunningLetter{}
	for _, t := range w.Tasks {
		if t.Channel != Email && t.Channel != Letter {
			continue
		}
		c, ok := claimOf[t.CustomerID]
		if !ok {
			c = DebtorClaim{CustomerID: t.CustomerID, Kind: t.Kind}
		}
		if c.Error != "" {
			return nil, fmt.Errorf("%w: letter %s %s: the claim cannot be computed: %s", creditflow.ErrInvalid, t.CustomerID, t.Step, c.Error)
		}
		l, err := buildLetter(ctx, q, w, t, c, opt)
		if err != nil {
			return nil, fmt.Errorf("letter %s %s: %w", t.CustomerID, t.Step, err)
		}
		if err := l.word(tmpl[l.Language]); err != nil {
			return nil, fmt.Errorf("letter %s %s: %w", t.CustomerID, t.Step, err)
		}
		letters = append(letters, l)
	}
	return letters, nil
}

// buildLetter fills the figures of one task's letter from the customer's
// claim c.
func buildLetter(ctx context.Context, q store.Querier, w Worklist, t Task, c DebtorClaim, opt LetterOptions) (DunningLetter, error) {
	l := DunningLetter{
		CustomerID: t.CustomerID, CustomerName: t.Name, Kind: t.Kind, Step: t.Step, Template: t.Template,
		Form: LetterForm(t), Channel: t.Channel, Date: w.AsOf, Currency: w.Currency, Principal: c.Principal,
		Reference: PaymentReference(t.CustomerID, w.AsOf), InterestFrom: c.InterestFrom, Earlier: []StepDone{},
	}
	var email, attrs, country string
	err := q.QueryRowContext(ctx, store.Query("dunning_letter_customer"), t.CustomerID).Scan(&email, &attrs, &country)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return l, err
	}
	l.Email, l.Language = email, CustomerLanguage(json.RawMessage(attrs))
	l.Address = postalAddress(json.RawMessage(attrs), country)
	l.Creditor = opt.Creditor.withPlaceholders(l.Language)
	for _, s := range c.Steps {
		if (s.Channel == Email || s.Channel == Letter) && s.Date.Before(w.AsOf.Time) {
			l.Earlier = append(l.Earlier, s)
		}
	}

	// The statement is the claim's invoices, the disputed ones marked.
	l.Statement = []StatementLine{}
	for _, cl := range slices.Concat(c.Lines, c.Disputed, c.Promised) {
		l.Statement = append(l.Statement, StatementLine{InvoiceID: cl.InvoiceID, InvoiceDate: cl.InvoiceDate,
			DueDate: cl.DueDate, OpenAmount: cl.Principal, DaysOverdue: max(w.AsOf.DaysSince(cl.DueDate), 0), Disputed: cl.Disputed,
			Promised: cl.Promised})
		l.StatementTotal += cl.Principal
	}
	slices.SortStableFunc(l.Statement, func(a, b StatementLine) int {
		if x := a.DueDate.Compare(b.DueDate.Time); x != 0 {
			return x
		}
		return strings.Compare(a.InvoiceID, b.InvoiceID)
	})

	if l.Form == "arrangement_confirmation" {
		return confirmArrangement(ctx, q, l)
	}

	// Friendly reminders mention no charges; the 14-day letter announces
	// them; later letters claim them once the claim's costs are due
	// (ClaimedSince), and announce them before.
	switch l.Form {
	case "friendly_reminder", "second_reminder":
		l.Charging = ChargeNone
	case "veertiendagenbrief":
		l.Charging = ChargeAnnounce
	default:
		l.Charging = ChargeAnnounce
		if c.CostsDue {
			l.Charging = ChargeClaim
		}
	}
	if l.Charging != ChargeNone {
		l.Interest, l.Costs = c.Interest, c.Costs
	}
	l.Total = l.Principal
	if l.Charging == ChargeClaim {
		l.Total = c.Total
	}
	// The term is the step's (Step.Term), as the ladder waits for it; the
	// 14-day letter's runs from its receipt, so it has no deadline.
	term, ok := opt.Policy.StepTerm(t.Step)
	switch {
	case l.Form == "veertiendagenbrief":
		l.TermDays = FourteenDayLetterDays
	case ok && term > 0:
		l.TermDays = term
	case l.Form == "ingebrekestelling" || l.Form == "handover":
		l.TermDays = opt.FinalTermDays
	default:
		l.TermDays = opt.PaymentTermDays
	}
	if l.Form != "veertiendagenbrief" {
		l.Deadline = w.AsOf.AddDays(l.TermDays)
	}
	return l, nil
}

// confirmArrangement fills the confirmation of the customer's latest
// payment arrangement: its instalments, their total and the first date.
func confirmArrangement(ctx context.Context, q store.Querier, l DunningLetter) (DunningLetter, error) {
	l.Charging = ChargeNone
	err := store.EachRow(ctx, q, store.Query("dunning_arrangement_instalments"), func(rows *sql.Rows) error {
		var in Instalment
		if err := rows.Scan(&in.Date, store.Money(&in.Amount)); err != nil {
			return err
		}
		l.Instalments = append(l.Instalments, in)
		l.Total += in.Amount
		return nil
	}, l.CustomerID, l.Date)
	if err != nil {
		return l, err
	}
	if len(l.Instalments) == 0 {
		return l, fmt.Errorf("%w: no payment arrangement with instalments to confirm", creditflow.ErrNotFound)
	}
	l.Deadline = l.Instalments[0].Date
	return l, nil
}

// postalAddress is the postal address in a customer's attributes: the
// street line (address, street or adres), the postal code and city
// (postal_code, postcode or zip; city, plaats or woonplaats) and the
// country when it is not the Netherlands.
func postalAddress(attributes json.RawMessage, country string) []string {
	var a map[string]any
	if len(attributes) == 0 || json.Unmarshal(attributes, &a) != nil {
		return []string{}
	}
	get := func(keys ...string) string {
		for _, k := range keys {
			if v, ok := a[k].(string); ok && strings.TrimSpace(v) != "" {
				return strings.TrimSpace(v)
			}
		}
		return ""
	}
	var lines []string
	for _, l := range strings.Split(get("address", "street", "adres", "postal_address"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if pc := strings.TrimSpace(get("postal_code", "postcode", "zip") + "  " + get("city", "plaats", "woonplaats")); pc != "" {
		lines = append(lines, pc)
	}
	if len(lines) > 0 && country != "" && !strings.EqualFold(country, "NL") {
		lines = append(lines, country)
	}
	if lines == nil {
		return []string{}
	}
	return lines
}

// PaymentReference is the reference the customer pays with: the customer
// and the letter date, so that a payment is matched to customer and letter.
func PaymentReference(customerID string, asOf creditflow.Date) string {
	return customerID + "-" + asOf.Format("20060102")
}
