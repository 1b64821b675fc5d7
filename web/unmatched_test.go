package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/creditflow/creditflow/bank"
	"github.com/creditflow/creditflow/bank/match"
	"github.com/creditflow/creditflow/ingest"
)

// unmatchedStatement is a camt.053 with two credits nobody can place by
// reference: one from a payer named like customer C2, one from a stranger.
func unmatchedStatement() string {
	entry := func(ref, date, amount, name, iban, text string) string {
		return `<Ntry><Amt Ccy="EUR">` + amount + `</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>` + date + `</Dt></BookgDt><ValDt><Dt>` + date + `</Dt></ValDt><AcctSvcrRef>` + ref + `</AcctSvcrRef>
<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>` + name + `</Nm></Dbtr><DbtrAcct><Id><IBAN>` + iban + `</IBAN></Id></DbtrAcct></RltdPties>
<RmtInf><Ustrd>` + text + `</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`
	}
	return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>M1</MsgId><CreDtTm>2025-02-27T10:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><CreDtTm>2025-02-27T10:00:00</CreDtTm><Acct><Id><IBAN>` + match.IBAN("NL", "RABO0300000001") + `</IBAN></Id></Acct>
` + entry("U1", "2025-02-25", "30.00", "J Jansen", match.IBAN("NL", "SNSB0911111111"), "termijn") + `
` + entry("U2", "2025-02-26", "999.99", "Onbekend BV", match.IBAN("NL", "TRIO0222222222"), "diverse") + `
</Stmt></BkToCstmrStmt></Document>
`
}

// unmatchedAnswer is GET /api/unmatched.
type unmatchedAnswer struct {
	Total int64                       `json:"total"`
	Limit int                         `json:"limit"`
	Items []bank.UnmatchedTransaction `json:"items"`
}

func TestAPIUnmatched(t *testing.T) {
	db := ledgerTestDB(t)
	p := filepath.Join(t.TempDir(), "statement.xml")
	if err := os.WriteFile(p, []byte(unmatchedStatement()), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := ingest.Files(context.Background(), db, []string{p}, ingest.Options{Now: func() time.Time { return apiNow }, Statements: bank.BookStatements})
	if err != nil {
		t.Fatal(err)
	}
	if res.Statements == nil || res.Statements.Unmatched != 2 {
		t.Fatalf("statement result %+v, want 2 unmatched", res.Statements)
	}
	srv, tok := serveTestDB(t, db)

	var page unmatchedAnswer
	getJSON(t, srv.URL+"/api/unmatched?limit=10", tok.viewer, &page)
	if page.Total != 2 || len(page.Items) != 2 || page.Limit != 10 {
		t.Fatalf("unmatched = %+v", page)
	}
	first := page.Items[0]
	if first.Amount != 3000 || first.CounterName != "J Jansen" || first.BookingDate.String() != "2025-02-25" {
		t.Errorf("first item = %+v", first)
	}
	// The payer's name is close to customer C2's: C2 is a candidate.
	found := false
	for _, c := range first.Candidates {
		if c.CustomerID == "C2" && c.CustomerName == "Jan Jansen" {
			found = true
		}
	}
	if !found {
		t.Errorf("candidates of %s = %+v, want C2 Jan Jansen among them", first.CounterName, first.Candidates)
	}
	getJSON(t, srv.URL+"/api/unmatched?limit=1&offset=1", tok.viewer, &page)
	if page.Total != 2 || len(page.Items) != 1 || page.Items[0].CounterName != "Onbekend BV" {
		t.Errorf("second page = %+v", page)
	}

	post := func(path, token, body string) apiResponse {
		return do(t, newRequest(t, http.MethodPost, srv.URL+path, token, []byte(body), "application/json"))
	}
	matchPath := fmt.Sprintf("/api/unmatched/%d/match", first.ID)
	for _, tt := range []struct {
		what, path, token, body string
		status                  int
	}{
		{"no token", matchPath, "", `{"customer_id":"C2"}`, http.StatusUnauthorized},
		{"viewer", matchPath, tok.viewer, `{"customer_id":"C2"}`, http.StatusForbidden},
		{"bad id", "/api/unmatched/x/match", tok.collector, `{"customer_id":"C2"}`, http.StatusBadRequest},
		{"unknown id", "/api/unmatched/999/match", tok.collector, `{"customer_id":"C2"}`, http.StatusNotFound},
		{"bad JSON", matchPath, tok.collector, `{"customer":"C2"}`, http.StatusBadRequest},
		{"unknown customer", matchPath, tok.collector, `{"customer_id":"C9"}`, http.StatusBadRequest},
		{"invoice of another customer", matchPath, tok.collector, `{"customer_id":"C2","invoice_ids":["I1"]}`, http.StatusBadRequest},
	} {
		checkJSONError(t, tt.what, post(tt.path, tt.token, tt.body), tt.status)
	}
	if st := ledgerStats(t, srv.URL, tok.viewer); st.Unmatched != 2 || st.StatementCredits != 2 {
		t.Errorf("stats before the match: %+v", st)
	}
	resp := post(matchPath, tok.collector, `{"customer_id":"C2","invoice_ids":["I3"]}`)
	if resp.status != http.StatusOK {
		t.Fatalf("match: %d %s", resp.status, resp.body)
	}
	var mr bank.ManualMatchResult
	if err := json.Unmarshal(resp.body, &mr); err != nil || mr.PaymentID == "" || mr.LearnedIBAN != first.CounterIBAN {
		t.Errorf("match result %s (%v)", resp.body, err)
	}
	checkJSONError(t, "matched twice", post(matchPath, tok.collector, `{"customer_id":"C2"}`), http.StatusConflict)
	if st := ledgerStats(t, srv.URL, tok.viewer); st.Unmatched != 1 || st.StatementCredits != 2 || st.Payments != 5 {
		t.Errorf("stats after the match: %+v", st)
	}
	getJSON(t, srv.URL+"/api/unmatched", tok.viewer, &page)
	if page.Total != 1 || len(page.Items) != 1 {
		t.Errorf("after the match: %+v", page)
	}
	checkJSONError(t, "limit too big", do(t, newRequest(t, http.MethodGet, srv.URL+"/api/unmatched?limit=501", tok.viewer, nil, "")), http.StatusBadRequest)
}

func TestAPIUploadStatement(t *testing.T) {
	srv, tok := serveTestDB(t, ledgerTestDB(t))
	statement := []upload{{"afschrift.xml", unmatchedStatement()}}

	body, ct := multipartBody(t, statement, map[string]string{"match_threshold": "1.5"})
	checkJSONError(t, "threshold above 1", do(t, newRequest(t, http.MethodPost, srv.URL+"/api/ingest", tok.admin, body, ct)), http.StatusBadRequest)

	body, ct = multipartBody(t, statement, map[string]string{"match_threshold": "0.99"})
	resp := do(t, newRequest(t, http.MethodPost, srv.URL+"/api/ingest", tok.admin, body, ct))
	if resp.status != http.StatusOK {
		t.Fatalf("upload: %d %s", resp.status, resp.body)
	}
	var res ingest.Result
	if err := json.Unmarshal(resp.body, &res); err != nil {
		t.Fatal(err)
	}
	if res.Statements == nil || res.Statements.Transactions != 2 || res.Files[0].Kind != ingest.BankStatements {
		t.Errorf("upload result %s", resp.body)
	}
	if st := ledgerStats(t, srv.URL, tok.viewer); st.StatementCredits != 2 || st.Unmatched != 2 {
		t.Errorf("stats after the upload: %+v", st)
	}
}
