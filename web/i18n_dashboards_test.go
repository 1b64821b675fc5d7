package web_test

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// codeIdentifier is a word of a program shown to a person: friendly_reminder,
// promise_to_pay, open_items.
var codeIdentifier = regexp.MustCompile(`\b[a-z]+_[a-z_]+\b`)

// readableText is the text of a page that a person reads: its text outside
// scripts and styles, and its title, placeholder and aria-label attributes.
func readableText(t *testing.T, page string) string {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(page))
	var b strings.Builder
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				t.Fatalf("parse page: %v", z.Err())
			}
			return b.String()
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if n := string(name); n == "script" || n == "style" {
				skip++
			}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				switch string(k) {
				case "title", "placeholder", "aria-label", "data-label":
					b.WriteString(" " + string(v) + " ")
				}
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "script" || string(name) == "style" {
				skip--
			}
		case html.TextToken:
			if skip == 0 {
				b.WriteString(html.UnescapeString(string(z.Text())) + " ")
			}
		}
	}
}

// checkNoCodeIdentifiers fails on words of a program in the visible text.
func checkNoCodeIdentifiers(t *testing.T, what, text string) {
	t.Helper()
	if ids := codeIdentifier.FindAllString(text, 10); len(ids) > 0 {
		t.Errorf("%s shows code identifiers %q", what, ids)
	}
}

