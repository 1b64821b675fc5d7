package dunning

import (
	"fmt"
	"math/big"

	"github.com/creditflow/creditflow"
)

// The extrajudicial collection costs (*buitengerechtelijke incassokosten*)
// of art. 6:96 BW, by the scale of the Besluit vergoeding voor
// buitengerechtelijke incassokosten (the "WIK scale").

// Limits of the WIK scale, in euro cents.
const (
	// MinCollectionCosts is the minimum of the scale (Besluit art. 2 lid 1),
	// and for businesses the statutory minimum per invoice (art. 6:96 lid 4 BW).
	MinCollectionCosts creditflow.Money = 40_00
	// MaxCollectionCosts is the maximum of the scale.
	MaxCollectionCosts creditflow.Money = 6775_00
	// FourteenDayLetterDays is the payment term of the 14-day letter
	// (*veertiendagenbrief*, art. 6:96 lid 6 BW), counted from the day after
	// the consumer received it.
	FourteenDayLetterDays = 14
)

// wikBand is one band of the scale: Rate of the principal above From up to
// To; To is 0 for the open last band.
type wikBand struct {
	From, To creditflow.Money
	Rate     Percent
}

// wikScale is the scale of the Besluit, art. 2 lid 1.
var wikScale = [...]wikBand{
	{From: 0, To: 2_500_00, Rate: 150000},          // 15% of the first 2,500
	{From: 2_500_00, To: 5_000_00, Rate: 100000},   // 10% of the next 2,500
	{From: 5_000_00, To: 10_000_00, Rate: 50000},   // 5% of the next 5,000
	{From: 10_000_00, To: 200_000_00, Rate: 10000}, // 1% of the next 190,000
	{From: 200_000_00, To: 0, Rate: 5000},          // 0.5% of the rest
}

// CostLine is one band of a collection-costs calculation.
type CostLine struct {
	// Band names the band, such as "2500.00 - 5000.00" or "200000.00 -".
	Band     string           `json:"band"`
	BandFrom creditflow.Money `json:"band_from"`
	// BandTo is null for the open last band.
	BandTo      *creditflow.Money `json:"band_to"`
	Base        creditflow.Money  `json:"base"`
	RatePercent Percent           `json:"rate_percent"`
	Amount      creditflow.Money  `json:"amount"`
}

// CostCalculation is the collection costs of a claim with the calculation
// line by line. Amount = Scale raised to the minimum or lowered to the cap.
type CostCalculation struct {
	Principal creditflow.Money        `json:"principal"`
	Kind      creditflow.CustomerKind `json:"kind"`
	Lines     []CostLine              `json:"lines"`
	// Scale is the sum of the lines.
	Scale          creditflow.Money `json:"scale"`
	MinimumApplied bool             `json:"minimum_applied"`
	CapApplied     bool             `json:"cap_applied"`
	Amount         creditflow.Money `json:"amount"`
	// Rounding states how the amounts were rounded.
	Rounding string `json:"rounding"`
	// Note states when the costs may be claimed.
	Note string `json:"note"`
}

// costRounding documents the rounding of CollectionCosts.
const costRounding = "each band's amount is rounded half up to the cent; only the last band used can have a " +
	"fraction of a cent (the full bands give whole cents), so this equals rounding the exact total once"

// Notes of CostCalculation per kind.
const (
	noteB2C = "consumer: the scale is mandatory and the costs are due only after the 14-day letter " +
		"(veertiendagenbrief, art. 6:96 lid 6 BW) has run out without payment; computed over the total " +
		"principal of the claim; plus VAT only if the creditor cannot deduct it"
	noteB2B = "business: the scale applies unless the contract stipulates other costs; at least EUR 40 per " +
		"invoice (art. 6:96 lid 4 BW), see CollectionCostsPerInvoice"
)

// CollectionCosts returns the extrajudicial collection costs of a claim by
// the WIK scale over its total principal (EUR cents): 15% of the first
// 2,500 (at least 40), 10% of the next 2,500, 5% of the next 5,000, 1% of
// the next 190,000 and 0.5% of the rest, at most 6,775. A principal of 0
// gives no costs; a negative principal is invalid.
func CollectionCosts(principal creditflow.Money, kind creditflow.CustomerKind) (CostCalculation, error) {
	if _, err := legalKind(string(kind)); err != nil {
		return CostCalculation{}, err
	}
	if principal < 0 {
		return CostCalculation{}, fmt.Errorf("%w: principal %s is negative", creditflow.ErrInvalid, principal)
	}
	c := CostCalculation{Principal: principal, Kind: kind, Lines: []CostLine{}, Rounding: costRounding, Note: noteB2B}
	if kind == creditflow.B2C {
		c.Note = noteB2C
	}
	if principal == 0 {
		return c, nil
	}
	for _, b := range wikScale {
		if principal <= b.From {
			break
		}
		base := principal - b.From
		line := CostLine{Band: b.From.String() + " -", BandFrom: b.From, RatePercent: b.Rate}
		if b.To != 0 {
			to := b.To
			line.BandTo = &to
			line.Band += " " + to.String()
			base = min(principal, b.To) - b.From
		}
		line.Base = base
		line.Amount = applyPercent(base, b.Rate)
		c.Lines = append(c.Lines, line)
		c.Scale += line.Amount
	}
	c.Amount = c.Scale
	if c.Amount < MinCollectionCosts {
		c.Amount, c.MinimumApplied = MinCollectionCosts, true
	}
	if c.Amount > MaxCollectionCosts {
		c.Amount, c.CapApplied = MaxCollectionCosts, true
	}
	return c, nil
}

