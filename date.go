package creditflow

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// DateLayout is the only date format of the input files and the API.
const DateLayout = "2006-01-02"

// Date is a calendar day without time of day or zone, kept as UTC midnight.
type Date struct{ time.Time }

// NewDate returns the calendar day of t, read in t's own location.
func NewDate(t time.Time) Date {
	y, m, d := t.Date()
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("%w: date %q: expected YYYY-MM-DD", ErrInvalid, s)
	}
	return Date{t}, nil
}

// String formats d as YYYY-MM-DD.
func (d Date) String() string { return d.Format(DateLayout) }

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return Date{d.Time.AddDate(0, 0, n)} }

// DaysSince returns the number of days from e to d (positive when d is later).
func (d Date) DaysSince(e Date) int {
	return int(d.Sub(e.Time) / (24 * time.Hour))
}

// MonthEnd returns the last day of d's month.
func (d Date) MonthEnd() Date {
	y, m, _ := d.Date()
	return Date{time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC)}
}

// MarshalJSON writes "YYYY-MM-DD", or null for the zero Date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON reads "YYYY-MM-DD" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("%w: date %s: expected \"YYYY-MM-DD\"", ErrInvalid, b)
	}
	v, err := ParseDate(string(b[1 : len(b)-1]))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Scan reads a DATE column; NULL gives the zero Date.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
	case time.Time:
		*d = NewDate(v.UTC())
	case string:
		p, err := ParseDate(v)
		if err != nil {
			return err
		}
		*d = p
	default:
		return fmt.Errorf("creditflow.Date: cannot scan %T", src)
	}
	return nil
}

// Value writes d as a DATE parameter.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.Time, nil
}
