package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/web/browsertest"
)

// worklistLayout is what the browser test reads of the worklist's layout.
type worklistLayout struct {
	pageState
	ScrollWidth   int    `json:"scroll_width"`
	Rows          int    `json:"rows"`
	Linked        int    `json:"linked"`
	FiltersOpen   bool   `json:"filters_open"`
	CSV           string `json:"csv"`
	XLSX          string `json:"xlsx"`
	ServerButtons int    `json:"server_buttons"`
	RecordRight   int    `json:"record_right"`
	Lang          string `json:"lang"`
	// Wide names the elements that reach past the window, if any.
	Wide []string `json:"wide"`
}

var readWorklistLayoutJS = readPageJS(`(() => {
	const rows = document.querySelectorAll("#worklist tbody tr");
	let linked = 0, right = 0;
	rows.forEach((tr) => {
		const a = tr.querySelector("td.customer a");
		if (a && /^\/customers\/[^?]+\?as_of=\d{4}-\d\d-\d\d$/.test(a.getAttribute("href"))) { linked++; }
	});
	const rec = q("#worklist td.record summary");
	if (rec) { right = Math.ceil(rec.getBoundingClientRect().right); }
	return {
		scroll_width: document.documentElement.scrollWidth,
		rows: rows.length,
		linked: linked,
		filters_open: q("details.filterbox").open,
		csv: q("#export-csv") ? q("#export-csv").getAttribute("href") : "",
		xlsx: q("#export-xlsx") ? q("#export-xlsx").getAttribute("href") : "",
		server_buttons: document.querySelectorAll("#worklist .table-export").length,
		record_right: right,
		lang: document.documentElement.lang,
		wide: Array.from(document.querySelectorAll("body *")).filter((el) => !el.closest("thead") && el.getBoundingClientRect().right > window.innerWidth + 1)
			.slice(0, 8).map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + String(el.className).replace(/ /g, ".") : "") + " " + Math.round(el.getBoundingClientRect().right)),
	};
})()`)

// tableExport is what the export button of a generic table downloaded.
type tableExport struct {
	Name  string `json:"name"`
	Text  string `json:"text"`
	Heads string `json:"heads"`
	Rows  int    `json:"rows"`
}

// clickTableExportJS clicks the first export button of a data table with
// URL.createObjectURL watched, and gives back the file it made.
const clickTableExportJS = `(async () => {
	let blob = null, name = "";
	const orig = URL.createObjectURL;
	URL.createObjectURL = (b) => { blob = b; return orig.call(URL, b); };
	const click = HTMLAnchorElement.prototype.click;
	HTMLAnchorElement.prototype.click = function () { name = this.download; };
	const button = document.querySelector(".table-export");
	const table = button.parentElement.nextElementSibling.matches("table") ? button.parentElement.nextElementSibling : button.parentElement.nextElementSibling.querySelector("table");
	button.click();
	URL.createObjectURL = orig;
	HTMLAnchorElement.prototype.click = click;
	const heads = Array.from(table.tHead.rows[0].cells).map((c) => c.textContent.replace(/\s+/g, " ").trim());
	return { name: name, text: blob ? new TextDecoder("utf-8", { ignoreBOM: true }).decode(await blob.arrayBuffer()) : "", heads: heads.join("|"), rows: table.tBodies[0].rows.length };
})()`

// csvOfTableJS is the CSV of a table with hard cells.
const csvOfTableJS = `(() => {
	const t = document.createElement("table");
	t.className = "data";
	t.innerHTML = '<thead><tr><th>Naam</th><th>Bedrag</th><th class="noexport">Actie</th></tr></thead>' +
		'<tbody><tr><td>Bakkerij "De Vries"; Zn</td><td>−1.234,56</td><td class="noexport"><button>x</button></td></tr>' +
		'<tr><td>=HYPERLINK("x")</td><td>-12,50</td><td class="noexport"></td></tr></tbody>';
	return window.creditflowTableCSV(t);
})()`

