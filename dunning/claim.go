package dunning

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/store"
)

// The claim: what a debtor owes on a date, invoice by invoice. It is the one
// computation of principal, interest and collection costs that the
// worklist, the letters, the hand-over, the dossier and the API all show.

// CostsBasis says how a business's extrajudicial collection costs are
// computed (Policy.B2BCosts). A consumer's costs always go by the WIK scale
// over the claim's total principal (art. 6:96 lid 5 BW and the Besluit
// vergoeding voor buitengerechtelijke incassokosten, which is mandatory for
// consumers).
type CostsBasis string

// Bases of a business's collection costs.
const (
	// CostsPerInvoice applies the WIK scale to each invoice with at least
	// EUR 40 per invoice (art. 6:96 lid 4 BW, the fixed sum of the Late
	// Payment Directive 2011/7/EU, art. 6). The default.
	CostsPerInvoice CostsBasis = "wik_per_invoice"
	// CostsOverTotal applies the WIK scale once to the claim's total
	// principal, as for consumers.
	CostsOverTotal CostsBasis = "wik_total"
	// CostsNone claims no collection costs from businesses.
	CostsNone CostsBasis = "none"
)

// costsLaw names the legal source of each basis.
var costsLaw = map[CostsBasis]string{
	CostsPerInvoice: "WIK scale per invoice, at least EUR 40 per invoice (art. 6:96 lid 4 BW; Besluit vergoeding voor buitengerechtelijke incassokosten, art. 2)",
	CostsOverTotal:  "WIK scale over the total principal (Besluit vergoeding voor buitengerechtelijke incassokosten, art. 2)",
	CostsNone:       "no collection costs are claimed (policy b2b_costs = none)",
}

// consumerCostsLaw is the legal source of a consumer's costs.
const consumerCostsLaw = "WIK scale over the total principal, due only after the 14-day letter has run out " +
	"(art. 6:96 lid 5 and 6 BW; Besluit vergoeding voor buitengerechtelijke incassokosten, art. 2)"

// ClaimLine is one invoice of a claim.
type ClaimLine struct {
	InvoiceID   string          `json:"invoice_id"`
	InvoiceDate creditflow.Date `json:"invoice_date"`
	DueDate     creditflow.Date `json:"due_date"`
	// Amount is the invoiced amount; Credited what credit notes took off
	// it and Paid what payments paid (to costs, interest and principal
	// together).
	Amount   creditflow.Money `json:"amount"`
	Credited creditflow.Money `json:"credited"`
	Paid     creditflow.Money `json:"paid"`
	// Allocations are the ledger's allocations to the invoice that the
	// claim applied, in date order (a reversed payment and its reversal
	// left out).
	Allocations []ClaimAllocation `json:"allocations"`
	// Principal is the principal still owed. It can exceed the ledger's
	// open amount when payments went to costs and interest first.
	Principal creditflow.Money `json:"principal"`
	// InterestFrom is the first day of interest and InterestBasis why it
	// starts then.
	InterestFrom  creditflow.Date  `json:"interest_from"`
	InterestBasis string           `json:"interest_basis"`
	InterestLines []InterestLine   `json:"interest_lines"`
	Accrued       creditflow.Money `json:"interest_accrued"`
	InterestPaid  creditflow.Money `json:"interest_paid"`
	// Interest is the interest still owed: accrued less paid.
	Interest creditflow.Money `json:"interest"`
	// Costs are the collection costs of this invoice still owed, for costs
	// per invoice (CostsPerInvoice); otherwise they are the claim's.
	Costs     creditflow.Money `json:"costs"`
	CostsPaid creditflow.Money `json:"costs_paid"`
	// Total is Principal + Interest + Costs.
	Total    creditflow.Money `json:"total"`
	Disputed bool             `json:"disputed"`
	// Promised is true for an invoice a running promise to pay covers:
	// shown apart, not claimed until the promise is broken.
	Promised bool `json:"promised"`
	// ClosedInLedger is true for an invoice the ledger counts as paid whose
	// payments went to costs and interest first.
	ClosedInLedger bool `json:"closed_in_ledger"`
}

// ClaimAllocation is one allocation of a payment or a credit note to an
// invoice of a claim.
type ClaimAllocation struct {
	Date creditflow.Date `json:"date"`
	// Kind is payment or credit_note.
	Kind   string           `json:"kind"`
	Amount creditflow.Money `json:"amount"`
}

