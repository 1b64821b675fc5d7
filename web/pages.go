package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/present"
)

// templateFuncs are the functions the templates call besides those of
// their language (langFuncs).
var templateFuncs = template.FuncMap{"args": templateArgs}

// standalonePages are the pages that stand alone, without the top bar.
var standalonePages = []string{"login.html", "notfound.html"}

// dashboardPages are the dashboard pages, each parsed with layout.html.
var dashboardPages = []string{"today.html", "overview.html", "risk.html", "customer.html", "forecast.html", "worklist.html", "unmatched.html", "upload.html", "admin.html", "search.html"}

// pageTemplates holds every page by language and file name. A dashboard
// page is parsed with layout.html into a set of its own, since every page
// defines the blocks of the layout's "page" anew; the functions of each
// set write in its language.
var pageTemplates = func() map[present.Lang]map[string]*template.Template {
	all := map[present.Lang]map[string]*template.Template{}
	for _, l := range languages {
		funcs := langFuncs(l)
		for k, v := range templateFuncs {
			funcs[k] = v
		}
		pages := map[string]*template.Template{}
		for _, name := range standalonePages {
			pages[name] = template.Must(template.New("").Funcs(funcs).ParseFS(templateFiles, "templates/"+name))
		}
		layout := template.Must(template.New("").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html"))
		for _, name := range dashboardPages {
			pages[name] = template.Must(template.Must(layout.Clone()).ParseFS(templateFiles, "templates/"+name))
		}
		all[l] = pages
	}
	return all
}()

// templateArgs makes the argument of a partial from names and values:
// {{template "chart-panel" (args "Title" "Risk scores" "Chart" .ScoreChart)}}.
func templateArgs(namesAndValues ...any) (map[string]any, error) {
	if len(namesAndValues)%2 != 0 {
		return nil, fmt.Errorf("args: %d arguments, want names and values", len(namesAndValues))
	}
	m := make(map[string]any, len(namesAndValues)/2)
	for i := 0; i < len(namesAndValues); i += 2 {
		name, ok := namesAndValues[i].(string)
		if !ok {
			return nil, fmt.Errorf("args: argument %d is %v, want a name", i, namesAndValues[i])
		}
		m[name] = namesAndValues[i+1]
	}
	return m, nil
}

// render executes a page template into a buffer first, so that a template
// error gives a clean 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, data any) {
	t, ok := pageTemplates[s.lang(r)][name]
	if !ok {
		s.log.ErrorContext(r.Context(), "render page: no such template", "page", name)
		http.Error(w, "internal error; see the server log", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		s.log.ErrorContext(r.Context(), "render page", "page", name, "err", err)
		http.Error(w, "internal error; see the server log", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
	w.Header().Set("X-Frame-Options", "DENY")
	buf.WriteTo(w)
}

// renderStatus renders a page with another status than 200. s.render sets
// its headers (the Content-Security-Policy among them) just before it
// writes, so the status waits for that first write: headers set after
// WriteHeader would be lost.
func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	s.render(&statusOnWrite{ResponseWriter: w, status: status}, r, name, data)
}

// statusOnWrite sends its status with the first write, unless a status was
// sent explicitly before (such as the 500 of a failed template).
type statusOnWrite struct {
	http.ResponseWriter
	status int
	sent   bool
}

func (w *statusOnWrite) WriteHeader(code int) {
	if !w.sent {
		w.sent = true
		w.ResponseWriter.WriteHeader(code)
	}
}

func (w *statusOnWrite) Write(b []byte) (int, error) {
	w.WriteHeader(w.status)
	return w.ResponseWriter.Write(b)
}

// pageSpec says what servePage needs to know of a dashboard page besides
// its data.
type pageSpec struct {
	nav      string // the key of the page's navigation entry
	template string // "risk.html"; its name also names the page in the log
	// action is where the date picker goes, when not the entry's path.
	action string
	// failed says what could not be done when the data does not load:
	// "The scores could not be computed."
	failed string
	// log are more attributes of the page's error logs.
	log []any
}

// dashboard is the data of a page's template: a struct that embeds
// pageHead.
type dashboard interface{ head() *pageHead }

// pageError is a failed load that the page explains as it is, with its
// own status, instead of the generic message: an unknown customer, a bad
// parameter.
type pageError struct {
	status int
	msg    string
}

func (e *pageError) Error() string { return e.msg }

// servePage is the skeleton of every dashboard page. It fills the head of
// page, reads the as-of date of a dated page (today on the others), loads
// the page's data with load, formats it into page with fill and renders
// the page. A bad date, a failed load or a failed fill is shown instead of
// the figures, with its status; a visitor who went away gets no answer.
func servePage[P dashboard, D any](s *Server, w http.ResponseWriter, r *http.Request, sess *session, spec pageSpec, page P,
	load func(ctx context.Context, asOf creditflow.Date) (D, error), fill func(D, P) error) {
	entry := navEntryOf(spec.nav)
	action := spec.action
	if action == "" {
		action = entry.Path
	}
	h := page.head()
	*h = s.newPageHead(r, sess, spec.nav, action)
	fail := func(status int, msg string) {
		h.Error = msg
		s.renderStatus(w, r, status, spec.template, page)
	}
	asOf := creditflow.NewDate(s.now())
	var logAttrs []any
	if entry.Dated {
		var err error
		if asOf, err = s.asOf(r); err != nil {
			h.AsOf = r.URL.Query().Get("as_of")
			fail(http.StatusBadRequest, s.badDate(h.Lang, h.AsOf))
			return
		}
		logAttrs = []any{"as_of", asOf.String()}
	}
	h.setAsOf(asOf)
	logAttrs = append(logAttrs, spec.log...)
	logError := func(what string, err error) {
		name := strings.TrimSuffix(spec.template, ".html")
		s.log.ErrorContext(r.Context(), name+" "+what, append(logAttrs, "err", err)...)
	}

	d, err := load(r.Context(), asOf)
	var shown *pageError
	switch {
	case err != nil && r.Context().Err() != nil:
		return // the visitor went away; nobody reads the answer
	case errors.As(err, &shown):
		fail(shown.status, shown.msg)
	case err != nil:
		logError("page", err)
		fail(http.StatusInternalServerError, h.Lang.T(spec.failed)+" "+h.Lang.T("The error is in the server log; try again in a moment."))
	default:
		if err := fill(d, page); err != nil {
			logError("charts", err)
			fail(http.StatusInternalServerError, h.Lang.T("The charts could not be drawn. The error is in the server log."))
			return
		}
		s.render(w, r, spec.template, page)
	}
}

// badDate explains an as_of that is not a date.
func (s *Server) badDate(l present.Lang, v string) string {
	return l.Tf("%q is not a date. Pick a date, or type it as YYYY-MM-DD (for example %s).",
		v, creditflow.NewDate(s.now()).String())
}

// handleNotFound answers a page address that does not exist with a page
// that says so and leads back.
func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	s.renderStatus(w, r, http.StatusNotFound, "notfound.html", nil)
}
