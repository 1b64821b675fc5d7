package web_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/dunning"
)

// The small ledger's worklist on 2025-03-01 (see TestWorklistPage): C2
// (Jan Jansen, collector Piet) 80.25 overdue, first; C1 (Bakkerij de Vries,
// collector Anna) 30.50.

// TestWorklistFiltersAndPages checks each filter of the worklist page, the
// pages and the links between them, which keep the filters and the date.
func TestWorklistFiltersAndPages(t *testing.T) {
	db := ledgerTestDB(t)
	sendFourteenDayLetter(t, db)
	srv, tok := serveTestDB(t, db)
	viewer, _ := loginSession(t, srv.URL, tok.viewer)
	get := func(t *testing.T, path string, header ...string) (apiResponse, string) {
		t.Helper()
		req := newRequest(t, http.MethodGet, srv.URL+path, "", nil, "")
		req.AddCookie(viewer)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp := do(t, req)
		if resp.status != http.StatusOK {
			t.Fatalf("GET %s: %d: %s", path, resp.status, resp.body)
		}
		return resp, string(resp.body)
	}

	t.Run("filters", func(t *testing.T) {
		cases := []struct {
			name, query string
			want        []string
		}{
			{"collector", "&owner=Anna", []string{"C1"}},
			{"collector in any case", "&owner=piet", []string{"C2"}},
			{"without a collector", "&owner=-", nil},
			{"minimum", "&min=50", []string{"C2"}},
			{"maximum", "&max=50", []string{"C1"}},
			{"range with a decimal comma", "&min=30,50&max=30,50", []string{"C1"}},
			{"range in cents", "&min=30.51&max=80.25", []string{"C2"}},
			{"customer name", "&customer=jansen", []string{"C2"}},
			{"customer number", "&customer=c1", []string{"C1"}},
			{"step", "&step=second_reminder", []string{"C1"}},
			{"collector and amount", "&owner=Anna&min=50", nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				resp, body := get(t, "/worklist?as_of=2025-03-01"+c.query)
				if got := worklistCustomers(resp.body); !slices.Equal(got, c.want) {
					t.Errorf("rows %v, want %v", got, c.want)
				}
				if len(c.want) == 0 && !strings.Contains(body, "No dunning tasks due with these filters") {
					t.Error("no rows, but no message saying so")
				}
				if !strings.Contains(body, "Clear filters") {
					t.Error("a filtered page without the link that clears the filters")
				}
			})
		}
	})

	t.Run("risk classes", func(t *testing.T) {
		// Every scored task is in one class: the classes part the list.
		var seen []string
		for _, c := range []string{"A", "B", "C", "D", "E"} {
			resp, _ := get(t, "/worklist?as_of=2025-03-01&class="+c)
			seen = append(seen, worklistCustomers(resp.body)...)
		}
		slices.Sort(seen)
		if !slices.Equal(seen, []string{"C1", "C2"}) {
			t.Errorf("the classes A–E together hold %v, want [C1 C2] once each", seen)
		}
	})

	t.Run("a bad amount is left out and said so", func(t *testing.T) {
		resp, body := get(t, "/worklist?as_of=2025-03-01&min=lots")
		if got := worklistCustomers(resp.body); len(got) != 2 {
			t.Errorf("rows %v, want both tasks", got)
		}
		if !strings.Contains(body, "Filter left out") || !strings.Contains(body, "lots") {
			t.Error("the page does not say the amount filter was left out")
		}
	})

	t.Run("pages", func(t *testing.T) {
		resp, body := get(t, "/worklist?as_of=2025-03-01&per=1&channel=")
		if got := worklistCustomers(resp.body); !slices.Equal(got, []string{"C2"}) {
			t.Errorf("page 1: rows %v, want [C2]", got)
		}
		if !strings.Contains(body, "Tasks 1–1 of 2") {
			t.Error("page 1 does not say which tasks it shows")
		}
		next := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(body)
		if next == nil {
			t.Fatal("page 1 has no link to the next page")
		}
		href := strings.ReplaceAll(next[1], "&amp;", "&")
		for _, want := range []string{"as_of=2025-03-01", "page=2", "per=1"} {
			if !strings.Contains(href, want) {
				t.Errorf("next link %q lacks %q", href, want)
			}
		}
		resp, body = get(t, href)
		if got := worklistCustomers(resp.body); !slices.Equal(got, []string{"C1"}) {
			t.Errorf("page 2: rows %v, want [C1]", got)
		}
		if !strings.Contains(body, `rel="prev"`) || strings.Contains(body, `rel="next"`) {
			t.Error("the last page should link back and not on")
		}
		if !strings.Contains(body, `<td class="num rank" data-label="Rank">2</td>`) {
			t.Error("the task on page 2 does not show its rank 2 on the whole list")
		}
		// A page past the end shows the last one; filters stay in the links.
		resp, body = get(t, "/worklist?as_of=2025-03-01&per=1&page=99&owner=Anna")
		if got := worklistCustomers(resp.body); !slices.Equal(got, []string{"C1"}) {
			t.Errorf("page 99 of one: rows %v, want [C1]", got)
		}
		if !strings.Contains(body, "/api/dunning/worklist?as_of=2025-03-01&amp;format=csv&amp;owner=Anna") {
			t.Error("the CSV link does not keep the date and the filters")
		}
	})

	t.Run("Dutch", func(t *testing.T) {
		_, body := get(t, "/worklist?as_of=2025-03-01", "Accept-Language", "nl-NL,nl;q=0.9")
		for _, want := range []string{
			"Werklijst debiteurenbeheer op 1 maart 2025", "tweede herinnering met rekeningoverzicht", "aanmaning",
			"€ 30,50", "€ 80,25", "Exporteer", "Debiteurenbeheerder", "Rang", "Alle stappen",
			"2 taken met 2 facturen: € 110,75 achterstallig",
			"oudste factuur 41 dagen over de vervaldatum (1 factuur, € 80,25 achterstallig)",
		} {
			if want == "Exporteer" {
				want = "De gefilterde lijst exporteren"
			}
			if !strings.Contains(body, want) {
				t.Errorf("Dutch page lacks %q", want)
			}
		}
		checkNoCodes(t, body)
	})
	t.Run("English has no codes either", func(t *testing.T) {
		_, body := get(t, "/worklist?as_of=2025-03-01")
		checkNoCodes(t, body)
		if !strings.Contains(body, "oldest overdue invoice 41 days past due (1 invoice, EUR 80.25 overdue)") {
			t.Error("the English reason is not written for people")
		}
	})
}

