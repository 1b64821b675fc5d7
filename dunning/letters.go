package dunning

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/template"

	"github.com/go-pdf/fpdf"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/present"
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

// Creditor is who sends the letters and is to be paid.
type Creditor struct {
	Name    string `json:"name"`
	Address string `json:"address"`
	IBAN    string `json:"iban"`
	BIC     string `json:"bic"`
	// KvK is the Chamber of Commerce number (*Kamer van Koophandel*).
	KvK   string `json:"kvk"`
	Email string `json:"email"`
}

// LoadCreditor reads a creditor JSON file.
func LoadCreditor(path string) (Creditor, error) {
	var c Creditor
	b, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("creditor: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, fmt.Errorf("%w: creditor %s: %v", creditflow.ErrInvalid, path, err)
	}
	return c, nil
}

// Missing names the creditor fields that are empty; letters show a marked
// placeholder for each.
func (c Creditor) Missing() []string {
	var m []string
	for _, f := range c.fields() {
		if strings.TrimSpace(*f.v) == "" {
			m = append(m, f.name)
		}
	}
	return m
}

func (c *Creditor) fields() []struct {
	name string
	v    *string
} {
	return []struct {
		name string
		v    *string
	}{{"name", &c.Name}, {"address", &c.Address}, {"iban", &c.IBAN}, {"bic", &c.BIC}, {"kvk", &c.KvK}, {"email", &c.Email}}
}

