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
	// Reference is the payment reference (*betalingskenmerk*).
	Reference string          `json:"reference"`
	Statement []StatementLine `json:"statement"`
	// StatementTotal is the open amount of all the statement's lines.
	StatementTotal creditflow.Money `json:"statement_total"`
	// Principal is the overdue amount chased (the worklist's amount_overdue).
	Principal creditflow.Money `json:"principal"`
	Charging  Charging         `json:"charging"`
	// Interest and Costs are the worklist's statutory interest and
	// collection costs, announced or claimed as Charging says (0 for
	// ChargeNone).
	Interest creditflow.Money `json:"interest"`
	Costs    creditflow.Money `json:"costs"`
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
	// PaymentTermDays and FinalTermDays default to DefaultPaymentTermDays
	// and DefaultFinalTermDays.
	PaymentTermDays int
	FinalTermDays   int
	// Policy names the steps that send the 14-day letter, whose expiry
	// lets a consumer's letters charge interest and costs; a policy
	// without ladders means DefaultPolicy.
	Policy Policy
}

// letterForms are the letter forms, most specific first: a step maps to the
// first form its template or name contains.
var letterForms = []string{"veertiendagenbrief", "ingebrekestelling", "aanmaning", "handover", "second_reminder", "friendly_reminder", "reminder"}

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
	letters := []DunningLetter{}
	for _, t := range w.Tasks {
		if t.Channel != Email && t.Channel != Letter {
			continue
		}
		l, err := buildLetter(ctx, q, w, t, opt)
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

// buildLetter fills the figures of one task's letter.
func buildLetter(ctx context.Context, q store.Querier, w Worklist, t Task, opt LetterOptions) (DunningLetter, error) {
	l := DunningLetter{
		CustomerID: t.CustomerID, CustomerName: t.Name, Kind: t.Kind, Step: t.Step, Template: t.Template,
		Form: LetterForm(t), Channel: t.Channel, Date: w.AsOf, Currency: w.Currency, Principal: t.AmountOverdue,
		Reference: paymentReference(t.CustomerID, w.AsOf),
	}
	var email, attrs string
	err := q.QueryRowContext(ctx, store.Query("dunning_letter_customer"), t.CustomerID).Scan(&email, &attrs)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return l, err
	}
	l.Email, l.Language = email, CustomerLanguage(json.RawMessage(attrs))
	l.Creditor = opt.Creditor.withPlaceholders(l.Language)

	l.Statement = []StatementLine{}
	err = store.EachRow(ctx, q, store.Query("open_items"), func(rows *sql.Rows) error {
		it, _, err := store.ScanOpenItem(rows)
		if err != nil {
			return err
		}
		l.Statement = append(l.Statement, StatementLine{InvoiceID: it.InvoiceID, InvoiceDate: it.InvoiceDate,
			DueDate: it.DueDate, OpenAmount: it.OpenAmount, DaysOverdue: max(it.DaysPastDue, 0), Disputed: it.Disputed})
		l.StatementTotal += it.OpenAmount
		return nil
	}, w.AsOf, w.Currency, t.CustomerID, "due_date", MaxLimit, 0)
	if err != nil {
		return l, err
	}

	l.Charging = ChargeNone
	switch l.Form {
	case "aanmaning", "handover":
		if t.Kind != creditflow.B2C {
			l.Charging = ChargeAnnounce
			if l.Form == "handover" {
				l.Charging = ChargeClaim
			}
			break
		}
		// A consumer owes costs (and the interest with them) only once a
		// 14-day letter of this cycle has run out.
		expired, err := fourteenDayLetterRunOut(ctx, q, t, w.AsOf, fourteenDayLetterSteps(opt.Policy))
		if err != nil {
			return l, err
		}
		if expired {
			l.Charging = ChargeClaim
		}
	case "ingebrekestelling":
		l.Charging = ChargeAnnounce
	case "veertiendagenbrief":
		l.Charging = ChargeAnnounce
	}
	if l.Charging != ChargeNone {
		l.Costs = t.Costs
		if l.Costs == 0 && t.Kind == creditflow.B2C {
			// The worklist has no costs for a consumer whose 14-day
			// letter has not run out; a letter announces or claims
			// what they come to.
			if cc, err := CollectionCosts(t.AmountOverdue, creditflow.B2C); err == nil {
				l.Costs = cc.Amount
			}
		}
		if l.Form != "veertiendagenbrief" {
			l.Interest = t.Interest
		}
	}
	l.Total = l.Principal
	if l.Charging == ChargeClaim {
		l.Total += l.Interest + l.Costs
	}
	switch l.Form {
	case "veertiendagenbrief":
		l.TermDays = FourteenDayLetterDays
	case "ingebrekestelling", "handover":
		l.TermDays = opt.FinalTermDays
		l.Deadline = w.AsOf.AddDays(l.TermDays)
	default:
		l.TermDays = opt.PaymentTermDays
		l.Deadline = w.AsOf.AddDays(l.TermDays)
	}
	return l, nil
}

// fourteenDayLetterRunOut reports whether a 14-day letter (a step of one
// of steps) was sent to the task's customer in the current cycle (on or
// after the oldest due date) and has run out on asOf, taking it to be
// received PostDeliveryDays after it was sent.
func fourteenDayLetterRunOut(ctx context.Context, q store.Querier, t Task, asOf creditflow.Date, steps []string) (bool, error) {
	if len(steps) == 0 {
		return false, nil
	}
	args := []any{t.CustomerID, t.OldestDue, asOf}
	for _, s := range steps {
		args = append(args, s)
	}
	var sent creditflow.Date
	err := q.QueryRowContext(ctx, `SELECT max(action_date) FROM dunning_actions
		WHERE customer_id = ? AND action_date >= ? AND action_date <= ?
		  AND step IN (?`+strings.Repeat(", ?", len(steps)-1)+`)`, args...).Scan(&sent)
	if err != nil || sent.IsZero() {
		return false, err
	}
	return FourteenDayLetterExpired(sent.AddDays(PostDeliveryDays), asOf), nil
}

// fourteenDayLetterSteps are the names of the steps of p that send the
// 14-day letter.
func fourteenDayLetterSteps(p Policy) []string {
	var names []string
	add := func(ladder []Step) {
		for _, s := range ladder {
			if LetterForm(Task{Step: s.Name, Template: s.Template}) == "veertiendagenbrief" && !slices.Contains(names, s.Name) {
				names = append(names, s.Name)
			}
		}
	}
	add(p.B2B)
	add(p.B2C)
	for _, o := range p.Overrides {
		add(o.Ladder)
	}
	for _, l := range p.Ladders {
		add(l)
	}
	slices.Sort(names)
	return names
}

// paymentReference is the reference the customer pays with: the customer
// and the letter date, so that a payment is matched to customer and letter.
func paymentReference(customerID string, asOf creditflow.Date) string {
	return customerID + "-" + asOf.Format("20060102")
}
