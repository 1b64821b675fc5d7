package bank

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/creditflow/creditflow/store"
)

// MatchingReport compares the bank transactions in the database with the
// truth of a generated ledger (statement_truth.csv of creditflow demo).
type MatchingReport struct {
	Credits int `json:"credits"` // incoming credits in the truth file found in the database
	// Auto counts the credits booked automatically; AutoShare is Auto/Credits.
	Auto      int     `json:"auto_matched"`
	AutoShare float64 `json:"auto_share"`
	// Right counts automatic matches with the right customer and, where
	// both name invoices, the right invoices; Wrong the others.
	Right int `json:"right"`
	Wrong int `json:"wrong"`
	// WrongCustomer counts the wrong matches booked to another customer
	// (the others went to the right customer, another of its invoices).
	WrongCustomer int `json:"wrong_customer"`
	// OnAccount counts automatic matches booked to the right customer
	// without invoices (allocated oldest first); Incomplete those booked to
	// some of the right invoices, the rest of the money on account.
	OnAccount  int `json:"on_account"`
	Incomplete int `json:"incomplete"`
	Unmatched  int `json:"unmatched"`
	// Returns counts returned direct debits; ReturnsBooked those booked to
	// the right customer, ReturnsWrong to another.
	Returns       int `json:"returns"`
	ReturnsBooked int `json:"returns_booked"`
	ReturnsWrong  int `json:"returns_wrong"`
	// Missing counts truth rows not in the database.
	Missing int `json:"missing"`
	// ByRule and ByNoise break the automatic matches down.
	ByRule  map[string]*RuleCount `json:"by_rule"`
	ByNoise map[string]*RuleCount `json:"by_noise"`
	// Examples lists up to 20 wrong matches.
	Examples []string `json:"wrong_examples"`
	// Thresholds estimates, from the stored confidences, what other
	// thresholds would have given (ignoring that a match changes what is
	// open for the next ones).
	Thresholds []ThresholdCount `json:"thresholds"`
}

// ThresholdCount is the automatic share and the wrong matches at a threshold.
type ThresholdCount struct {
	Threshold     float64 `json:"threshold"`
	AutoShare     float64 `json:"auto_share"`
	Wrong         int     `json:"wrong"`
	WrongCustomer int     `json:"wrong_customer"`
}

// reportThresholds are the thresholds the report estimates.
var reportThresholds = []float64{0.8, 0.85, 0.9, 0.95, 0.98}

// RuleCount counts the credits of one rule or noise tag.
type RuleCount struct {
	Credits   int `json:"credits"`
	Auto      int `json:"auto"`
	Wrong     int `json:"wrong"`
	Unmatched int `json:"unmatched"`
}

// EvaluateMatching reads the truth file and compares.
func EvaluateMatching(ctx context.Context, db *store.DB, truthPath string) (MatchingReport, error) {
	rep := MatchingReport{ByRule: map[string]*RuleCount{}, ByNoise: map[string]*RuleCount{}}
	type stored struct {
		status, customer, invoices, rule string
		confidence                       float64
	}
	got := map[string]stored{}
	err := store.EachRow(ctx, db, store.Query("bank_matching_stored"), func(r *sql.Rows) error {
		var acct, id string
		var s stored
		if err := r.Scan(&acct, &id, &s.status, &s.customer, &s.invoices, &s.rule, &s.confidence); err != nil {
			return err
		}
		got[acct+"\x00"+id] = s
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("evaluate matching: %w", err)
	}
	f, err := os.Open(truthPath)
	if err != nil {
		return rep, fmt.Errorf("evaluate matching: %w", err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	header, err := cr.Read()
	if err != nil {
		return rep, fmt.Errorf("evaluate matching: %s: %w", truthPath, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for _, need := range []string{"transaction_id", "account", "customer_id", "invoice_ids", "kind", "noise"} {
		if _, ok := col[need]; !ok {
			return rep, fmt.Errorf("evaluate matching: %s: no column %s", truthPath, need)
		}
	}
	sweep := make([]ThresholdCount, len(reportThresholds))
	autoAt := make([]int, len(reportThresholds))
	for i, th := range reportThresholds {
		sweep[i].Threshold = th
	}
	count := func(m map[string]*RuleCount, k string) *RuleCount {
		if m[k] == nil {
			m[k] = &RuleCount{}
		}
		return m[k]
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return rep, fmt.Errorf("evaluate matching: %s: %w", truthPath, err)
		}
		kind := rec[col["kind"]]
		if kind != "credit" && kind != "returned_direct_debit" {
			continue
		}
		s, ok := got[rec[col["account"]]+"\x00"+rec[col["transaction_id"]]]
		if !ok {
			rep.Missing++
			continue
		}
		wantCustomer := rec[col["customer_id"]]
		wantInvoices := strings.Fields(rec[col["invoice_ids"]])
		if kind == "returned_direct_debit" {
			rep.Returns++
			if s.status == statusReturned || (s.status == statusMatched && s.rule != "") {
				if s.customer == wantCustomer {
					rep.ReturnsBooked++
				} else {
					rep.ReturnsWrong++
				}
			}
			continue
		}
		rep.Credits++
		noises := strings.Split(rec[col["noise"]], ";")
		if rec[col["noise"]] == "" {
			noises = []string{"none"}
		}
		for _, n := range noises {
			count(rep.ByNoise, n).Credits++
		}
		if s.status != statusMatched {
			rep.Unmatched++
			for _, n := range noises {
				count(rep.ByNoise, n).Unmatched++
			}
			continue
		}
		rep.Auto++
		rc := count(rep.ByRule, s.rule)
		rc.Credits++
		rc.Auto++
		for _, n := range noises {
			count(rep.ByNoise, n).Auto++
		}
		// Wrong: another customer, or an invoice the payment was not for.
		gotInvoices := strings.Fields(s.invoices)
		wrong := s.customer != wantCustomer
		incomplete := false
		if !wrong && len(gotInvoices) > 0 && len(wantInvoices) > 0 {
			for _, inv := range gotInvoices {
				if !slices.Contains(wantInvoices, inv) {
					wrong = true
				}
			}
			incomplete = !wrong && len(gotInvoices) < len(wantInvoices)
		}
		for i, th := range reportThresholds {
			if s.confidence >= th-1e-9 {
				autoAt[i]++
				if wrong {
					sweep[i].Wrong++
					if s.customer != wantCustomer {
						sweep[i].WrongCustomer++
					}
				}
			}
		}
		switch {
		case wrong:
			rep.Wrong++
			if s.customer != wantCustomer {
				rep.WrongCustomer++
			}
			rc.Wrong++
			for _, n := range noises {
				count(rep.ByNoise, n).Wrong++
			}
			if len(rep.Examples) < 20 {
				rep.Examples = append(rep.Examples, fmt.Sprintf("%s: booked %s %v by %s; truth %s %v (noise %s)",
					rec[col["transaction_id"]], s.customer, gotInvoices, s.rule, wantCustomer, wantInvoices, rec[col["noise"]]))
			}
		case len(gotInvoices) == 0:
			rep.OnAccount++
			rep.Right++
		case incomplete:
			rep.Incomplete++
			rep.Right++
		default:
			rep.Right++
		}
	}
	if rep.Credits > 0 {
		rep.AutoShare = float64(rep.Auto) / float64(rep.Credits)
		for i := range sweep {
			sweep[i].AutoShare = float64(autoAt[i]) / float64(rep.Credits)
		}
	}
	rep.Thresholds = sweep
	return rep, nil
}