// PaymentApplication is how one payment after the claim was applied (art. 6:44 BW:
// costs, then interest, then principal).
type PaymentApplication struct {
	InvoiceID string           `json:"invoice_id"`
	Date      creditflow.Date  `json:"date"`
	Amount    creditflow.Money `json:"amount"`
	Costs     creditflow.Money `json:"costs"`
	Interest  creditflow.Money `json:"interest"`
	Principal creditflow.Money `json:"principal"`
	// Overpaid is what was left after the invoice's claim was paid.
	Overpaid creditflow.Money `json:"overpaid"`
}

// DebtorClaim is what a debtor owes on a date: the overdue invoices with
// their principal, interest and costs, the disputed ones apart (never
// claimed), and how payments made after costs or interest were claimed
// were applied.
type DebtorClaim struct {
	CustomerID string                  `json:"customer_id"`
	Name       string                  `json:"name"`
	Kind       creditflow.CustomerKind `json:"kind"`
	AsOf       creditflow.Date         `json:"as_of"`
	Currency   string                  `json:"currency"`
	// InterestLaw names the interest's article; InterestFrom is the
	// earliest first day of interest of the lines.
	InterestLaw  string          `json:"interest_law"`
	InterestFrom creditflow.Date `json:"interest_from"`
	Lines        []ClaimLine     `json:"lines"`
	// Disputed are the disputed overdue invoices: shown, never claimed.
	Disputed       []ClaimLine      `json:"disputed"`
	DisputedAmount creditflow.Money `json:"disputed_amount"`
	// Promised are the invoices a running promise to pay covers (see
	// Policy.PromiseGraceDays): shown, not claimed while it runs.
	Promised       []ClaimLine      `json:"promised"`
	PromisedAmount creditflow.Money `json:"promised_amount"`
	Principal      creditflow.Money `json:"principal"`
	Interest       creditflow.Money `json:"interest"`
	// Costs are the collection costs still owed (or that would be claimed
	// when CostsDue is false); CostsBasis says how they were computed.
	Costs      creditflow.Money `json:"costs"`
	CostsBasis string           `json:"costs_basis"`
	// ClaimedSince is the day costs and interest count as claimed: the end
	// of the term of the first letter in the current cycle that announced
	// them, or the day of a letter that claimed them (ClaimedBy names its
	// step). Payments from that day on go to costs, then interest, then
	// principal (art. 6:44 BW); before it, to the principal. Zero: not
	// claimed.
	ClaimedSince creditflow.Date `json:"claimed_since"`
	ClaimedBy    string          `json:"claimed_by,omitempty"`
	// CostsDue is true when the costs may be claimed on AsOf.
	CostsDue bool `json:"costs_due"`
	// Steps are the ladder steps done in the current cycle, in order.
	Steps        []StepDone           `json:"steps_done"`
	Applications []PaymentApplication `json:"applications"`
	// Total is Principal + Interest, plus Costs when CostsDue.
	Total creditflow.Money `json:"total"`
	// Error says why the interest could not be computed (a day before the
	// rates table); the claim is then incomplete and must not be sent.
	Error string `json:"error,omitempty"`
}

// StepDone is a ladder step done: a letter or e-mail sent, a call made.
type StepDone struct {
	Step    string          `json:"step"`
	Form    string          `json:"form"`
	Channel Channel         `json:"channel"`
	Date    creditflow.Date `json:"date"`
}

// ClaimOptions configure Claims.
type ClaimOptions struct {
	Policy Policy
	// Rates are the statutory interest rates; nil means DefaultRates.
	Rates *RateTable
}

// claimRow is one row of sql/claim_invoices.sql.
type claimRow struct {
	customerID, name, kind, ladderName, stepsDone string
	line                                          ClaimLine
	closedFrom                                    creditflow.Date
	moves                                         string
}