// PerInvoiceCosts is the collection costs of a business claim computed
// invoice by invoice, each with its own calculation.
type PerInvoiceCosts struct {
	Kind      creditflow.CustomerKind `json:"kind"`
	Principal creditflow.Money        `json:"principal"`
	Invoices  []CostCalculation       `json:"invoices"`
	Amount    creditflow.Money        `json:"amount"`
}

// CollectionCostsPerInvoice computes the collection costs of a business
// claim per invoice (principals in EUR cents): the WIK scale over each
// invoice with the minimum of EUR 40 per invoice of art. 6:96 lid 4 BW (the
// Late Payment Directive's fixed sum); Amount is their sum. Consumers'
// costs go over the total principal of the claim, so kind b2c is invalid
// here: use CollectionCosts with the sum.
func CollectionCostsPerInvoice(invoices []creditflow.Money, kind creditflow.CustomerKind) (PerInvoiceCosts, error) {
	if _, err := legalKind(string(kind)); err != nil {
		return PerInvoiceCosts{}, err
	}
	if kind != creditflow.B2B {
		return PerInvoiceCosts{}, fmt.Errorf("%w: kind %s: costs per invoice are for businesses only; a consumer's costs go over the total principal", creditflow.ErrInvalid, kind)
	}
	out := PerInvoiceCosts{Kind: kind, Invoices: make([]CostCalculation, 0, len(invoices))}
	for i, p := range invoices {
		if p <= 0 {
			return PerInvoiceCosts{}, fmt.Errorf("%w: invoice %d: principal %s: expected more than 0", creditflow.ErrInvalid, i+1, p)
		}
		c, err := CollectionCosts(p, kind)
		if err != nil {
			return PerInvoiceCosts{}, fmt.Errorf("invoice %d: %w", i+1, err)
		}
		out.Invoices = append(out.Invoices, c)
		out.Principal += p
		out.Amount += c.Amount
	}
	return out, nil
}

// FourteenDayLetterExpired reports whether the 14-day letter a consumer
// received on received has run out on day on, so that collection costs may
// be charged: the 14 days start the day after receipt, and costs are due
// from the 15th day after it.
func FourteenDayLetterExpired(received, on creditflow.Date) bool {
	return on.DaysSince(received) > FourteenDayLetterDays
}

// Claim is what a debtor owes, in EUR cents.
type Claim struct {
	Principal creditflow.Money `json:"principal"`
	Interest  creditflow.Money `json:"interest"`
	Costs     creditflow.Money `json:"costs"`
}

// Total is the sum of the claim.
func (c Claim) Total() creditflow.Money { return c.Principal + c.Interest + c.Costs }

// Application is how one payment was applied to a claim.
type Application struct {
	Costs     creditflow.Money `json:"costs"`
	Interest  creditflow.Money `json:"interest"`
	Principal creditflow.Money `json:"principal"`
	// Overpaid is what was left after the claim was paid in full.
	Overpaid creditflow.Money `json:"overpaid"`
}

// ApplyPayment applies a payment (EUR cents) to a claim in the order of
// art. 6:44 BW: first the costs, then the interest, then the principal. It
// returns what remains of the claim and how the payment was applied. A
// payment of 0 or less applies nothing; negative parts of the claim are
// treated as nothing due.
func ApplyPayment(claim Claim, payment creditflow.Money) (Claim, Application) {
	var a Application
	if payment <= 0 {
		return claim, a
	}
	left := payment
	take := func(due *creditflow.Money) creditflow.Money {
		n := max(0, min(*due, left))
		*due -= n
		left -= n
		return n
	}
	a.Costs = take(&claim.Costs)
	a.Interest = take(&claim.Interest)
	a.Principal = take(&claim.Principal)
	a.Overpaid = left
	return claim, a
}

// applyPercent returns p of m, rounded half up to the cent (m >= 0, p >= 0).
func applyPercent(m creditflow.Money, p Percent) creditflow.Money {
	return divRoundHalfUp(bigMul(big.NewInt(int64(m)), big.NewInt(int64(p))), big.NewInt(int64(percentHundred)))
}

// bigMul returns the product of xs.
func bigMul(xs ...*big.Int) *big.Int {
	z := big.NewInt(1)
	for _, x := range xs {
		z.Mul(z, x)
	}
	return z
}

// divRoundHalfUp returns num/den rounded half up, for num >= 0 and den > 0.
func divRoundHalfUp(num, den *big.Int) creditflow.Money {
	q := new(big.Int).Lsh(num, 1)
	q.Add(q, den)
	q.Quo(q, new(big.Int).Lsh(den, 1))
	return creditflow.Money(q.Int64())
}
