package dunning_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/dunning"
)

func legalRates(tb testing.TB) dunning.RateTable {
	tb.Helper()
	rt, err := dunning.DefaultRates()
	if err != nil {
		tb.Fatalf("built-in rates: %v", err)
	}
	return rt
}

// line is an expected InterestLine, written short.
type line struct {
	from, to       string
	days, yearDays int
	rate           string
	base, interest string
}

func TestStatutoryInterest(t *testing.T) {
	rates := legalRates(t)
	tests := []struct {
		name            string
		kind            creditflow.CustomerKind
		principal       string
		from, to        string
		want            string
		lines           []line
		compoundedLines []int
	}{
		{
			// 10,000 × 12% × 30/365 = 98.630 → 98.63.
			name: "one rate period", kind: creditflow.B2B, principal: "10000.00", from: "2023-07-31", to: "2023-08-30", want: "98.63",
			lines: []line{{"2023-08-01", "2023-08-30", 30, 365, "12.00", "10000.00", "98.63"}},
		},
		{
			// 1,000 × 7% × 30/366 = 5.7377 → 5.74 (with /365 it would be 5.75).
			name: "leap year", kind: creditflow.B2C, principal: "1000.00", from: "2024-01-31", to: "2024-03-01", want: "5.74",
			lines: []line{{"2024-02-01", "2024-03-01", 30, 366, "7.00", "1000.00", "5.74"}},
		},
		{
			// 1,000 × 4% × 15/365 = 1.6438 → 1.64; 1,000 × 6% × 15/365 = 2.4658 → 2.47.
			name: "rate change on 1 July", kind: creditflow.B2C, principal: "1000.00", from: "2023-06-15", to: "2023-07-15", want: "4.11",
			lines: []line{
				{"2023-06-16", "2023-06-30", 15, 365, "4.00", "1000.00", "1.64"},
				{"2023-07-01", "2023-07-15", 15, 365, "6.00", "1000.00", "2.47"},
			},
		},
		{
			// 1,000 × 6% × 10/365 = 1.6438 → 1.64; 1,000 × 7% × 10/366 = 1.9126 → 1.91.
			name: "rate change and year length on 1 January", kind: creditflow.B2C, principal: "1000.00", from: "2023-12-21", to: "2024-01-10", want: "3.55",
			lines: []line{
				{"2023-12-22", "2023-12-31", 10, 365, "6.00", "1000.00", "1.64"},
				{"2024-01-01", "2024-01-10", 10, 366, "7.00", "1000.00", "1.91"},
			},
		},
		{
			// Year 1 (2023-07-01 .. 2024-06-30):
			//   10,000 × 12% × 184/365 = 604.9315 → 604.93
			//   10,000 × 12.5% × 182/366 = 621.5847 → 621.58
			// then the base becomes 10,000 + 604.93 + 621.58 = 11,226.51:
			//   11,226.51 × 12.25% × 15/366 = 56.3626 → 56.36.
			name: "compounding after a full year", kind: creditflow.B2B, principal: "10000.00", from: "2023-06-30", to: "2024-07-15", want: "1282.87",
			lines: []line{
				{"2023-07-01", "2023-12-31", 184, 365, "12.00", "10000.00", "604.93"},
				{"2024-01-01", "2024-06-30", 182, 366, "12.50", "10000.00", "621.58"},
				{"2024-07-01", "2024-07-15", 15, 366, "12.25", "11226.51", "56.36"},
			},
			compoundedLines: []int{2},
		},
		{
			// The anniversary (2021-03-16) falls within a rate period: 2% all along.
			// 2020-03-16 .. 2020-12-31 is 291 days in a leap year: 10,000 × 2% × 291/366 = 159.0164 → 159.02;
			// 2021-01-01 .. 2021-03-15 is 74 days: 10,000 × 2% × 74/365 = 40.5479 → 40.55;
			// base 10,199.57 from 2021-03-16 .. 2021-03-31, 16 days: × 2% × 16/365 = 8.9421 → 8.94.
			name: "compounding within a rate period", kind: creditflow.B2C, principal: "10000.00", from: "2020-03-15", to: "2021-03-31", want: "208.51",
			lines: []line{
				{"2020-03-16", "2020-12-31", 291, 366, "2.00", "10000.00", "159.02"},
				{"2021-01-01", "2021-03-15", 74, 365, "2.00", "10000.00", "40.55"},
				{"2021-03-16", "2021-03-31", 16, 365, "2.00", "10199.57", "8.94"},
			},
			compoundedLines: []int{2},
		},
		{
			// First day 29 February 2024: the anniversary falls on 1 March 2025.
			//   5,000 × 7% × 307/366 = 293.5792 → 293.58; 5,000 × 6% × 59/365 = 48.4932 → 48.49;
			//   base 5,342.07 × 6% × 1/365 = 0.8781 → 0.88.
			name: "anniversary of 29 February", kind: creditflow.B2C, principal: "5000.00", from: "2024-02-28", to: "2025-03-01", want: "342.95",
			lines: []line{
				{"2024-02-29", "2024-12-31", 307, 366, "7.00", "5000.00", "293.58"},
				{"2025-01-01", "2025-02-28", 59, 365, "6.00", "5000.00", "48.49"},
				{"2025-03-01", "2025-03-01", 1, 365, "6.00", "5342.07", "0.88"},
			},
			compoundedLines: []int{2},
		},
		{
			name: "paid on the due date", kind: creditflow.B2B, principal: "500.00", from: "2025-03-01", to: "2025-03-01", want: "0.00",
		},
		{
			name: "zero principal", kind: creditflow.B2B, principal: "0", from: "2025-03-01", to: "2025-03-02", want: "0.00",
			lines: []line{{"2025-03-02", "2025-03-02", 1, 365, "11.15", "0.00", "0.00"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := money(t, tt.principal)
			c, err := dunning.StatutoryInterest(p, day(t, tt.from), day(t, tt.to), tt.kind, rates)
			if err != nil {
				t.Fatal(err)
			}
			if c.Interest != money(t, tt.want) || c.Total != p+c.Interest {
				t.Errorf("interest %s total %s, want %s", c.Interest, c.Total, tt.want)
			}
			if len(c.Lines) != len(tt.lines) {
				t.Fatalf("%d lines, want %d: %+v", len(c.Lines), len(tt.lines), c.Lines)
			}
			var sum creditflow.Money
			days := 0
			for i, w := range tt.lines {
				l := c.Lines[i]
				got := line{l.From.String(), l.To.String(), l.Days, l.YearDays, l.RatePercent.String(), l.Base.String(), l.Interest.String()}
				if got != w {
					t.Errorf("line %d: %+v, want %+v", i, got, w)
				}
				wantCompounded := false
				for _, j := range tt.compoundedLines {
					wantCompounded = wantCompounded || j == i
				}
				if l.Compounded != wantCompounded {
					t.Errorf("line %d: compounded %v, want %v", i, l.Compounded, wantCompounded)
				}
				sum += l.Interest
				days += l.Days
			}
			if sum != c.Interest || days != c.Days {
				t.Errorf("lines sum to %s over %d days, want %s over %d", sum, days, c.Interest, c.Days)
			}
		})
	}
}

func TestStatutoryInterestInvalid(t *testing.T) {
	rates := legalRates(t)
	tests := []struct {
		name      string
		principal creditflow.Money
		from, to  string
		kind      creditflow.CustomerKind
	}{
		{"to before from", 100, "2025-03-02", "2025-03-01", creditflow.B2B},
		{"negative principal", -100, "2025-03-01", "2025-04-01", creditflow.B2B},
		{"unknown kind", 100, "2025-03-01", "2025-04-01", "b2g"},
		{"before the table", 100, "2001-01-01", "2001-12-31", creditflow.B2C},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := dunning.StatutoryInterest(tt.principal, day(t, tt.from), day(t, tt.to), tt.kind, rates)
			if !errors.Is(err, creditflow.ErrInvalid) {
				t.Errorf("err %v, want ErrInvalid", err)
			}
		})
	}
}

