// Package web serves the HTTP API and the dashboards. It is the only package
// that speaks HTTP.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/risk"
	cfsql "github.com/creditflow/creditflow/sql"
	"github.com/gorilla/mux"
)

//go:embed all:static
var staticFiles embed.FS

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed openapi.yaml
var openAPI []byte

// Config is what the server needs.
type Config struct {
	DB     *cfsql.DB
	Logger *slog.Logger
	// Now gives the current time; as-of dates default to its day.
	Now func() time.Time
	// MaxUploadBytes limits POST /api/ingest.
	MaxUploadBytes int64
}

// Server is the HTTP service.
type Server struct {
	db       *cfsql.DB
	log      *slog.Logger
	now      func() time.Time
	maxUp    int64
	sessions *sessions
	router   *mux.Router
	engine   *risk.Engine
	// forecasts keeps the cash forecasts until the next ingest, as engine
	// keeps the scores.
	forecasts *forecasts
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
	s := &Server{db: cfg.DB, log: cfg.Logger, now: cfg.Now, maxUp: cfg.MaxUploadBytes,
		sessions: &sessions{byID: map[string]*session{}},
		engine:   risk.NewEngine(cfg.DB, risk.EngineOptions{Now: cfg.Now}), forecasts: newForecasts()}
	s.router = s.routes()
	return s
}

// routes is the one table of every route.
func (s *Server) routes() *mux.Router {
	r := mux.NewRouter()
	api := r.PathPrefix("/api").Subrouter()
	api.HandleFunc("/health", s.handleHealth).Methods(http.MethodGet)
	api.HandleFunc("/openapi.yaml", s.requireRole(creditflow.RoleViewer, s.handleOpenAPI)).Methods(http.MethodGet)
	api.HandleFunc("/kpis", s.requireRole(creditflow.RoleViewer, s.handleKPIs)).Methods(http.MethodGet)
	api.HandleFunc("/aging", s.requireRole(creditflow.RoleViewer, s.handleAging)).Methods(http.MethodGet)
	api.HandleFunc("/open-items", s.requireRole(creditflow.RoleViewer, s.handleOpenItems)).Methods(http.MethodGet)
	api.HandleFunc("/stats", s.requireRole(creditflow.RoleViewer, s.handleStats)).Methods(http.MethodGet)
	api.HandleFunc("/customers", s.requireRole(creditflow.RoleViewer, s.handleCustomers)).Methods(http.MethodGet)
	api.HandleFunc("/customers/{id}", s.requireRole(creditflow.RoleViewer, s.handleCustomer)).Methods(http.MethodGet)
	api.HandleFunc("/customers/{id}/credit-limit", s.requireRole(creditflow.RoleViewer, s.handleCreditLimit)).Methods(http.MethodGet)
	api.HandleFunc("/alerts", s.requireRole(creditflow.RoleViewer, s.handleAlerts)).Methods(http.MethodGet)
	api.HandleFunc("/forecast", s.requireRole(creditflow.RoleViewer, s.handleForecast)).Methods(http.MethodGet)
	api.HandleFunc("/ingest", s.limitBody(s.requireRole(creditflow.RoleAdmin, s.handleIngest))).Methods(http.MethodPost)
	api.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, fmt.Errorf("%w: no API route %s %s", creditflow.ErrNotFound, r.Method, r.URL.Path))
	})
	api.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusMethodNotAllowed, errorBody{Error: "method " + r.Method + " not allowed on " + r.URL.Path})
	})

	static, _ := fs.Sub(staticFiles, "static")
	r.PathPrefix("/static/").Handler(http.StripPrefix("/static/", http.FileServer(http.FS(static))))
	r.HandleFunc("/login", s.handleLoginPage).Methods(http.MethodGet)
	r.HandleFunc("/login", s.handleLogin).Methods(http.MethodPost)
	r.HandleFunc("/logout", s.handleLogout).Methods(http.MethodPost)
	r.HandleFunc("/", s.requirePage(s.handleOverview)).Methods(http.MethodGet)
	r.HandleFunc("/risk", s.requirePage(s.handleRiskPage)).Methods(http.MethodGet)
	r.HandleFunc("/customers/{id}", s.requirePage(s.handleCustomerPage)).Methods(http.MethodGet)
	r.HandleFunc("/forecast", s.requirePage(s.handleForecastPage)).Methods(http.MethodGet)
	return r
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
	s.router.ServeHTTP(rec, r)
	s.log.Info("request", slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.Int("status", rec.status), slog.Duration("took", time.Since(start)))
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
