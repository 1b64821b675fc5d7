package risk

import (
	"math"
	"sort"
	"strings"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/present"
)

// reasonGroup maps model inputs to a reason: code when they raise the
// risk, good when they lower it ("" for none).
type reasonGroup struct {
	features   []string
	code, good string
}

var reasonGroups = []reasonGroup{
	{[]string{"late_share", "very_late_share", "dbt", "dbt_over_15", "dbt_over_30", "dbt_volatility"}, "dbt_high", "dbt_low"},
	{[]string{"late_share_180", "very_late_share_365", "dbt_90_excess", "dbt_365_excess", "dbt_90_over_30", "dbt_trend"}, "dbt_worsening", "dbt_improving"},
	{[]string{"overdue_share", "oldest_overdue", "overdue_over_60", "overdue_items", "payment_silence"}, "many_overdue", "no_overdue"},
	{[]string{"invoices", "relationship", "no_history"}, "new_customer", "long_relationship"},
	{[]string{"partial_share"}, "partial_payments", ""},
	{[]string{"reversal_rate"}, "reversals", ""},
	{[]string{"dispute_share", "disputed_open"}, "disputes", ""},
	{[]string{"credit_note_share"}, "credit_notes", ""},
	{[]string{"unapplied_credit", "exposure_months", "sales_size"}, "high_exposure", "low_exposure"},
	{[]string{"sales_trend"}, "sales_falling", ""},
	{[]string{"payment_terms", "consumer"}, "segment_profile", ""},
}

// reasonIndex maps a model input to its position in modelFeatures.
var reasonIndex = func() map[string]int {
	m := make(map[string]int, len(modelFeatures))
	for i, n := range modelFeatures {
		m[n] = i
	}
	return m
}()

// minReasonWeight is the least contribution (log-odds) worth a reason.
const minReasonWeight = 0.05

// reasons returns the top three reasons of a score: the groups of model
// inputs that raise the customer's log-odds of p_severe most against the
// average training row, with a detected change or silence always first;
// when fewer than three raise it, the ones that lower it most follow.
func (sc *scoring) reasons(f *Features, p prediction, ch creditflow.BehaviourChange) []creditflow.Reason {
	m := sc.model.severe
	if m == nil {
		m = sc.model.late
	}
	weights := make(map[string]float64, len(reasonGroups))
	if m != nil {
		c := m.contributions(p.x)
		for _, g := range reasonGroups {
			w := 0.0
			for _, name := range g.features {
				w += c[reasonIndex[name]]
			}
			weights[g.code] = w
		}
	} else {
		// No model: how far the customer's shrunk rates are from the book's.
		weights["dbt_high"] = logOdds(f.VeryLateShareShrunk) - logOdds(sc.priors.book.VeryLateShare)
		weights["many_overdue"] = 0.3 * math.Log1p(float64(f.OverdueItems))
		if f.Invoices < youngInvoices {
			weights["new_customer"] = 0.2
		}
	}
	var first *creditflow.Reason
	switch {
	case ch.Detected && ch.Kind == "silence":
		first = &creditflow.Reason{Code: "silence", Weight: math.Max(weights["many_overdue"], 0)}
		delete(weights, "many_overdue")
	case ch.Detected && ch.Kind == "worsening":
		first = &creditflow.Reason{Code: "behaviour_change", Weight: math.Max(weights["dbt_worsening"], 0)}
		delete(weights, "dbt_worsening")
	}
	if first != nil {
		first.Text = ch.Sentence
		if first.Text == "" {
			first.Text = changeSentence(ch)
		}
	}
	var up, down []creditflow.Reason
	for _, g := range reasonGroups {
		w, ok := weights[g.code]
		if !ok {
			continue
		}
		switch {
		case w >= minReasonWeight:
			up = append(up, creditflow.Reason{Code: g.code, Weight: w})
		case w <= -minReasonWeight && g.good != "":
			code := g.good
			if code == "dbt_improving" && ch.Detected && ch.Kind == "improving" {
				code = "behaviour_improving"
			}
			down = append(down, creditflow.Reason{Code: code, Weight: w})
		}
	}
	sort.SliceStable(up, func(i, j int) bool { return up[i].Weight > up[j].Weight })
	sort.SliceStable(down, func(i, j int) bool { return down[i].Weight < down[j].Weight })
	out := make([]creditflow.Reason, 0, 3)
	if first != nil {
		out = append(out, *first)
	}
	for _, r := range append(up, down...) {
		if len(out) == 3 {
			break
		}
		// Only now the sentence, and only if the numbers bear it out.
		if text, ok := sc.reasonText(r.Code, f, ch); ok {
			r.Text = text
			out = append(out, r)
		}
	}
	for i := range out {
		out[i].Weight = math.Round(out[i].Weight*1000) / 1000
	}
	return out
}

// reasonText is the sentence of a reason with the customer's own numbers.
// ok is false when the numbers do not bear the reason out (the model's
// inputs are shrunk and correlated; the sentence must be true as written).
func (sc *scoring) reasonText(code string, f *Features, ch creditflow.BehaviourChange) (string, bool) {
	sentence := ch.Sentence
	if sentence == "" {
		sentence = changeSentence(ch)
	}
	return reasonText(present.EN, code, f, ch, sc.currency, sentence)
}