// TestDashboardsInDutch gets the overview, the risk page, the forecast and
// the upload page with a Dutch browser: Dutch words and formats, none of a
// sample of their English phrases, and no code identifier on the screen.
// The same pages in English say none of the Dutch phrases.
func TestDashboardsInDutch(t *testing.T) {
	srv, tok := startRiskServer(t)
	cookie, _ := loginSession(t, srv.URL, tok.admin)
	get := func(t *testing.T, path, lang string) string {
		t.Helper()
		req := newRequest(t, http.MethodGet, srv.URL+path, "", nil, "")
		req.AddCookie(cookie)
		req.Header.Set("Accept-Language", lang)
		resp := do(t, req)
		if resp.status != http.StatusOK {
			t.Fatalf("GET %s: %d: %.300s", path, resp.status, resp.body)
		}
		return string(resp.body)
	}
	// euroAmount is an amount as Dutch writes money: € 1.234,56.
	euroAmount := regexp.MustCompile(`€ (−)?\d{1,3}(\.\d{3})*,\d\d\b`)
	tests := []struct {
		name, path       string
		dutch, english   []string // phrases of the page in each language
		formats          []*regexp.Regexp
		notDutch, notAny []string // not in the Dutch page; in neither page
	}{
		{name: "overview", path: "/?as_of=" + riskAsOf,
			dutch: []string{"<title>Overzicht debiteuren · 30 juni 2025 · creditflow</title>", "Debiteuren per 30 juni 2025",
				"Openstaande vorderingen", "Vervallen", "Niet-afgeletterd tegoed", "Best mogelijke DSO", "gemiddelde krediettermijn",
				"Ouderdom over de laatste 12 maanden", "Nog niet vervallen", "Openstaande posten, langst vervallen eerst",
				"openstaande posten", "Niet vervallen", "dagen"},
			english: []string{"<title>Receivables overview · 30 June 2025 · creditflow</title>", "Receivables on 30 June 2025",
				"Open receivables", "Unapplied credit", "Aging over the last 12 months", "Not yet due"},
			formats:  []*regexp.Regexp{euroAmount, regexp.MustCompile(`\d+,\d dagen`), regexp.MustCompile(`\d{2}-\d{2}-2025`)},
			notDutch: []string{"EUR ", "Open receivables", "Overdue", "Unapplied", "Not yet due", "days past due", "open items", "Top customers", "Aging", "'Jan", "'Jun"},
			notAny:   []string{"creditflow ·  ·"}},
		{name: "risk", path: "/risk?as_of=" + riskAsOf,
			dutch: []string{"<title>Betalingsrisico · 30 juni 2025 · creditflow</title>", "Betalingsrisico per 30 juni 2025",
				"debiteuren beoordeeld", "Openstaand saldo", "Hoog risico (klassen D–E)", "Veranderd betaalgedrag", "Boven kredietlimiet",
				"Risicoscores", "Risicoklassen door de tijd", "Klasse A", "Debiteuren met het hoogste risico", "Nieuwste signaleringen"},
			english: []string{"<title>Payment risk · 30 June 2025 · creditflow</title>", "Payment risk on 30 June 2025",
				"Riskiest customers", "Class A"},
			formats:  []*regexp.Regexp{euroAmount, regexp.MustCompile(`\d+,\d%`)},
			notDutch: []string{"EUR ", "Exposure", "customers", "Riskiest", "Newest alerts", "Class A", "worsening", "improving", "silence", "Usually paid", "Paid regularly", "days late"},
			notAny:   []string{"creditflow ·  ·"}},
		{name: "forecast", path: "/forecast?as_of=" + riskAsOf,
			dutch: []string{"<title>Liquiditeitsprognose · 30 juni 2025 · creditflow</title>", "Liquiditeitsprognose vanaf 30 juni 2025",
				"Verwacht in 13 weken", "Uit openstaande facturen", "Uit nieuwe facturen", "Ontvangsten per week", "Week voor week",
				"Hoe nauwkeurig was de prognose?", "Mediaan (p50)", "Totaal"},
			english: []string{"<title>Cash forecast · 30 June 2025 · creditflow</title>", "Cash forecast from 30 June 2025",
				"Expected in 13 weeks", "How accurate was it?"},
			formats:  []*regexp.Regexp{euroAmount, regexp.MustCompile(`\d+ (jul|aug|sep) – \d+ (jul|aug|sep)`)},
			notDutch: []string{"EUR ", "Expected", "weeks", "From open", "Week of", "How accurate", "Error on", "The baselines", " Jul", " Aug", " Sep"},
			notAny:   []string{"creditflow ·  ·"}},
		{name: "upload", path: "/upload",
			dutch:    []string{"<title>Inlezen · ", "Bestanden inlezen", "Controleren", "Deze bestanden inlezen", "Gelezen als", "gescheiden door puntkomma's", "factuurnummer"},
			english:  []string{"<title>Upload · ", "Upload files", "Load these files", "Read as"},
			notDutch: []string{"Upload files", "Load these files", "Read as", "Nothing was loaded", "Sending the files", ">Check<", "figures as of", "cijfers per"},
			notAny:   []string{"creditflow ·  ·"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			nl := get(t, tc.path, "nl-NL,nl;q=0.9")
			en := get(t, tc.path, "en-GB,en;q=0.9")
			nlText := readableText(t, nl)
			for _, w := range tc.dutch {
				if !strings.Contains(nl, w) {
					t.Errorf("the Dutch page lacks %q", w)
				}
				if strings.HasPrefix(w, "<title>") {
					continue
				}
				if strings.Contains(readableText(t, en), w) && !strings.EqualFold(w, "dagen") {
					t.Errorf("the English page says %q", w)
				}
			}
			for _, w := range tc.english {
				if !strings.Contains(en, w) {
					t.Errorf("the English page lacks %q", w)
				}
			}
			for _, re := range tc.formats {
				if !re.MatchString(nlText) {
					t.Errorf("the Dutch page has nothing like %s", re)
				}
			}
			for _, w := range tc.notDutch {
				if strings.Contains(nlText, w) {
					i := strings.Index(nlText, w)
					t.Errorf("the Dutch page says %q: …%s…", w, nlText[max(0, i-60):min(len(nlText), i+60)])
				}
			}
			for _, w := range tc.notAny {
				if strings.Contains(nl, w) || strings.Contains(en, w) {
					t.Errorf("a page has %q", w)
				}
			}
			checkNoCodeIdentifiers(t, "the Dutch page", nlText)
			checkNoCodeIdentifiers(t, "the English page", readableText(t, en))
		})
	}
}