// visibleText is the text of a page without its scripts, tags and
// attributes.
func visibleText(body string) string {
	body = regexp.MustCompile(`(?s)<script.*?</script>`).ReplaceAllString(body, " ")
	body = regexp.MustCompile(`(?s)<option value="[^"]*"`).ReplaceAllString(body, "<option")
	return regexp.MustCompile(`(?s)<[^>]*>`).ReplaceAllString(body, " ")
}

// checkNoCodes fails when the page shows a code (friendly_reminder,
// promise_to_pay) or a negative number.
func checkNoCodes(t *testing.T, body string) {
	t.Helper()
	text := visibleText(body)
	if codes := regexp.MustCompile(`\b[a-z]+_[a-z_]+\b`).FindAllString(text, -1); len(codes) > 0 {
		t.Errorf("the page shows codes %v", codes)
	}
	if strings.Contains(text, "−") {
		t.Error("the page shows a negative number")
	}
}

// TestWorklistExports reads the CSV and XLSX exports back: every task the
// filters keep, in the language asked, with totals equal to the sum of
// the tasks to the cent, and the same tasks as the JSON answer.
func TestWorklistExports(t *testing.T) {
	db := ledgerTestDB(t)
	sendFourteenDayLetter(t, db)
	srv, tok := serveTestDB(t, db)
	get := func(t *testing.T, path, lang string) apiResponse {
		t.Helper()
		req := newRequest(t, http.MethodGet, srv.URL+path, tok.viewer, nil, "")
		if lang != "" {
			req.Header.Set("Accept-Language", lang)
		}
		return do(t, req)
	}
	// want is what the JSON answer says of the same filters.
	want := func(t *testing.T, filters string) (ids []string, total creditflow.Money) {
		t.Helper()
		var w dunning.Worklist
		getJSON(t, srv.URL+"/api/dunning/worklist?as_of=2025-03-01&limit=100"+filters, tok.viewer, &w)
		for _, task := range w.Tasks {
			ids = append(ids, task.CustomerID)
			total += task.AmountOverdue
			if task.ReasonText == "" {
				t.Errorf("task %s has no reason_text", task.CustomerID)
			}
		}
		return ids, total
	}
	cases := []struct {
		name, filters, lang string
		wantIDs             []string
	}{
		{"all in English", "", "", []string{"C2", "C1"}},
		{"all in Dutch", "", "nl", []string{"C2", "C1"}},
		{"a collector in Dutch", "&owner=Anna", "nl", []string{"C1"}},
		{"an amount", "&min=50", "en", []string{"C2"}},
		{"nothing", "&customer=nobody", "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ids, total := want(t, c.filters)
			if !slices.Equal(ids, c.wantIDs) {
				t.Fatalf("JSON tasks %v, want %v", ids, c.wantIDs)
			}
			dutch := c.lang == "nl"

			resp := get(t, "/api/dunning/worklist?as_of=2025-03-01&format=csv"+c.filters, c.lang)
			if resp.status != http.StatusOK || !strings.HasPrefix(resp.header.Get("Content-Type"), "text/csv") {
				t.Fatalf("CSV: %d %s: %s", resp.status, resp.header.Get("Content-Type"), resp.body)
			}
			name := "worklist-2025-03-01.csv"
			if dutch {
				name = "werklijst-2025-03-01.csv"
			}
			if cd := resp.header.Get("Content-Disposition"); !strings.Contains(cd, name) {
				t.Errorf("CSV Content-Disposition %q, want %s", cd, name)
			}
			body, ok := bytes.CutPrefix(resp.body, []byte("\ufeff"))
			if !ok {
				t.Error("CSV without a byte order mark")
			}
			r := csv.NewReader(bytes.NewReader(body))
			if dutch {
				r.Comma = ';'
			}
			rows, err := r.ReadAll()
			if err != nil {
				t.Fatalf("read CSV: %v\n%s", err, body)
			}
			xrows := readXLSX(t, get(t, "/api/dunning/worklist?as_of=2025-03-01&format=xlsx"+c.filters, c.lang))
			for _, f := range []struct {
				what  string
				rows  [][]string
				money func(string) (creditflow.Money, error)
			}{
				{"CSV", rows, func(s string) (creditflow.Money, error) {
					if dutch {
						if strings.Contains(s, ".") {
							t.Errorf("Dutch CSV amount %q has a point", s)
						}
						s = strings.Replace(s, ",", ".", 1)
					}
					return creditflow.ParseMoney(s)
				}},
				{"XLSX", xrows, creditflow.ParseMoney},
			} {
				checkExport(t, f.what, f.rows, f.money, dutch, c.wantIDs, total)
			}
		})
	}

	t.Run("bad requests", func(t *testing.T) {
		for _, path := range []string{"format=pdf", "format=csv&min=lots", "max=1.2.3,4,5x"} {
			resp := get(t, "/api/dunning/worklist?as_of=2025-03-01&"+path, "")
			checkJSONError(t, path, resp, http.StatusBadRequest)
		}
	})
}

