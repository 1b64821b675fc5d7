package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/bank"
	"github.com/creditflow/creditflow/demo"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/ingest"
	"github.com/creditflow/creditflow/store/storetest"
	"github.com/creditflow/creditflow/web"
)

// speedNow is the clock of the page-speed benchmark: the demo ledger ends
// on its day.
var speedNow = time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)

// BenchmarkPageSpeed serves the default demo ledger (500 customers, 50,000
// invoices, three months of bank statements, as `creditflow serve --demo`
// loads it) and times every page and API call over HTTP: after the
// warm-up, right after a recorded dunning action, and right after a
// payment booked by hand. It reports the 95th percentile of each phase in
// milliseconds and prints every call's time. The first phase, cold, is
// the first view of every page right after start-up: the warm-up has just
// begun and nothing is computed yet. Run it once:
//
//	go test -run '^$' -bench PageSpeed -benchtime 1x ./web/
func BenchmarkPageSpeed(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	cfg := demo.DefaultConfig(speedNow)
	cfg.Statements, cfg.StatementMonths = true, 3
	if _, err := demo.Generate(ctx, dir, cfg); err != nil {
		b.Fatal(err)
	}
	paths := []string{filepath.Join(dir, demo.CustomersFile), filepath.Join(dir, demo.InvoicesFile),
		filepath.Join(dir, demo.PaymentsFile), filepath.Join(dir, demo.CustomerAccountsFile)}
	statements, err := filepath.Glob(filepath.Join(dir, demo.StatementsDir, "*"))
	if err != nil {
		b.Fatal(err)
	}
	db := storetest.MustOpen(b)
	now := func() time.Time { return speedNow }
	a := app.New(app.Config{DB: db, Now: now, Logger: slog.New(slog.DiscardHandler)})
	if _, err := a.Ingest(ctx, append(paths, statements...), ingest.Options{Actor: "bench"}); err != nil {
		b.Fatal(err)
	}
	token, err := app.CreateToken(ctx, db, creditflow.RoleAdmin, "bench", speedNow)
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(web.New(web.Config{App: a, Now: now, Logger: slog.New(slog.DiscardHandler)}))
	defer srv.Close()
	asOf := creditflow.NewDate(speedNow)
	c := speedClient{b: b, base: srv.URL, token: token}
	c.login()
	// The first customer of the worklist, read from the ledger before the
	// server starts so that the cold phase finds nothing computed.
	first, err := dunning.ComputeWorklist(ctx, db, asOf, dunning.Options{Policy: a.Policy()})
	if err != nil {
		b.Fatal(err)
	}
	if len(first.Tasks) == 0 {
		b.Fatal("the demo has no task")
	}
	customer := url.PathEscape(first.Tasks[0].CustomerID)
	calls := []string{"/today", "/", "/risk", "/forecast", "/worklist", "/unmatched", "/customers/" + customer,
		"/api/kpis", "/api/aging", "/api/aging?group=customer", "/api/stats", "/api/customers", "/api/alerts",
		"/api/forecast", "/api/dunning/worklist", "/api/unmatched", "/api/open-items",
		"/api/customers/" + customer, "/api/customers/" + customer + "/dossier", "/api/customers/" + customer + "/credit-limit", "/api/today"}

	phase := func(name string, rounds int) {
		var all []time.Duration
		for r := range rounds {
			for _, call := range calls {
				d := c.get(call)
				all = append(all, d)
				fmt.Printf("%-14s round %d %-55s %7.1f ms\n", name, r+1, call, ms(d))
			}
		}
		slices.Sort(all)
		p95 := all[(len(all)*95+99)/100-1]
		fmt.Printf("%-14s p95 %.1f ms, max %.1f ms over %d calls\n", name, ms(p95), ms(all[len(all)-1]), len(all))
		b.ReportMetric(ms(p95), "p95-ms-"+name)
	}
	start := time.Now()
	stop := a.Warm(ctx)
	defer stop()
	phase("cold", 1)
	if err := a.WarmUp(ctx, asOf); err != nil {
		b.Fatal(err)
	}
	fmt.Printf("warm-up done %.1f s after start-up\n", time.Since(start).Seconds())
	var wl dunning.Worklist
	c.getJSON("/api/dunning/worklist?limit=1", &wl)
	if len(wl.Tasks) == 0 {
		b.Fatal("the demo has no task")
	}

	b.ResetTimer()
	for b.Loop() {
		phase("warm", 5)

		// A promise to pay from the first customer of the worklist.
		amount := wl.Tasks[0].AmountOverdue
		body, _ := json.Marshal(dunning.NewAction{CustomerID: wl.Tasks[0].CustomerID, Type: dunning.PromiseToPay,
			PromiseDate: asOf.AddDays(7), Amount: &amount})
		c.post("/api/actions", body, http.StatusCreated)
		phase("after-action", 2)

		// A bank credit booked by hand on its best candidate.
		var queue bank.UnmatchedPage
		c.getJSON("/api/unmatched?limit=100", &queue)
		i := slices.IndexFunc(queue.Items, func(t bank.UnmatchedTransaction) bool { return t.Amount > 0 && len(t.Candidates) > 0 })
		if i < 0 {
			b.Fatal("no unmatched credit with a candidate")
		}
		tx := queue.Items[i]
		c.post(fmt.Sprintf("/api/unmatched/%d/match", tx.ID), []byte(`{"customer_id":"`+tx.Candidates[0].CustomerID+`"}`), http.StatusOK)
		fmt.Printf("booked transaction %d of %s for %s\n", tx.ID, tx.BookingDate, tx.Candidates[0].CustomerID)
		phase("after-match", 2)
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// speedClient calls the server as a logged-in person would.
type speedClient struct {
	b      *testing.B
	base   string
	token  string
	client *http.Client
}

func (c *speedClient) login() {
	jar, _ := cookiejar.New(nil)
	c.client = &http.Client{Jar: jar}
	resp, err := c.client.PostForm(c.base+"/login", url.Values{"token": {c.token}})
	if err != nil {
		c.b.Fatal(err)
	}
	resp.Body.Close()
}

// get fetches path and returns how long the whole answer took.
func (c *speedClient) get(path string) time.Duration {
	start := time.Now()
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	if strings.HasPrefix(path, "/api/") {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		c.b.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		c.b.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		c.b.Fatalf("GET %s: %d", path, resp.StatusCode)
	}
	return time.Since(start)
}

func (c *speedClient) getJSON(path string, v any) {
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.client.Do(req)
	if err != nil {
		c.b.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		c.b.Fatalf("GET %s: %v", path, err)
	}
}

func (c *speedClient) post(path string, body []byte, want int) {
	req, _ := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(string(body)))
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		c.b.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		msg, _ := io.ReadAll(resp.Body)
		c.b.Fatalf("POST %s: %d %s", path, resp.StatusCode, msg)
	}
}