// Claims computes the claims on asOf of the customer customerID, or of
// every customer with overdue invoices when customerID is "", by
// customer_id.
func Claims(ctx context.Context, q store.Querier, asOf creditflow.Date, customerID string, opt ClaimOptions) ([]DebtorClaim, error) {
	if asOf.IsZero() {
		return nil, fmt.Errorf("%w: as-of date is required", creditflow.ErrInvalid)
	}
	if opt.Rates == nil {
		rates, err := DefaultRates()
		if err != nil {
			return nil, fmt.Errorf("claims: %w", err)
		}
		opt.Rates = &rates
	}
	if len(opt.Policy.B2B) == 0 && len(opt.Policy.B2C) == 0 {
		opt.Policy = DefaultPolicy()
	}
	var cur string
	if err := q.QueryRowContext(ctx, store.Query("report_currency")).Scan(&cur); err != nil {
		return nil, fmt.Errorf("claims: %w", err)
	}
	var claims []DebtorClaim
	var batch []claimRow
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		c, err := buildClaim(batch, asOf, cur, opt)
		if err != nil {
			return err
		}
		claims = append(claims, c)
		batch = batch[:0]
		return nil
	}
	err := store.EachRow(ctx, q, store.Query("claim_invoices"), func(rows *sql.Rows) error {
		var r claimRow
		var closed sql.NullTime
		if err := rows.Scan(&r.customerID, &r.name, &r.kind, &r.ladderName, &r.stepsDone, &r.line.InvoiceID,
			&r.line.InvoiceDate, &r.line.DueDate, store.Money(&r.line.Amount), &closed, &r.line.Disputed, &r.moves,
			&r.line.Promised); err != nil {
			return err
		}
		if closed.Valid {
			r.closedFrom = creditflow.NewDate(closed.Time)
		}
		if len(batch) > 0 && batch[0].customerID != r.customerID {
			if err := flush(); err != nil {
				return err
			}
		}
		batch = append(batch, r)
		return nil
	}, asOf, cur, customerID, opt.Policy.PromiseGraceDays)
	if err == nil {
		err = flush()
	}
	if err != nil {
		return nil, fmt.Errorf("claims %s: %w", asOf, err)
	}
	return claims, nil
}

// CustomerClaim is the claim on one customer on asOf: empty (no lines) for
// a customer with nothing overdue, ErrNotFound for an unknown customer.
func CustomerClaim(ctx context.Context, q store.Querier, customerID string, asOf creditflow.Date, opt ClaimOptions) (DebtorClaim, error) {
	claims, err := Claims(ctx, q, asOf, customerID, opt)
	if err != nil {
		return DebtorClaim{}, err
	}
	if len(claims) == 1 {
		return claims[0], nil
	}
	var d Debtor
	var kind string
	err = q.QueryRowContext(ctx, store.Query("dunning_dossier_debtor"), customerID).Scan(&d.CustomerID,
		&d.Name, &kind, &d.Address, &d.Country, &d.RegistrationID, &d.Email, &d.Phone)
	if errors.Is(err, sql.ErrNoRows) {
		return DebtorClaim{}, fmt.Errorf("%w: customer %q", creditflow.ErrNotFound, customerID)
	}
	if err != nil {
		return DebtorClaim{}, fmt.Errorf("claim %s: %w", customerID, err)
	}
	name := d.Name
	if name == "" {
		name = customerID
	}
	var cur string
	if err := q.QueryRowContext(ctx, store.Query("report_currency")).Scan(&cur); err != nil {
		return DebtorClaim{}, fmt.Errorf("claim %s: %w", customerID, err)
	}
	return buildClaim([]claimRow{{customerID: customerID, name: name, kind: kind}}, asOf, cur, opt)
}

// claimMove is one allocation to an invoice of a claim.
type claimMove struct {
	line   int
	date   creditflow.Date
	credit bool
	amount creditflow.Money
}