// readXLSX reads the only sheet of an XLSX answer, cells as stored.
func readXLSX(t *testing.T, resp apiResponse) [][]string {
	t.Helper()
	if resp.status != http.StatusOK || !strings.Contains(resp.header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("XLSX: %d %s: %s", resp.status, resp.header.Get("Content-Type"), resp.body)
	}
	f, err := excelize.OpenReader(bytes.NewReader(resp.body))
	if err != nil {
		t.Fatalf("open XLSX: %v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 1 {
		t.Fatalf("XLSX sheets %v, want one", sheets)
	}
	rows, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// checkExport checks the rows of an export: the heads in the language,
// the customers wantIDs in order, and the amounts overdue, which add up to
// the totals row and to total exactly.
func checkExport(t *testing.T, what string, rows [][]string, money func(string) (creditflow.Money, error), dutch bool, wantIDs []string, total creditflow.Money) {
	t.Helper()
	if len(rows) != len(wantIDs)+2 {
		t.Fatalf("%s: %d rows, want the heads, %d tasks and the totals: %q", what, len(rows), len(wantIDs), rows)
	}
	heads := rows[0]
	customer, overdue, step := slices.Index(heads, "Customer number"), slices.Index(heads, "Overdue (EUR)"), slices.Index(heads, "Step")
	if dutch {
		customer, overdue, step = slices.Index(heads, "Debiteurnummer"), slices.Index(heads, "Achterstallig (EUR)"), slices.Index(heads, "Stap")
	}
	if customer < 0 || overdue < 0 || step < 0 {
		t.Fatalf("%s heads %q (Dutch %v)", what, heads, dutch)
	}
	var sum creditflow.Money
	for i, id := range wantIDs {
		row := rows[i+1]
		if row[customer] != id {
			t.Errorf("%s row %d: customer %q, want %q", what, i+1, row[customer], id)
		}
		if strings.Contains(row[step], "_") {
			t.Errorf("%s row %d: step %q is a code", what, i+1, row[step])
		}
		m, err := money(row[overdue])
		if err != nil {
			t.Fatalf("%s row %d: overdue %q: %v", what, i+1, row[overdue], err)
		}
		sum += m
	}
	last := rows[len(rows)-1]
	got, err := money(last[overdue])
	if err != nil {
		t.Fatalf("%s totals row %q: %v", what, last, err)
	}
	if got != total || sum != total {
		t.Errorf("%s: totals row %s, rows add up to %s; the filtered tasks to %s", what, got, sum, total)
	}
	if !strings.HasPrefix(strings.Join(last, ""), map[bool]string{false: "Total of", true: "Totaal van"}[dutch]) {
		t.Errorf("%s: last row %q is not the totals", what, last)
	}
}