func TestDefaultRates(t *testing.T) {
	rates := legalRates(t)
	tests := []struct {
		kind creditflow.CustomerKind
		day  string
		want string
	}{
		{creditflow.B2C, "2020-06-01", "2.00"},
		{creditflow.B2C, "2022-12-31", "2.00"},
		{creditflow.B2C, "2023-01-01", "4.00"},
		{creditflow.B2C, "2023-07-01", "6.00"},
		{creditflow.B2C, "2024-06-30", "7.00"},
		{creditflow.B2C, "2025-01-01", "6.00"},
		{creditflow.B2C, "2025-07-01", "4.00"},
		{creditflow.B2B, "2020-01-01", "8.00"},
		{creditflow.B2B, "2022-12-31", "8.00"},
		{creditflow.B2B, "2023-01-01", "10.50"},
		{creditflow.B2B, "2023-07-01", "12.00"},
		{creditflow.B2B, "2024-01-01", "12.50"},
		{creditflow.B2B, "2024-07-01", "12.25"},
		{creditflow.B2B, "2025-01-01", "11.15"},
		{creditflow.B2B, "2025-07-01", "10.15"},
		{creditflow.B2B, "2026-12-31", "10.15"},
	}
	for _, tt := range tests {
		r, ok := rates.At(tt.kind, day(t, tt.day))
		if !ok || r.RatePercent.String() != tt.want || r.Source == "" {
			t.Errorf("%s on %s: %+v %v, want %s%% with a source", tt.kind, tt.day, r, ok, tt.want)
		}
	}
}

