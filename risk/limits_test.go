package risk

import (
	"strings"
	"testing"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/present"
)

func TestLimitRounding(t *testing.T) {
	cases := []struct{ in, want string }{
		{"0.00", "0.00"},
		{"-5.00", "0.00"},
		{"99.99", "0.00"},
		{"999.99", "900.00"},
		{"1000.00", "1000.00"},
		{"1234.56", "1000.00"},
		{"9999.99", "9500.00"},
		{"12345.00", "12000.00"},
		{"99999.99", "99000.00"},
		{"123456.78", "120000.00"},
		{"1234567.89", "1230000.00"},
	}
	for _, c := range cases {
		if got := RoundLimit(money(t, c.in)); got != money(t, c.want) {
			t.Errorf("RoundLimit(%s) = %s, want %s", c.in, got, c.want)
		}
	}
}

// TestLimit checks the credit limit rules on a customer who buys EUR
// 10,000 a month on 30-day terms: base = 10,000 × (30 + 30) / 30.44 =
// EUR 19,710.91.
func TestLimit(t *testing.T) {
	asOf := date(t, "2025-06-30")
	customer := func(id, segment string, invoices int, relationship float64, s3, s12 string) *Features {
		return &Features{
			CustomerID: id, AsOf: asOf, Segment: segment, PaymentTermsDays: 30,
			Invoices: invoices, RelationshipDays: relationship, Sales3M: money(t, s3), Sales12M: money(t, s12),
			Exposure: money(t, "4000.00"),
		}
	}
	// Established retail customers, base limits 9,855.45, 19,710.91 and
	// 39,421.81: the retail starter is a quarter of the median, 4,927.73.
	established := []*Features{
		customer("R1", "retail", 24, 400, "15000.00", "60000.00"),
		customer("R2", "retail", 24, 400, "30000.00", "120000.00"),
		customer("R3", "retail", 24, 400, "60000.00", "240000.00"),
	}
	manual := money(t, "5000.00")
	cases := []struct {
		name        string
		f           *Features
		class       creditflow.RiskClass
		change      creditflow.BehaviourChange
		manual      *creditflow.Money
		max         string
		recommended string
		limit       string
		codes       []string
	}{
		{"class A", customer("C1", "retail", 24, 400, "30000.00", "120000.00"), ClassA, creditflow.BehaviourChange{}, nil, "250000.00",
			"19000.00", "19000.00", []string{"limit_purchases"}},
		// 19,710.91 × 0.4 = 7,884.36
		{"class D", customer("C1", "retail", 24, 400, "30000.00", "120000.00"), ClassD, creditflow.BehaviourChange{}, nil, "250000.00",
			"7500.00", "7500.00", []string{"limit_purchases", "limit_risk"}},
		// 19,710.91 × 0.5 = 9,855.45
		{"worsening", customer("C1", "retail", 24, 400, "30000.00", "120000.00"), ClassA,
			creditflow.BehaviourChange{Detected: true, Kind: "worsening", ShiftDays: 20, ChangeDate: date(t, "2025-03-01")}, nil, "250000.00",
			"9500.00", "9500.00", []string{"limit_purchases", "limit_worsening"}},
		{"silence", customer("C1", "retail", 24, 400, "30000.00", "120000.00"), ClassB,
			creditflow.BehaviourChange{Detected: true, Kind: "silence"}, nil, "250000.00",
			"0.00", "0.00", []string{"limit_purchases", "limit_risk", "limit_silence", "over_limit"}},
		{"capped", customer("C1", "retail", 24, 400, "30000.00", "120000.00"), ClassA, creditflow.BehaviourChange{}, nil, "15000.00",
			"15000.00", "15000.00", []string{"limit_purchases", "limit_capped"}},
		{"manual override", customer("C1", "retail", 24, 400, "30000.00", "120000.00"), ClassA, creditflow.BehaviourChange{}, &manual, "250000.00",
			"19000.00", "5000.00", []string{"limit_purchases", "limit_manual"}},
		// No history: the retail starter 4,927.73 × 0.85 (class B) = 4,188.57.
		{"new customer", customer("N1", "retail", 0, 0, "0.00", "0.00"), ClassB, creditflow.BehaviourChange{}, nil, "250000.00",
			"4000.00", "4000.00", []string{"limit_starter", "limit_risk"}},
		// A segment without established customers: the book's starter,
		// a quarter of 19,710.91 = 4,927.73.
		{"new customer, unknown segment", customer("N2", "mining", 0, 0, "0.00", "0.00"), ClassA, creditflow.BehaviourChange{}, nil, "250000.00",
			"4500.00", "4500.00", []string{"limit_starter"}},
		// One invoice of 600 a month ago: own base 1,182.65 < the starter.
		{"young customer", customer("N3", "retail", 1, 30, "600.00", "600.00"), ClassA, creditflow.BehaviourChange{}, nil, "250000.00",
			"4500.00", "4500.00", []string{"limit_purchases", "limit_starter"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newLimitPolicy("EUR", money(t, c.max), established)
			rs := &creditflow.RiskScore{CustomerID: c.f.CustomerID, RiskClass: c.class, Score: 40, PSevere: 0.03, Change: c.change}
			got := p.limit(c.f, c.manual, rs)
			if got.RecommendedLimit != money(t, c.recommended) || got.CreditLimit != money(t, c.limit) {
				t.Errorf("recommended %s, limit %s; want %s, %s", got.RecommendedLimit, got.CreditLimit, c.recommended, c.limit)
			}
			if got.Available != got.CreditLimit-c.f.Exposure || got.Exposure != c.f.Exposure {
				t.Errorf("available %s, exposure %s", got.Available, got.Exposure)
			}
			if (got.ManualLimit == nil) != (c.manual == nil) || got.Currency != "EUR" || got.RiskClass != c.class || !got.AsOf.Equal(asOf.Time) {
				t.Errorf("limit %+v", got)
			}
			var codes []string
			for _, r := range got.Reasons {
				codes = append(codes, r.Code)
				if r.Text == "" || strings.Contains(r.Text, "%!") {
					t.Errorf("reason %s: text %q", r.Code, r.Text)
				}
			}
			if strings.Join(codes, ",") != strings.Join(c.codes, ",") {
				t.Errorf("reasons %v, want %v", codes, c.codes)
			}
			t.Logf("%+v", got.Reasons)
		})
	}
}

func TestLimitMoneyText(t *testing.T) {
	cases := []struct {
		in   string
		want string
	}{
		{"0.00", "EUR 0"},
		{"12.50", "EUR 12.50"},
		{"1234567.00", "EUR 1,234,567"},
		{"-1000.05", "EUR -1,000.05"},
	}
	for _, c := range cases {
		if got := present.EN.TextMoney("EUR", money(t, c.in)); got != c.want {
			t.Errorf("present.EN.TextMoney(%s) = %q, want %q", c.in, got, c.want)
		}
	}
}
