package dunning

// The statutory interest rates: a table built in from rates.csv that users
// can override and extend with their own file of the same columns.

import (
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/creditflow/creditflow"
)

// builtinRates is the table of published Dutch statutory interest rates;
// see the comment lines at its top before relying on it.
//
//go:embed rates.csv
var builtinRates []byte

// rateColumns are the columns of a rates file, in this order.
var rateColumns = []string{"kind", "from", "rate_percent", "source"}

// Percent is a rate in ten-thousandths of a percentage point, so that rates
// such as 11.15% are exact: 4% is 40000 and 100% is percentHundred.
type Percent int64

// percentHundred is 100% as a Percent.
const percentHundred Percent = 1_000_000

// ParsePercent reads a percentage such as "4", "11.15" or "0.5", with at
// most 4 decimals.
func ParsePercent(s string) (Percent, error) {
	s = strings.TrimSpace(s)
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || (hasDot && (frac == "" || len(frac) > 4)) || !percentDigits(whole) || !percentDigits(frac) || len(whole) > 6 {
		return 0, fmt.Errorf("%w: rate %q: expected a percentage >= 0 with at most 4 decimals, like 11.15", creditflow.ErrInvalid, s)
	}
	for len(frac) < 4 {
		frac += "0"
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: rate %q: %v", creditflow.ErrInvalid, s, err)
	}
	return Percent(n), nil
}

func percentDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String formats p as a percentage with at least two decimals: "4.00",
// "11.15", "0.125".
func (p Percent) String() string {
	n := int64(p)
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	frac := fmt.Sprintf("%04d", n%10000)
	frac = strings.TrimRight(frac, "0")
	for len(frac) < 2 {
		frac += "0"
	}
	return sign + strconv.FormatInt(n/10000, 10) + "." + frac
}

// MarshalJSON writes p as a JSON number of percent (11.15 for 11.15%).
func (p Percent) MarshalJSON() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalJSON reads a JSON number or string of percent.
func (p *Percent) UnmarshalJSON(b []byte) error {
	v, err := ParsePercent(strings.Trim(string(b), `"`))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// Rate is one row of a rate table: the statutory rate of one customer kind
// from a date on, until the next row of the same kind.
type Rate struct {
	Kind creditflow.CustomerKind `json:"kind"`
	// From is the first day the rate applies.
	From        creditflow.Date `json:"from"`
	RatePercent Percent         `json:"rate_percent"`
	// Source says where the rate was published.
	Source string `json:"source"`
}

// RateTable holds the statutory interest rates: wettelijke rente (art.
// 6:119 BW) under kind b2c, handelsrente (art. 6:119a BW) under kind b2b.
// The zero RateTable is empty. A RateTable is never changed in place, so it
// can be shared.
type RateTable struct {
	rates []Rate // sorted by kind, then From; one row per (kind, From)
}

// DefaultRates returns the built-in table of dunning/rates.csv.
func DefaultRates() (RateTable, error) {
	return ParseRates(strings.NewReader(string(builtinRates)), "rates.csv")
}

// LoadRates reads a user's rates file of the same columns as the built-in
// table (kind,from,rate_percent,source); merge it onto DefaultRates with
// Merge to override or extend the built-in rates.
func LoadRates(path string) (RateTable, error) {
	f, err := os.Open(path)
	if err != nil {
		return RateTable{}, fmt.Errorf("rates %s: %w", path, err)
	}
	defer f.Close()
	return ParseRates(f, path)
}

// ParseRates reads a rates CSV with the header kind,from,rate_percent,source.
// Lines starting with # are comments. Errors name the file and line and wrap
// creditflow.ErrInvalid.
func ParseRates(r io.Reader, name string) (RateTable, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = len(rateColumns)
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return RateTable{}, fmt.Errorf("%w: rates %s: empty file, expected the header %s", creditflow.ErrInvalid, name, strings.Join(rateColumns, ","))
	}
	if err != nil {
		return RateTable{}, fmt.Errorf("%w: rates %s: %v", creditflow.ErrInvalid, name, err)
	}
	for i, c := range header {
		if strings.ToLower(strings.TrimSpace(c)) != rateColumns[i] {
			return RateTable{}, fmt.Errorf("%w: rates %s: header %q: expected %s", creditflow.ErrInvalid, name,
				strings.Join(header, ","), strings.Join(rateColumns, ","))
		}
	}
	var rates []Rate
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return RateTable{}, fmt.Errorf("%w: rates %s: %v", creditflow.ErrInvalid, name, err)
		}
		line, _ := cr.FieldPos(0)
		rate, err := parseRateRecord(rec)
		if err != nil {
			return RateTable{}, fmt.Errorf("rates %s line %d: %w", name, line, err)
		}
		key := string(rate.Kind) + " " + rate.From.String()
		if prev, dup := seen[key]; dup {
			return RateTable{}, fmt.Errorf("%w: rates %s line %d: %s from %s already given on line %d",
				creditflow.ErrInvalid, name, line, rate.Kind, rate.From, prev)
		}
		seen[key] = line
		rates = append(rates, rate)
	}
	return newRateTable(rates), nil
}