// reasonText is the sentence of a reason in l, in the currency cur.
// changeText is the sentence of the change ch in l.
func reasonText(l present.Lang, code string, f *Features, ch creditflow.BehaviourChange, cur, changeText string) (string, bool) {
	seg := f.Segment
	if seg == "" {
		seg = l.T("all")
	}
	switch code {
	case "dbt_high":
		if f.DBTInvoices == 0 || (f.DBT <= f.SegmentDBT && f.LateShare <= f.SegmentLateShare) {
			return "", false
		}
		return l.Tf("Pays %s on average, against %s for %s customers; %s of its invoices late.",
			lateTextIn(l, f.DBT), lateTextIn(l, f.SegmentDBT), seg, l.Probability(f.LateShare)), true
	case "dbt_low":
		if f.DBTInvoices == 0 || f.DBT > f.SegmentDBT {
			return "", false
		}
		return l.Tf("Pays %s on average, against %s for %s customers.", lateTextIn(l, f.DBT), lateTextIn(l, f.SegmentDBT), seg), true
	case "dbt_worsening":
		if f.DBT90Invoices == 0 || f.DBT90 < f.DBT+3 {
			if f.DBT365Invoices < 3 || f.DBTTrendShrunk < 1 {
				return "", false
			}
			return l.Tf("Payments got later over the last year, by about %s every month.", daysTextIn(l, f.DBTTrendShrunk)), true
		}
		return l.Tf("Paid %s on average on the invoices due in the last 90 days, against %s over the whole history.",
			lateTextIn(l, f.DBT90), lateTextIn(l, f.DBT)), true
	case "dbt_improving", "behaviour_improving":
		if code == "behaviour_improving" {
			return changeText, true
		}
		if f.DBT90Invoices == 0 || f.DBT90 > f.DBT-3 {
			return "", false
		}
		return l.Tf("Paid %s on average on the invoices due in the last 90 days, better than %s over the whole history.",
			lateTextIn(l, f.DBT90), lateTextIn(l, f.DBT)), true
	case "many_overdue":
		if f.OverdueItems == 0 {
			if f.Payments == 0 || f.DaysSinceLastPayment < 60 {
				return "", false
			}
			return l.Tf("No payment for %s, since %s.", daysTextIn(l, f.DaysSinceLastPayment), l.Date(f.LastPayment)), true
		}
		format := "%d invoices overdue, %s in all; the oldest %s past due."
		if f.OverdueItems == 1 {
			format = "%d invoice overdue, %s in all; the oldest %s past due."
		}
		return l.Tf(format, f.OverdueItems, l.TextMoney(cur, f.OverdueAmount), daysTextIn(l, f.OldestOverdueDays)), true
	case "no_overdue":
		if f.OverdueItems > 0 || f.Invoices == 0 {
			return "", false
		}
		return l.T("Nothing overdue."), true
	case "new_customer":
		switch {
		case f.Invoices == 0:
			return l.Tf("New customer without payment history: scored like %s customers.", seg), true
		case f.RelationshipDays < 180 || f.Invoices < 6:
			return l.Tf("New customer: %d invoices since %s.", f.Invoices, l.Date(f.FirstInvoice)), true
		}
		return "", false
	case "long_relationship":
		if f.RelationshipDays < 365 {
			return "", false
		}
		return l.Tf("Customer since %s, with %d invoices.", l.Date(f.FirstInvoice), f.Invoices), true
	case "partial_payments":
		if f.Partials == 0 {
			return "", false
		}
		return l.Tf("Pays %s of its invoices in parts (%d of %d).", l.Probability(f.PartialShare), f.Partials, f.Invoices), true
	case "reversals":
		if f.Reversals == 0 {
			return "", false
		}
		return l.Tf("%d of its %d payments reversed (stornering).", f.Reversals, f.Payments+f.Reversals), true
	case "disputes":
		if f.Disputes == 0 {
			return "", false
		}
		return l.Tf("%d disputed invoices, %s of them still open.", f.Disputes, l.TextMoney(cur, f.DisputedOpenAmount)), true
	case "credit_notes":
		if f.CreditNotes == 0 {
			return "", false
		}
		return l.Tf("%d credit notes against %d invoices.", f.CreditNotes, f.Invoices), true
	case "high_exposure", "low_exposure":
		months := 0.0
		if m := monthlyPurchases(f); m > 0 {
			months = float64(f.Exposure) / m
		}
		if code == "high_exposure" {
			if f.Exposure == 0 || months < 1 {
				return "", false
			}
			return l.Tf("Owes %s, %s months of its purchases.", l.TextMoney(cur, f.Exposure), oneDecimal(l, months)), true
		}
		if f.Invoices == 0 || months > 1.5 {
			return "", false
		}
		return l.Tf("Owes %s, %s months of its purchases.", l.TextMoney(cur, f.Exposure), oneDecimal(l, months)), true
	case "sales_falling":
		quarter := creditflow.Money(float64(f.Sales12M) / 4)
		if f.Sales12M <= 0 || float64(f.Sales3M) >= 0.75*float64(quarter) {
			return "", false
		}
		return l.Tf("Bought %s in the last 3 months, against %s a quarter over the last year.",
			l.TextMoney(cur, f.Sales3M), l.TextMoney(cur, quarter)), true
	case "segment_profile":
		return l.Tf("%s customers on %d-day terms pay late more often than most.", strings.ToUpper(seg[:1])+seg[1:], f.PaymentTermsDays), true
	}
	return "", false
}