// TestBrowserWorklistLayout opens the worklist at 390 px in Dutch and 1440
// px in English: no page scroll sideways, the customers linked to their
// pages, the filters folded on the phone, the exports linked and a form
// within reach; and downloads the CSV of a generic table of the overview.
func TestBrowserWorklistLayout(t *testing.T) {
	chrome := browsertest.RequireChromium(t)
	srv, token, host := startBrowserServer(t, openBrowserTestDB(t), creditflow.RoleCollector, browserNow)
	for _, c := range []struct {
		width int
		lang  string
	}{{390, "nl"}, {1440, "en"}} {
		t.Run(fmt.Sprintf("%d px %s", c.width, c.lang), func(t *testing.T) {
			ctx, probs := openTab(t, chrome, host, c.width, 90*time.Second)
			logInOnTheWay(t, ctx, srv.URL+"/language?lang="+c.lang+"&next=/worklist", token, chromedp.WaitVisible(chromedp.ID("kpi-tasks")))
			st := readPage[worklistLayout](t, ctx, readWorklistLayoutJS, "/worklist")
			if st.Lang != c.lang {
				t.Errorf("page in %q, want %q", st.Lang, c.lang)
			}
			if st.ScrollWidth > c.width {
				t.Errorf("page %d px wide at %d px: it scrolls sideways (%v)", st.ScrollWidth, c.width, st.Wide)
			}
			if st.Rows == 0 || st.Linked != st.Rows {
				t.Errorf("%d rows, %d with a link to the customer's page on the date", st.Rows, st.Linked)
			}
			if phone := c.width < 700; st.FiltersOpen == phone {
				t.Errorf("filters open %v at %d px", st.FiltersOpen, c.width)
			}
			if !strings.Contains(st.CSV, "format=csv") || !strings.Contains(st.XLSX, "format=xlsx") || st.ServerButtons != 0 {
				t.Errorf("exports %q, %q, %d client-side buttons on the worklist; want the server's, none", st.CSV, st.XLSX, st.ServerButtons)
			}
			if st.RecordRight == 0 || st.RecordRight > c.width {
				t.Errorf("the form of a task ends at %d px, out of reach at %d px", st.RecordRight, c.width)
			}
			saveScreenshot(t, ctx, fmt.Sprintf("../docs/screenshot-worklist-%d.png", c.width))

			// A generic table's button downloads its rows.
			if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(".table-export"))); err != nil {
				t.Fatalf("overview: %v", err)
			}
			ex, err := chromedp.Run(ctx, chromedp.Evaluate[tableExport](clickTableExportJS, chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatalf("export a table: %v", err)
			}
			sep := ","
			if c.lang == "nl" {
				sep = ";"
			}
			text, bom := strings.CutPrefix(ex.Text, "\ufeff")
			lines := strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n")
			if !bom || !strings.HasSuffix(ex.Name, ".csv") || len(lines) != ex.Rows+1 {
				t.Fatalf("downloaded %q: BOM %v, %d lines for %d rows:\n%s", ex.Name, bom, len(lines), ex.Rows, ex.Text)
			}
			if got := strings.ReplaceAll(lines[0], sep, "|"); got != ex.Heads {
				t.Errorf("CSV heads %q, want the table's %q", lines[0], ex.Heads)
			}
			for _, p := range probs.Take() {
				t.Errorf("%d px: %s", c.width, p)
			}
		})
	}

	t.Run("the CSV of hard cells", func(t *testing.T) {
		ctx, _ := openTab(t, chrome, host, 1440, 60*time.Second)
		logInOnTheWay(t, ctx, srv.URL+"/language?lang=nl&next=/", token, chromedp.WaitVisible(chromedp.CSS(".table-export")))
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](csvOfTableJS))
		if err != nil {
			t.Fatal(err)
		}
		want := "\ufeffNaam;Bedrag\r\n\"Bakkerij \"\"De Vries\"\"; Zn\";−1.234,56\r\n\"'=HYPERLINK(\"\"x\"\")\";-12,50\r\n"
		if got != want {
			t.Errorf("CSV\n%q, want\n%q", got, want)
		}
	})
}