// buildClaim computes one customer's claim from its rows; a row without an
// invoice id gives an empty claim.
func buildClaim(rows []claimRow, asOf creditflow.Date, cur string, opt ClaimOptions) (DebtorClaim, error) {
	first := rows[0]
	c := DebtorClaim{CustomerID: first.customerID, Name: first.name, Kind: creditflow.CustomerKind(first.kind), AsOf: asOf,
		Currency: cur, Lines: []ClaimLine{}, Disputed: []ClaimLine{}, Promised: []ClaimLine{},
		Applications: []PaymentApplication{}}
	legal := creditflow.B2B
	if c.Kind == creditflow.B2C {
		legal = creditflow.B2C
	}
	c.InterestLaw = "art. 6:119a BW (handelsrente)"
	basis := opt.Policy.b2bCosts()
	c.CostsBasis = costsLaw[basis]
	if legal == creditflow.B2C {
		c.InterestLaw, basis, c.CostsBasis = "art. 6:119 BW (wettelijke rente)", CostsOverTotal, consumerCostsLaw
	}
	ladder, _ := opt.Policy.CustomerLadder(c.Kind, c.CustomerID, first.ladderName)
	c.Steps = stepsDone(ladder, first.stepsDone)
	c.ClaimedSince, c.ClaimedBy = claimedSince(ladder, legal, c.Steps)
	claimed := !c.ClaimedSince.IsZero() && !c.ClaimedSince.After(asOf.Time)
	c.CostsDue = claimed && basis != CostsNone

	// The lines of the claim; invoices the ledger closed count only when
	// they were closed after the claim.
	type apartLine struct {
		line  ClaimLine
		moves string
	}
	var lines []ClaimLine
	var moves []claimMove
	var apart []apartLine
	for _, r := range rows {
		if r.line.InvoiceID == "" {
			continue
		}
		if !r.closedFrom.IsZero() && (!claimed || r.closedFrom.Before(c.ClaimedSince.Time)) {
			continue
		}
		l := r.line
		l.ClosedInLedger = !r.closedFrom.IsZero()
		l.InterestFrom = l.DueDate.AddDays(1)
		l.InterestBasis = interestBasis(legal, l.DueDate)
		if l.Disputed || l.Promised {
			l.Promised = l.Promised && !l.Disputed
			apart = append(apart, apartLine{line: l, moves: r.moves})
			continue
		}
		ms, err := parseMoves(r.moves, len(lines))
		if err != nil {
			return c, fmt.Errorf("claim %s: invoice %s: %w", c.CustomerID, l.InvoiceID, err)
		}
		moves = append(moves, ms...)
		lines = append(lines, l)
	}
	// The disputed and the promised invoices keep the ledger's open amount
	// and no interest: they are not claimed now.
	for _, a := range apart {
		l := a.line
		ms, err := parseMoves(a.moves, 0)
		if err != nil {
			return c, fmt.Errorf("claim %s: invoice %s: %w", c.CustomerID, l.InvoiceID, err)
		}
		l.Principal = l.Amount
		for _, m := range ms {
			l.Principal -= m.amount
			if m.credit {
				l.Credited += m.amount
			} else {
				l.Paid += m.amount
			}
		}
		l.InterestLines, l.InterestFrom, l.Total, l.Allocations = []InterestLine{}, creditflow.Date{}, l.Principal, []ClaimAllocation{}
		if l.Disputed {
			l.InterestBasis = "disputed: no interest is claimed"
			c.Disputed = append(c.Disputed, l)
			c.DisputedAmount += l.Principal
		} else {
			l.InterestBasis = "covered by a promise to pay: not claimed while it runs"
			c.Promised = append(c.Promised, l)
			c.PromisedAmount += l.Principal
		}
	}

	// The costs are fixed on the principal owed when they were claimed (or
	// that would be claimed today): per invoice or over the total.
	costBase := make([]creditflow.Money, len(lines))
	baseDay := asOf.AddDays(1)
	if claimed {
		baseDay = c.ClaimedSince
	}
	for i, l := range lines {
		costBase[i] = l.Amount
	}
	for _, m := range moves {
		if m.date.Before(baseDay.Time) {
			costBase[m.line] -= m.amount
		}
	}
	var pot creditflow.Money // the claim's costs over the total
	switch basis {
	case CostsPerInvoice:
		for i := range lines {
			if costBase[i] > 0 {
				cc, err := CollectionCosts(costBase[i], creditflow.B2B)
				if err != nil {
					return c, fmt.Errorf("claim %s: %w", c.CustomerID, err)
				}
				lines[i].Costs = cc.Amount
			}
		}
	case CostsOverTotal:
		var total creditflow.Money
		for _, b := range costBase {
			total += max(b, 0)
		}
		if total > 0 {
			cc, err := CollectionCosts(total, legal)
			if err != nil {
				return c, fmt.Errorf("claim %s: %w", c.CustomerID, err)
			}
			pot = cc.Amount
		}
	}

	// Interest accrues invoice by invoice; the allocations are applied in
	// date order, after the interest up to their day.
	acc := make([]*accrual, len(lines))
	for i, l := range lines {
		acc[i] = newAccrual(l.Amount, l.DueDate, legal, *opt.Rates)
	}
	slices.SortStableFunc(moves, func(a, b claimMove) int {
		if x := a.date.Compare(b.date.Time); x != 0 {
			return x
		}
		return cmp.Compare(a.line, b.line)
	})
	moves = cancelReversals(moves)
	var failed error
	for _, m := range moves {
		a, l := acc[m.line], &lines[m.line]
		if err := a.runTo(m.date); err != nil && failed == nil {
			failed = err
		}
		kind := "payment"
		if m.credit {
			kind = "credit_note"
		}
		l.Allocations = append(l.Allocations, ClaimAllocation{Date: m.date, Kind: kind, Amount: m.amount})
		switch {
		case m.credit:
			l.Credited += m.amount
			a.principal -= m.amount
		case m.amount < 0 || !claimed || m.date.Before(c.ClaimedSince.Time):
			// Before the claim (and a reversed payment) the ledger's
			// allocation stands: it went to the principal.
			l.Paid += m.amount
			a.principal -= m.amount
		default:
			l.Paid += m.amount
			app := PaymentApplication{InvoiceID: l.InvoiceID, Date: m.date, Amount: m.amount}
			left := m.amount
			take := func(due *creditflow.Money) creditflow.Money {
				n := max(0, min(*due, left))
				*due -= n
				left -= n
				return n
			}
			app.Costs = take(&l.Costs)
			if basis == CostsOverTotal {
				app.Costs += take(&pot)
			}
			l.CostsPaid += app.Costs
			app.Interest = a.payInterest(left)
			left -= app.Interest
			l.InterestPaid += app.Interest
			app.Principal = take(&a.principal)
			app.Overpaid = left
			c.Applications = append(c.Applications, app)
		}
	}
	for i := range lines {
		a, l := acc[i], &lines[i]
		if err := a.runTo(asOf); err != nil && failed == nil {
			failed = err
		}
		l.InterestLines = a.lines
		if l.InterestLines == nil {
			l.InterestLines = []InterestLine{}
		}
		if l.Allocations == nil {
			l.Allocations = []ClaimAllocation{}
		}
		l.Principal = max(a.principal, 0)
		l.Accrued, l.Interest = a.accrued, a.owed()
		l.Total = l.Principal + l.Interest + l.Costs
		if l.Total <= 0 {
			continue
		}
		c.Lines = append(c.Lines, *l)
		c.Principal += l.Principal
		c.Interest += l.Interest
		c.Costs += l.Costs
		if c.InterestFrom.IsZero() || l.InterestFrom.Before(c.InterestFrom.Time) {
			c.InterestFrom = l.InterestFrom
		}
	}
	if len(c.Lines) > 0 {
		c.Costs += pot
	}
	if failed != nil {
		c.Error = failed.Error()
		c.Interest = 0
	}
	c.Total = c.Principal + c.Interest
	if c.CostsDue {
		c.Total += c.Costs
	}
	return c, nil
}

