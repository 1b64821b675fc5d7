package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/store"
	"github.com/creditflow/creditflow/web/static"
	"github.com/gorilla/mux"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed openapi.yaml
var openAPI []byte

// Config is what the server needs.
type Config struct {
	// App is the application the server is an adapter of. When nil, New
	// makes one on DB with Now, Logger and DunningPolicy.
	App    *app.App
	DB     *store.DB
	Logger *slog.Logger
	// Now gives the current time; as-of dates default to its day.
	Now func() time.Time
	// MaxUploadBytes limits POST /api/ingest.
	MaxUploadBytes int64
	// DunningPolicy is the policy of the dunning worklist and action
	// checks; nil means dunning.DefaultPolicy.
	DunningPolicy *dunning.Policy
	// Warm computes today's figures in the background while
	// ListenAndServe runs and after every change of the ledger (app.Warm).
	Warm bool
	// Send is how POST /api/letters/send sends the letters.
	Send app.SendConfig
	// Lang is the language of the pages for a browser that names neither
	// Dutch nor English; Dutch when empty.
	Lang present.Lang
}

// Server is the HTTP service.
type Server struct {
	app     *app.App
	db      *store.DB
	log     *slog.Logger
	now     func() time.Time
	maxUp   int64
	auth    *app.Auth
	router  *mux.Router
	warm    bool
	send    app.SendConfig
	defLang present.Lang
}

// New builds a server with its routes.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxUploadBytes == 0 {
		cfg.MaxUploadBytes = 2 << 30
	}
	if cfg.App == nil {
		cfg.App = app.New(app.Config{DB: cfg.DB, Logger: cfg.Logger, Now: cfg.Now, Policy: cfg.DunningPolicy})
	}
	if cfg.Lang == "" {
		cfg.Lang = present.NL
	}
	s := &Server{app: cfg.App, db: cfg.App.DB(), log: cfg.Logger, now: cfg.Now, maxUp: cfg.MaxUploadBytes, warm: cfg.Warm, send: cfg.Send, defLang: cfg.Lang,
		auth: cfg.App.Auth()}
	s.router = s.routes()
	return s
}