// withPlaceholders fills the empty fields with a placeholder in lang,
// clearly marked for the sender to see before the letter goes out.
func (c Creditor) withPlaceholders(lang Language) Creditor {
	for _, f := range c.fields() {
		if strings.TrimSpace(*f.v) == "" {
			if lang == English {
				*f.v = "[MISSING: creditor " + f.name + "]"
			} else {
				*f.v = "[ONTBREEKT: " + f.name + " schuldeiser]"
			}
		}
	}
	return c
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
	err := q.QueryRowContext(ctx, `SELECT coalesce(email, ''), coalesce(CAST(attributes AS VARCHAR), '') FROM customers WHERE customer_id = ?`,
		t.CustomerID).Scan(&email, &attrs)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return l, err
	}
	l.Email, l.Language = email, CustomerLanguage(json.RawMessage(attrs))
	l.Creditor = opt.Creditor.withPlaceholders(l.Language)

	rows, err := q.QueryContext(ctx, store.Query("open_items"), w.AsOf, w.Currency, t.CustomerID, "due_date", MaxLimit, 0)
	if err != nil {
		return l, err
	}
	defer rows.Close()
	l.Statement = []StatementLine{}
	for rows.Next() {
		var it creditflow.OpenItem
		var total int
		if err := rows.Scan(&it.InvoiceID, &it.CustomerID, &it.CustomerName, &it.Segment,
			&it.InvoiceDate, &it.DueDate, store.Money(&it.Amount), store.Money(&it.OpenAmount),
			&it.DaysPastDue, &it.Bucket, &it.Disputed, &total); err != nil {
			return l, err
		}
		l.Statement = append(l.Statement, StatementLine{InvoiceID: it.InvoiceID, InvoiceDate: it.InvoiceDate,
			DueDate: it.DueDate, OpenAmount: it.OpenAmount, DaysOverdue: max(it.DaysPastDue, 0), Disputed: it.Disputed})
		l.StatementTotal += it.OpenAmount
	}
	if err := rows.Err(); err != nil {
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

// word executes the letter's wording from the language's templates.
func (l *DunningLetter) word(t *template.Template) error {
	exec := func(name string) (string, error) {
		if t.Lookup(name) == nil {
			return "", nil
		}
		var b strings.Builder
		if err := t.ExecuteTemplate(&b, name, l); err != nil {
			return "", err
		}
		return b.String(), nil
	}
	subject, err := exec(l.Form + "_subject")
	if err != nil {
		return err
	}
	if subject == "" {
		return fmt.Errorf("no template %s_subject for language %s", l.Form, l.Language)
	}
	body, err := exec(l.Form + "_body")
	if err != nil {
		return err
	}
	after, err := exec(l.Form + "_after")
	if err != nil {
		return err
	}
	l.Subject = strings.Join(strings.Fields(subject), " ")
	l.Body, l.After = paragraphs(body), paragraphs(after)
	return nil
}

// paragraphs splits text at blank lines and joins the lines of each
// paragraph with a space.
func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if s := strings.Join(strings.Fields(p), " "); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// letterFuncs are the formatting functions of the templates, for lang.
func letterFuncs(lang Language) template.FuncMap {
	return template.FuncMap{
		"money": lang.lang().Euro,
		"date":  lang.lang().LongDate,
	}
}

// lang is the number and date formats of the letter's language: Dutch
// unless English.
func (l Language) lang() present.Lang {
	if l == English {
		return present.EN
	}
	return present.NL
}

// letterLabels are the fixed words of the layout.
type letterLabels struct {
	Date, Reference, To, Statement, Invoice, InvoiceDate, DueDate, Open, DaysOverdue,
	Disputed, StatementTotal, Principal, Interest, Costs, Total, AnnouncedInterest, AnnouncedCosts,
	BusinessInterest, AnnouncedBusinessInterest,
	Payment, Salutation, Closing, KvK, IBAN, BIC, Email, Footer string
}

var labels = map[Language]letterLabels{
	Dutch: {
		Date: "Datum", Reference: "Betalingskenmerk", To: "Aan", Statement: "Rekeningoverzicht", Invoice: "Factuur",
		InvoiceDate: "Factuurdatum", DueDate: "Vervaldatum", Open: "Openstaand", DaysOverdue: "Dagen te laat",
		Disputed: "betwist", StatementTotal: "Totaal openstaand", Principal: "Vervallen hoofdsom",
		Interest: "Wettelijke rente tot heden", Costs: "Buitengerechtelijke incassokosten", Total: "Totaal te betalen",
		AnnouncedInterest:         "Wettelijke rente tot heden (nog niet in rekening gebracht)",
		BusinessInterest:          "Wettelijke handelsrente tot heden",
		AnnouncedBusinessInterest: "Wettelijke handelsrente tot heden (nog niet in rekening gebracht)",
		AnnouncedCosts:            "Incassokosten bij niet tijdig betalen (nog niet in rekening gebracht)",
		Payment:                   "Betaalgegevens", Salutation: "Geachte heer/mevrouw,", Closing: "Met vriendelijke groet,",
		KvK: "KvK", IBAN: "IBAN", BIC: "BIC", Email: "E-mail",
		Footer: "Heeft u inmiddels betaald? Dan kunt u deze brief als niet verzonden beschouwen.",
	},
	English: {
		Date: "Date", Reference: "Payment reference", To: "To", Statement: "Account statement", Invoice: "Invoice",
		InvoiceDate: "Invoice date", DueDate: "Due date", Open: "Open amount", DaysOverdue: "Days overdue",
		Disputed: "disputed", StatementTotal: "Total open", Principal: "Overdue principal",
		Interest: "Statutory interest to date", Costs: "Extrajudicial collection costs", Total: "Total due",
		AnnouncedInterest:         "Statutory interest to date (not yet charged)",
		BusinessInterest:          "Statutory commercial interest to date",
		AnnouncedBusinessInterest: "Statutory commercial interest to date (not yet charged)",
		AnnouncedCosts:            "Collection costs if not paid in time (not yet charged)",
		Payment:                   "Payment details", Salutation: "Dear Sir or Madam,", Closing: "Kind regards,",
		KvK: "Chamber of Commerce (KvK)", IBAN: "IBAN", BIC: "BIC", Email: "Email",
		Footer: "If you have paid in the meantime, please disregard this letter.",
	},
}

// amountRow is one row of the letter's amounts.
type amountRow struct {
	Label, Amount string
	Strong        bool
}

// amountRows are the amounts block of the letter.
func (l DunningLetter) amountRows() []amountRow {
	lb := labels[l.Language]
	if l.Kind != creditflow.B2C {
		// Businesses owe the commercial rate (handelsrente).
		lb.Interest, lb.AnnouncedInterest = lb.BusinessInterest, lb.AnnouncedBusinessInterest
	}
	m := l.Language.lang().Euro
	rows := []amountRow{{Label: lb.Principal, Amount: m(l.Principal)}}
	switch l.Charging {
	case ChargeClaim:
		rows = append(rows, amountRow{Label: lb.Interest, Amount: m(l.Interest)}, amountRow{Label: lb.Costs, Amount: m(l.Costs)})
	case ChargeAnnounce:
		if l.Interest != 0 {
			rows = append(rows, amountRow{Label: lb.AnnouncedInterest, Amount: m(l.Interest)})
		}
		rows = append(rows, amountRow{Label: lb.AnnouncedCosts, Amount: m(l.Costs)})
	}
	return append(rows, amountRow{Label: lb.Total, Amount: m(l.Total), Strong: true})
}

// paymentText is the sentence that says how and by when to pay.
func (l DunningLetter) paymentText() string {
	m := l.Language.lang().Euro(l.Total)
	c := l.Creditor
	if l.Language == English {
		by := "by " + l.Language.lang().LongDate(l.Deadline)
		if l.Deadline.IsZero() {
			by = fmt.Sprintf("within %d days of the day after you receive this letter", l.TermDays)
		}
		return fmt.Sprintf("Please transfer %s %s to IBAN %s (BIC %s) in the name of %s, quoting payment reference %s.",
			m, by, c.IBAN, c.BIC, c.Name, l.Reference)
	}
	by := "uiterlijk " + l.Language.lang().LongDate(l.Deadline)
	if l.Deadline.IsZero() {
		by = fmt.Sprintf("binnen %d dagen na de dag van ontvangst van deze brief", l.TermDays)
	}
	return fmt.Sprintf("Wij verzoeken u %s %s over te maken op IBAN %s (BIC %s) ten name van %s, onder vermelding van betalingskenmerk %s.",
		m, by, c.IBAN, c.BIC, c.Name, l.Reference)
}

// htmlLetter is the data of the HTML layout.
type htmlLetter struct {
	DunningLetter
	L            letterLabels
	DateText     string
	Rows         []htmlStatementRow
	StmtTotal    string
	Amounts      []amountRow
	PaymentText  string
	HasStatement bool
}

type htmlStatementRow struct {
	Invoice, InvoiceDate, DueDate, Open string
	DaysOverdue                         int
	Disputed                            bool
}

func (l DunningLetter) view() htmlLetter {
	v := htmlLetter{DunningLetter: l, L: labels[l.Language], DateText: l.Language.lang().LongDate(l.Date),
		StmtTotal: l.Language.lang().Euro(l.StatementTotal), Amounts: l.amountRows(), PaymentText: l.paymentText(),
		HasStatement: len(l.Statement) > 0}
	for _, s := range l.Statement {
		v.Rows = append(v.Rows, htmlStatementRow{Invoice: s.InvoiceID, InvoiceDate: l.Language.lang().Date(s.InvoiceDate),
			DueDate: l.Language.lang().Date(s.DueDate), Open: l.Language.lang().Euro(s.OpenAmount),
			DaysOverdue: s.DaysOverdue, Disputed: s.Disputed})
	}
	return v
}

var htmlLayout = htmltemplate.Must(htmltemplate.ParseFS(letterTemplates, "templates/letter.html"))

// HTML writes the letter as an HTML page.
func (l DunningLetter) HTML(w io.Writer) error {
	return htmlLayout.ExecuteTemplate(w, "letter.html", l.view())
}

// PDF writes the letter as an A4 PDF in the core font Helvetica; text goes
// through fpdf's cp1252 translator, which covers the euro sign and the
// accented letters of Dutch, so the PDF holds the text in cp1252.
func (l DunningLetter) PDF(w io.Writer) error {
	v := l.view()
	pdf := fpdf.New("P", "mm", "A4", "")
	// Uncompressed: a letter is a few kilobytes of text either way, and
	// its amounts stay searchable in the file.
	pdf.SetCompression(false)
	pdf.SetCreationDate(l.Date.Time)
	pdf.SetModificationDate(l.Date.Time)
	pdf.SetTitle(l.Subject, true)
	pdf.SetAuthor(l.Creditor.Name, true)
	pdf.SetMargins(20, 20, 20)
	pdf.SetAutoPageBreak(true, 20)
	pdf.AddPage()
	tr := pdf.UnicodeTranslatorFromDescriptor("cp1252")
	const width = 170.0
	text := func(style string, size float64, s string) {
		pdf.SetFont("Helvetica", style, size)
		pdf.MultiCell(width, size*0.5, tr(s), "", "L", false)
	}
	c := l.Creditor
	text("B", 14, c.Name)
	text("", 9, c.Address)
	text("", 9, fmt.Sprintf("%s %s · %s %s · %s %s · %s %s", v.L.Email, c.Email, v.L.KvK, c.KvK, v.L.IBAN, c.IBAN, v.L.BIC, c.BIC))
	pdf.Ln(8)
	text("", 10, l.CustomerName)
	if l.Email != "" {
		text("", 10, l.Email)
	}
	pdf.Ln(6)
	text("", 10, fmt.Sprintf("%s: %s", v.L.Date, v.DateText))
	text("", 10, fmt.Sprintf("%s: %s", v.L.Reference, l.Reference))
	pdf.Ln(4)
	text("B", 12, l.Subject)
	pdf.Ln(3)
	text("", 10, v.L.Salutation)
	pdf.Ln(2)
	for _, p := range l.Body {
		text("", 10, p)
		pdf.Ln(2)
	}
	if v.HasStatement {
		pdf.Ln(2)
		text("B", 11, v.L.Statement)
		pdf.Ln(1)
		cols := []float64{40, 32, 32, 36, 30}
		pdf.SetFont("Helvetica", "B", 9)
		for i, h := range []string{v.L.Invoice, v.L.InvoiceDate, v.L.DueDate, v.L.Open, v.L.DaysOverdue} {
			align := "L"
			if i >= 3 {
				align = "R"
			}
			pdf.CellFormat(cols[i], 6, tr(h), "B", 0, align, false, 0, "")
		}
		pdf.Ln(-1)
		pdf.SetFont("Helvetica", "", 9)
		for _, r := range v.Rows {
			inv := r.Invoice
			if r.Disputed {
				inv += " (" + v.L.Disputed + ")"
			}
			pdf.CellFormat(cols[0], 5.5, tr(inv), "", 0, "L", false, 0, "")
			pdf.CellFormat(cols[1], 5.5, tr(r.InvoiceDate), "", 0, "L", false, 0, "")
			pdf.CellFormat(cols[2], 5.5, tr(r.DueDate), "", 0, "L", false, 0, "")
			pdf.CellFormat(cols[3], 5.5, tr(r.Open), "", 0, "R", false, 0, "")
			pdf.CellFormat(cols[4], 5.5, strconv.Itoa(r.DaysOverdue), "", 1, "R", false, 0, "")
		}
		pdf.SetFont("Helvetica", "B", 9)
		pdf.CellFormat(cols[0]+cols[1]+cols[2], 6, tr(v.L.StatementTotal), "T", 0, "L", false, 0, "")
		pdf.CellFormat(cols[3], 6, tr(v.StmtTotal), "T", 0, "R", false, 0, "")
		pdf.CellFormat(cols[4], 6, "", "T", 1, "R", false, 0, "")
	}
	pdf.Ln(4)
	for _, a := range v.Amounts {
		style := ""
		if a.Strong {
			style = "B"
		}
		pdf.SetFont("Helvetica", style, 10)
		pdf.CellFormat(130, 6, tr(a.Label), "", 0, "L", false, 0, "")
		pdf.CellFormat(40, 6, tr(a.Amount), "", 1, "R", false, 0, "")
	}
	pdf.Ln(4)
	text("B", 10, v.L.Payment)
	text("", 10, v.PaymentText)
	pdf.Ln(2)
	for _, p := range l.After {
		text("", 10, p)
		pdf.Ln(2)
	}
	text("", 10, v.L.Footer)
	pdf.Ln(4)
	text("", 10, v.L.Closing)
	pdf.Ln(6)
	text("", 10, c.Name)
	if err := pdf.Error(); err != nil {
		return err
	}
	return pdf.Output(w)
}

// LetterFile is one row of index.csv: a letter and the files it was
// written to.
type LetterFile struct {
	Letter DunningLetter
	HTML   string
	PDF    string
}

// indexHeader is the header of index.csv.
var indexHeader = []string{"customer_id", "customer_name", "email", "step", "template", "form", "channel", "language",
	"date", "principal", "charging", "interest", "costs", "total", "deadline", "reference", "html", "pdf"}

// WriteLetters writes every letter to dir as <customer_id>-<step>.<lang>.html
// and .pdf, and index.csv listing them (file names relative to dir).
func WriteLetters(dir string, letters []DunningLetter) ([]LetterFile, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("letters: %w", err)
	}
	files := make([]LetterFile, 0, len(letters))
	for _, l := range letters {
		base := safeFileName(l.CustomerID) + "-" + safeFileName(l.Step) + "." + string(l.Language)
		f := LetterFile{Letter: l, HTML: base + ".html", PDF: base + ".pdf"}
		for _, out := range []struct {
			name   string
			render func(io.Writer) error
		}{{f.HTML, l.HTML}, {f.PDF, l.PDF}} {
			var b bytes.Buffer
			if err := out.render(&b); err != nil {
				return nil, fmt.Errorf("letter %s: %w", out.name, err)
			}
			if err := os.WriteFile(filepath.Join(dir, out.name), b.Bytes(), 0o644); err != nil {
				return nil, fmt.Errorf("letters: %w", err)
			}
		}
		files = append(files, f)
	}
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	cw.Write(indexHeader)
	for _, f := range files {
		l := f.Letter
		deadline := ""
		if !l.Deadline.IsZero() {
			deadline = l.Deadline.String()
		}
		cw.Write([]string{l.CustomerID, l.CustomerName, l.Email, l.Step, l.Template, l.Form, string(l.Channel), string(l.Language),
			l.Date.String(), l.Principal.String(), string(l.Charging), l.Interest.String(), l.Costs.String(), l.Total.String(),
			deadline, l.Reference, f.HTML, f.PDF})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return nil, fmt.Errorf("letters index: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "index.csv"), b.Bytes(), 0o644); err != nil {
		return nil, fmt.Errorf("letters: %w", err)
	}
	return files, nil
}

// safeFileName replaces the characters of s that do not belong in a file
// name by '_'.
func safeFileName(s string) string {
	r := []rune(s)
	for i, c := range r {
		if !(c == '-' || c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			r[i] = '_'
		}
	}
	if s := string(r); s != "" && !slices.Contains([]string{".", ".."}, s) {
		return s
	}
	return "_"
}