// b2bCosts is the policy's basis of a business's costs, by default per
// invoice.
func (p Policy) b2bCosts() CostsBasis {
	if p.B2BCosts == "" {
		return CostsPerInvoice
	}
	return p.B2BCosts
}

// interestBasis says why an invoice's interest starts the day after its due
// date.
func interestBasis(kind creditflow.CustomerKind, due creditflow.Date) string {
	if kind == creditflow.B2C {
		return fmt.Sprintf("wettelijke rente from %s, the day after the agreed due date %s: with a fixed term the debtor is in default "+
			"without notice (art. 6:83 sub a BW, art. 6:119 BW)", due.AddDays(1), due)
	}
	return fmt.Sprintf("handelsrente from %s, the day after the due date %s, without notice (art. 6:119a BW)", due.AddDays(1), due)
}

// claimedSince is the day costs and interest count as claimed in the
// current cycle, from the steps done (stepsDone), and the step that claimed
// them: for a consumer the day after the 14-day letter ran out (art. 6:96
// lid 6 BW: received 2 days after posting, then 14 days); for a business the
// day after the term (Step.Term) of the first aanmaning or
// ingebrekestelling, which announce them, or the day of the hand-over,
// which claims them.
func claimedSince(ladder []Step, kind creditflow.CustomerKind, steps []StepDone) (creditflow.Date, string) {
	var since creditflow.Date
	var by string
	for _, s := range steps {
		term, _ := LadderTerm(ladder, s.Step)
		var from creditflow.Date
		switch {
		case kind == creditflow.B2C && s.Form == "veertiendagenbrief":
			from = s.Date.AddDays(term + 1)
		case kind == creditflow.B2C:
			continue
		case s.Form == "aanmaning" || s.Form == "ingebrekestelling":
			from = s.Date.AddDays(term + 1)
		case s.Form == "handover":
			from = s.Date
		default:
			continue
		}
		if since.IsZero() || from.Before(since.Time) {
			since, by = from, s.Step
		}
	}
	return since, by
}