func TestLoadRates(t *testing.T) {
	// testdata/user_rates.csv overrides b2c from 2025-07-01 with 4.5% and
	// adds a b2c rate of 3.25% from 2026-07-01.
	user, err := dunning.LoadRates(filepath.Join("testdata", "user_rates.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rates := legalRates(t).Merge(user)
	for _, tt := range []struct{ day, want, source string }{
		{"2025-06-30", "6.00", ""},
		{"2025-07-01", "4.50", "own check"},
		{"2026-07-01", "3.25", "own check"},
	} {
		r, ok := rates.At(creditflow.B2C, day(t, tt.day))
		if !ok || r.RatePercent.String() != tt.want || !strings.Contains(r.Source, tt.source) {
			t.Errorf("b2c on %s: %+v, want %s%% from %q", tt.day, r, tt.want, tt.source)
		}
	}
	if n, m := len(rates.Rates()), len(legalRates(t).Rates()); n != m+1 {
		t.Errorf("%d rows after the merge, want %d", n, m+1)
	}
	// The merge splits the interest at the user's new rate.
	c, err := dunning.StatutoryInterest(money(t, "1000.00"), day(t, "2026-06-29"), day(t, "2026-07-02"), creditflow.B2C, rates)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Lines) != 2 || c.Lines[1].RatePercent.String() != "3.25" {
		t.Errorf("lines %+v, want a split at 2026-07-01 to 3.25%%", c.Lines)
	}

	if _, err := dunning.LoadRates(filepath.Join("testdata", "missing.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestParseRatesInvalid(t *testing.T) {
	tests := []struct{ name, csv, want string }{
		{"empty", "", "header"},
		{"wrong header", "kind,date,rate,source\n", "header"},
		{"bad kind", "kind,from,rate_percent,source\nb2g,2025-01-01,4,x\n", "line 2"},
		{"bad date", "kind,from,rate_percent,source\nb2c,01-01-2025,4,x\n", "from"},
		{"bad rate", "kind,from,rate_percent,source\nb2c,2025-01-01,4%,x\n", "rate"},
		{"negative rate", "kind,from,rate_percent,source\nb2c,2025-01-01,-1,x\n", "rate"},
		{"too many decimals", "kind,from,rate_percent,source\nb2c,2025-01-01,4.12345,x\n", "rate"},
		{"above 100", "kind,from,rate_percent,source\nb2c,2025-01-01,101,x\n", "100"},
		{"duplicate", "kind,from,rate_percent,source\nb2c,2025-01-01,4,x\nb2c,2025-01-01,5,y\n", "line 2"},
		{"missing column", "kind,from,rate_percent,source\nb2c,2025-01-01,4\n", "fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := dunning.ParseRates(strings.NewReader(tt.csv), "user.csv")
			if !errors.Is(err, creditflow.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err %v, want ErrInvalid mentioning %q", err, tt.want)
			}
		})
	}
}