func parseRateRecord(rec []string) (Rate, error) {
	kind, err := legalKind(strings.TrimSpace(rec[0]))
	if err != nil {
		return Rate{}, err
	}
	from, err := creditflow.ParseDate(strings.TrimSpace(rec[1]))
	if err != nil {
		return Rate{}, fmt.Errorf("from: %w", err)
	}
	p, err := ParsePercent(rec[2])
	if err != nil {
		return Rate{}, err
	}
	if p > percentHundred {
		return Rate{}, fmt.Errorf("%w: rate %s%% is above 100%%", creditflow.ErrInvalid, p)
	}
	return Rate{Kind: kind, From: from, RatePercent: p, Source: strings.TrimSpace(rec[3])}, nil
}

// legalKind checks a customer kind.
func legalKind(s string) (creditflow.CustomerKind, error) {
	switch k := creditflow.CustomerKind(strings.ToLower(s)); k {
	case creditflow.B2B, creditflow.B2C:
		return k, nil
	default:
		return "", fmt.Errorf("%w: kind %q: expected b2b or b2c", creditflow.ErrInvalid, s)
	}
}

func newRateTable(rates []Rate) RateTable {
	rates = slices.Clone(rates)
	slices.SortStableFunc(rates, func(a, b Rate) int {
		if c := strings.Compare(string(a.Kind), string(b.Kind)); c != 0 {
			return c
		}
		return a.From.Compare(b.From.Time)
	})
	return RateTable{rates: rates}
}

// Merge returns t with the rows of extra added; a row of extra with the same
// kind and from date as a row of t replaces it.
func (t RateTable) Merge(extra RateTable) RateTable {
	out := make([]Rate, 0, len(t.rates)+len(extra.rates))
	for _, r := range t.rates {
		if !slices.ContainsFunc(extra.rates, func(e Rate) bool { return e.Kind == r.Kind && e.From.Equal(r.From.Time) }) {
			out = append(out, r)
		}
	}
	return newRateTable(append(out, extra.rates...))
}

// Rates returns a copy of the rows, sorted by kind and from date.
func (t RateTable) Rates() []Rate { return slices.Clone(t.rates) }

// At returns the rate of kind on day d: the last row of that kind from on
// or before d. ok is false when the table has none.
func (t RateTable) At(kind creditflow.CustomerKind, d creditflow.Date) (r Rate, ok bool) {
	for _, x := range t.rates {
		if x.Kind == kind && !x.From.After(d.Time) {
			r, ok = x, true
		}
	}
	return r, ok
}

// nextChange returns the first from date of kind after d.
func (t RateTable) nextChange(kind creditflow.CustomerKind, d creditflow.Date) (creditflow.Date, bool) {
	for _, x := range t.rates {
		if x.Kind == kind && x.From.After(d.Time) {
			return x.From, true
		}
	}
	return creditflow.Date{}, false
}
