package dunning_test

import (
	"math"
	"strings"
	"testing"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/dunning"
)

func TestHandoverAdvice(t *testing.T) {
	keepModel := dunning.DefaultHandoverModel()
	keepModel.InternalRecoveryRate = 0.5
	for _, tc := range []struct {
		name     string
		claim    dunning.Claim
		pSevere  float64
		silent   bool
		model    dunning.HandoverModel
		want     string
		recovery creditflow.Money
		keep     creditflow.Money
	}{
		// 10,000 + 300 + 475 = 10,775; rate 0.55 × (1 − 0.45) × 0.6 = 0.1815
		// collects 1,955.66, less 15% = 1,662.31; keep 10,775 × 0.1 × 0.3 = 323.25.
		{"big claim, silent customer", dunning.Claim{Principal: 10_000_00, Interest: 300_00, Costs: 475_00}, 0.9, true,
			dunning.DefaultHandoverModel(), dunning.AdviseHandover, 1662_31, 323_25},
		// 60 × 0.55 × 0.75 = 24.75 collected, less the minimum fee of 50.
		{"small claim below the fee", dunning.Claim{Principal: 60_00}, 0.5, false,
			dunning.DefaultHandoverModel(), dunning.AdviseWriteOffReview, -25_25, 9_00},
		// 200 × 0.55 = 110 − 50 = 60 against 200 × 0.5 = 100.
		{"good payer, keep", dunning.Claim{Principal: 200_00}, 0, false, keepModel, dunning.AdviseKeep, 60_00, 100_00},
		{"unscored customer", dunning.Claim{Principal: 5_000_00}, math.NaN(), false,
			dunning.DefaultHandoverModel(), dunning.AdviseHandover, 1753_13, 750_00},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := dunning.HandoverAdvice(tc.claim, tc.pSevere, tc.silent, tc.model)
			if a.Action != tc.want || a.ExpectedRecovery != tc.recovery || a.ExpectedKeep != tc.keep || a.Reason == "" {
				t.Errorf("got %+v, want %s recovery %s keep %s", a, tc.want, tc.recovery, tc.keep)
			}
		})
	}
}

func TestHandoverModelValidate(t *testing.T) {
	m := dunning.DefaultHandoverModel()
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	m.AgencyFeeRate = 1.5
	if err := m.Validate(); err == nil {
		t.Fatal("fee rate 1.5 accepted")
	}
}

func TestAdviseHandovers(t *testing.T) {
	db := loadLedger(t, ledger{
		customers: "H,Handover B.V.,NL,retail,b2b,30,,,,,\n",
		invoices:  "HI,H,2025-01-01,2025-01-31,20000.00,EUR,false,\n",
	})
	// The aanmaning and the required ingebrekestelling were sent, so
	// catch-up may go on to the hand-over.
	record(t, db, dunning.NewAction{CustomerID: "H", Type: dunning.LetterSent, Step: "aanmaning", ActionDate: day(t, "2025-03-02")})
	record(t, db, dunning.NewAction{CustomerID: "H", Type: dunning.LetterSent, Step: "ingebrekestelling", ActionDate: day(t, "2025-04-10")})
	asOf := day(t, "2025-05-01")
	opt := dunning.Options{Policy: dunning.DefaultPolicy(), Risk: func(string) (float64, bool) { return 0.9, true }}
	w, err := dunning.ComputeWorklist(t.Context(), db, asOf, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Tasks) != 1 || w.Tasks[0].Step != "handover" {
		t.Fatalf("tasks %+v", w.Tasks)
	}
	if err := dunning.AdviseHandovers(t.Context(), db, &w, opt, dunning.DefaultHandoverModel()); err != nil {
		t.Fatal(err)
	}
	if r := w.Tasks[0].Reason; !strings.Contains(r, "hand over: claim") || !strings.Contains(r, "silent customer") {
		t.Errorf("reason %q", r)
	}
}
