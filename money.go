package creditflow

import (
	"fmt"
	"strconv"
	"strings"
)

// Money is an amount in euro cents (or the cents of the invoice currency).
// It is exact: sums of Money never lose a cent, unlike float64.
type Money int64

// ParseMoney reads a decimal amount with a dot and at most two decimals,
// such as "1234.5" or "-0.07". Thousands separators are refused.
func ParseMoney(s string) (Money, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("%w: empty amount", ErrInvalid)
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || (hasDot && (frac == "" || len(frac) > 2)) || !digits(whole) || !digits(frac) {
		return 0, fmt.Errorf("%w: amount %q: expected a decimal with a dot and at most two decimals, like 1234.56", ErrInvalid, s)
	}
	if len(whole) > 16 {
		return 0, fmt.Errorf("%w: amount %q is too large", ErrInvalid, s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: amount %q: %v", ErrInvalid, s, err)
	}
	if neg {
		n = -n
	}
	return Money(n), nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String formats m with two decimals and a dot, as in the input files.
func (m Money) String() string {
	return string(m.AppendText(nil))
}

// AppendText appends m with two decimals; it allocates nothing on its own.
func (m Money) AppendText(b []byte) []byte {
	n := int64(m)
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	b = strconv.AppendInt(b, n/100, 10)
	c := n % 100
	return append(b, '.', byte('0'+c/10), byte('0'+c%10))
}

// MarshalJSON writes m as a JSON number with two decimals (1234.50).
func (m Money) MarshalJSON() ([]byte, error) {
	return m.AppendText(nil), nil
}

// UnmarshalJSON reads a JSON number or string with at most two decimals.
func (m *Money) UnmarshalJSON(b []byte) error {
	v, err := ParseMoney(strings.Trim(string(b), `"`))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// Float64 returns m in currency units, for models and charts only; never
// store or sum the result.
func (m Money) Float64() float64 { return float64(m) / 100 }

// Min returns the smaller of a and b.
func Min(a, b Money) Money {
	if a < b {
		return a
	}
	return b
}