// stepsDone are the steps of done ("step@YYYY-MM-DD,...") that are on the
// ladder, in date order; a hand-over action off the ladder counts as the
// hand-over.
func stepsDone(ladder []Step, done string) []StepDone {
	out := []StepDone{}
	if done == "" {
		return out
	}
	for part := range strings.SplitSeq(done, ",") {
		name, day, _ := strings.Cut(part, "@")
		d, err := creditflow.ParseDate(day)
		if err != nil {
			continue
		}
		s := StepDone{Step: name, Form: "handover", Channel: Letter, Date: d}
		if i := slices.IndexFunc(ladder, func(s Step) bool { return s.Name == name }); i >= 0 {
			s.Form, s.Channel = LetterForm(Task{Step: name, Template: ladder[i].Template}), ladder[i].Channel
		} else if name != "handover" {
			continue
		}
		out = append(out, s)
	}
	slices.SortStableFunc(out, func(a, b StepDone) int { return a.Date.Compare(b.Date.Time) })
	return out
}

// cancelReversals drops each reversed payment with its reversal: a payment
// that bounced was never paid, so it neither paid costs or interest nor
// stopped interest. A reversal is a negative payment of the same line;
// it cancels the latest payment of the same amount made on or before it,
// else the latest payments that add up to it.
// A reversal without such a payment stays (it adds to the principal).
// moves must be in date order; the result is too.
func cancelReversals(moves []claimMove) []claimMove {
	gone := make([]bool, len(moves))
	for i, r := range moves {
		if r.credit || r.amount >= 0 {
			continue
		}
		// The payments it reverses: the latest one of its amount, else the
		// latest ones that add up to it (a payment split over allocations).
		var taken []int
		var sum creditflow.Money
		for j := i - 1; j >= 0 && sum < -r.amount; j-- {
			p := moves[j]
			if gone[j] || p.credit || p.line != r.line || p.amount <= 0 {
				continue
			}
			if p.amount == -r.amount {
				taken, sum = []int{j}, p.amount
				break
			}
			taken, sum = append(taken, j), sum+p.amount
		}
		if sum == -r.amount {
			gone[i] = true
			for _, j := range taken {
				gone[j] = true
			}
		}
	}
	out := moves[:0:0]
	for i, m := range moves {
		if !gone[i] {
			out = append(out, m)
		}
	}
	return out
}

// parseMoves reads "YYYY-MM-DD=payment|credit_note=amount,..."
// (sql/claim_invoices.sql) as the moves of line.
func parseMoves(s string, line int) ([]claimMove, error) {
	if s == "" {
		return nil, nil
	}
	var out []claimMove
	for part := range strings.SplitSeq(s, ",") {
		day, rest, _ := strings.Cut(part, "=")
		kind, amount, ok := strings.Cut(rest, "=")
		d, err := creditflow.ParseDate(day)
		if err != nil || !ok {
			return nil, fmt.Errorf("allocation %q: %w", part, errors.Join(err, errors.New("expected date=kind=amount")))
		}
		m, err := creditflow.ParseMoney(amount)
		if err != nil {
			return nil, fmt.Errorf("allocation %q: %w", part, err)
		}
		out = append(out, claimMove{line: line, date: d, credit: kind == "credit_note", amount: m})
	}
	return out, nil
}