// routes is the one table of every route.
func (s *Server) routes() *mux.Router {
	// Routes match the escaped path, so that a customer id with a slash
	// (C/1, sent as C%2F1) stays one segment; pathVar unescapes.
	r := mux.NewRouter().UseEncodedPath()
	// API routes are registered on the root router with their full paths: a
	// /api subrouter in gorilla/mux v1.8.1 answers a wrong method with 404
	// instead of 405 for all but its last route.
	api := func(path string, need creditflow.Role, h http.HandlerFunc, method string) {
		if need != "" {
			h = s.requireRole(need, h)
		}
		r.HandleFunc("/api"+path, h).Methods(method)
	}
	// read routes answer GET for every role.
	read := func(path string, h func(*http.Request) (any, error)) {
		api(path, creditflow.RoleViewer, s.answer(h), http.MethodGet)
	}
	api("/health", "", s.handleHealth, http.MethodGet)
	api("/openapi.yaml", creditflow.RoleViewer, s.handleOpenAPI, http.MethodGet)
	read("/kpis", s.handleKPIs)
	read("/aging", s.handleAging)
	read("/open-items", s.handleOpenItems)
	read("/stats", s.handleStats)
	read("/customers", s.handleCustomers)
	read("/customers/{id}", s.handleCustomer)
	read("/customers/{id}/credit-limit", s.handleCreditLimit)
	read("/customers/{id}/dossier", s.handleDossier)
	read("/customers/{id}/claim", s.handleClaim)
	// The customer page's actions (customer_actions.go).
	api("/customers/{id}/credit-limit", creditflow.RoleCollector, s.handleSetCreditLimit, http.MethodPost)
	api("/customers/{id}/letter", creditflow.RoleViewer, s.handleCustomerLetter, http.MethodGet)
	api("/customers/{id}/letter/send", creditflow.RoleCollector, s.handleSendCustomerLetter, http.MethodPost)
	read("/alerts", s.handleAlerts)
	read("/forecast", s.handleForecast)
	read("/legal/collection-costs", s.handleCollectionCosts)
	read("/legal/interest", s.handleInterest)
	api("/dunning/worklist", creditflow.RoleViewer, s.handleDunningWorklist, http.MethodGet)
	api("/actions", creditflow.RoleCollector, s.handleCreateAction, http.MethodPost)
	api("/letters/send", creditflow.RoleCollector, s.handleSendLetters, http.MethodPost)
	read("/unmatched", s.handleUnmatched)
	read("/today", s.handleToday)
	read("/search", s.handleSearch)
	api("/unmatched/{id}/match", creditflow.RoleCollector, s.handleMatchUnmatched, http.MethodPost)
	admin := func(path string, h func(*http.Request) (any, error), method string) {
		api("/admin"+path, creditflow.RoleAdmin, s.answer(h), method)
	}
	admin("/users", s.handleAdminUsers, http.MethodGet)
	api("/admin/users", creditflow.RoleAdmin, s.handleAdminAddUser, http.MethodPost)
	admin("/users/{name}", s.handleAdminChangeUser, http.MethodPatch)
	admin("/users/{name}", s.handleAdminRemoveUser, http.MethodDelete)
	admin("/tokens", s.handleAdminTokens, http.MethodGet)
	api("/admin/tokens", creditflow.RoleAdmin, s.handleAdminCreateToken, http.MethodPost)
	admin("/tokens/{id}/revoke", s.handleAdminRevokeToken, http.MethodPost)
	admin("/audit", s.handleAdminAudit, http.MethodGet)
	api("/admin/audit.csv", creditflow.RoleAdmin, s.handleAdminAuditCSV, http.MethodGet)
	r.HandleFunc("/api/ingest", s.limitBody(s.requireRole(creditflow.RoleAdmin, s.handleIngest))).Methods(http.MethodPost)

	// page routes serve a dashboard to those logged in.
	page := func(path string, h func(http.ResponseWriter, *http.Request, *session)) {
		r.HandleFunc(path, s.requirePage(h)).Methods(http.MethodGet)
	}
	r.PathPrefix("/static/").Handler(http.StripPrefix("/static/", noListing(http.FileServer(http.FS(static.FS)))))
	r.HandleFunc("/login", s.handleLoginPage).Methods(http.MethodGet)
	r.HandleFunc("/login", s.handleLogin).Methods(http.MethodPost)
	r.HandleFunc("/logout", s.handleLogout).Methods(http.MethodPost)
	r.HandleFunc("/logout/everywhere", s.handleLogoutEverywhere).Methods(http.MethodPost)
	r.HandleFunc("/language", s.handleLanguage).Methods(http.MethodGet)
	page("/", s.handleOverview)
	page("/today", s.handleTodayPage)
	page("/today/ready", s.handleTodayReady)
	page("/risk", s.handleRiskPage)
	page("/risk/ready", s.handleRiskReady)
	page("/customers/{id}", s.handleCustomerPage)
	r.HandleFunc("/customers/{id}/actions", s.requireRole(creditflow.RoleCollector, s.handleCustomerAction)).Methods(http.MethodPost)
	page("/forecast", s.handleForecastPage)
	page("/forecast/ready", s.handleForecastReady)
	page("/worklist", s.handleWorklistPage)
	page("/unmatched", s.handleUnmatchedPage)
	page("/upload", s.handleUploadPage)
	page("/admin", s.handleAdminPage)
	page("/search", s.handleSearchPage)

	// The API answers in JSON, also when there is no such route.
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isAPI(r) {
			s.handleNotFound(w, r)
			return
		}
		s.writeError(w, r, fmt.Errorf("%w: no API route %s %s", creditflow.ErrNotFound, r.Method, r.URL.Path))
	})
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isAPI(r) {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		writeJSON(w, http.StatusMethodNotAllowed, errorBody{Error: "method " + r.Method + " not allowed on " + r.URL.Path})
	})
	return r
}

func isAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/api"
}

// limitBody caps the request body before anything reads it, the CSRF check
// of a form included.
func (s *Server) limitBody(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, s.maxUp)
		next(w, r)
	}
}

// ServeHTTP logs every request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	s.serve(rec, r)
	s.log.Info("request", slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.Int("status", rec.status), slog.Duration("took", time.Since(start)))
}

// maxFormBytes caps the body of every request but the upload of ledger
// files (Config.MaxUploadBytes): forms and JSON are small, and a cap keeps
// anyone from filling memory or disk with a body nobody asked for.
const maxFormBytes = 1 << 20

// serve answers r with the headers every answer carries, after refusing a
// body over its route's cap.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	if !strings.HasPrefix(r.URL.Path, "/static/") {
		// Pages and answers are about one ledger on one day and may hold
		// personal data: no cache keeps them.
		h.Set("Cache-Control", "no-store")
	}
	if r.URL.Path != "/api/ingest" {
		if r.ContentLength > maxFormBytes {
			writeJSON(w, http.StatusRequestEntityTooLarge, errorBody{Error: fmt.Sprintf("request body too large: more than %d bytes", maxFormBytes)})
			return
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		}
	}
	s.router.ServeHTTP(w, r)
}

// noListing answers a directory of the static files with 404 instead of a
// list of its files.
func noListing(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// ListenAndServe serves on addr until ctx ends, then shuts down gracefully.
// ready, when not nil, receives the bound address (useful with port 0).
func (s *Server) ListenAndServe(ctx context.Context, addr string, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	if s.warm {
		// On the way out no warm-up starts any more, and those under way
		// end before the caller closes the database.
		defer s.app.Warm(ctx)()
	}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
