package app

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/bank"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/forecast"
	"github.com/creditflow/creditflow/risk"
	"github.com/creditflow/creditflow/search"
	"github.com/creditflow/creditflow/store"
)

// Config is what the application needs.
type Config struct {
	DB     *store.DB
	Logger *slog.Logger
	// Now gives the current time; the warm-up computes its day.
	Now func() time.Time
	// Policy is the dunning policy of the worklist and of the action
	// checks; nil means dunning.DefaultPolicy.
	Policy *dunning.Policy
	// LoginFailDelay is how long a failed login waits (see AuthConfig).
	LoginFailDelay time.Duration
}

// App composes the analytics and keeps their results. It is safe for
// concurrent use.
type App struct {
	db     *store.DB
	log    *slog.Logger
	now    func() time.Time
	policy dunning.Policy

	// engine scores customers and keeps the scores of each as-of date.
	engine *risk.Engine
	// forecasts are the weekly cash forecasts, by as-of date and weeks.
	forecasts memo[forecastKey, creditflow.Forecast]
	// backtests are the forecast page's backtests, by as-of date.
	backtests memo[creditflow.Date, forecast.BacktestResult]
	// items forecast the payment of open items, by as-of date. A fitted
	// model holds the history it was fitted on (about 100 MB per million
	// invoices), so only the last two dates asked for are kept.
	items memo[creditflow.Date, *forecast.ItemForecaster]
	// worklists are the whole dunning worklists, by as-of date.
	worklists memo[creditflow.Date, *Worklist]
	// overviews are the risk overviews (the scores of a date and of the
	// month-ends before it, and its alerts), by as-of date.
	overviews memo[creditflow.Date, *RiskOverview]
	// finder proposes matches for unmatched bank transactions, built from
	// the ledger as it stands.
	finder memo[struct{}, *bank.Finder]
	// searchIndex holds the customers and their bank accounts for the
	// search box.
	searchIndex memo[struct{}, *search.Index]

	warm warmer

	// auth keeps the users, API tokens and dashboard sessions.
	auth *Auth

	// sendMu makes letter runs (SendLetters) one at a time.
	sendMu sync.Mutex

	// visits are the users' last visits of pages (LastVisit).
	visits visits
	// todayStarts are the dates whose day is being made ready in the
	// background (TodayReady).
	todayStarts sync.Map // creditflow.Date → struct{}
}

// forecastKey is what a forecast depends on besides the ledger.
type forecastKey struct {
	asOf  creditflow.Date
	weeks int
}

// Cache sizes: the most results kept of each kind, the oldest going first.
const (
	forecastCacheSize = 64
	backtestCacheSize = 8
	itemCacheSize     = 2
	worklistCacheSize = 16
	overviewCacheSize = 8
)

// New returns the application on cfg.DB.
func New(cfg Config) *App {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	a := &App{db: cfg.DB, log: cfg.Logger, now: cfg.Now, policy: dunning.DefaultPolicy(),
		engine:    risk.NewEngine(cfg.DB, risk.EngineOptions{Now: cfg.Now}),
		forecasts: memo[forecastKey, creditflow.Forecast]{size: forecastCacheSize},
		backtests: memo[creditflow.Date, forecast.BacktestResult]{size: backtestCacheSize},
		items:     memo[creditflow.Date, *forecast.ItemForecaster]{size: itemCacheSize},
		worklists: memo[creditflow.Date, *Worklist]{size: worklistCacheSize},
		overviews: memo[creditflow.Date, *RiskOverview]{size: overviewCacheSize},
	}
	if cfg.Policy != nil {
		a.policy = *cfg.Policy
	}
	a.auth = NewAuth(AuthConfig{DB: cfg.DB, Now: cfg.Now, Logger: cfg.Logger, FailDelay: cfg.LoginFailDelay})
	return a
}

// Auth keeps the users, API tokens and dashboard sessions.
func (a *App) Auth() *Auth { return a.auth }

// DB is the ledger database, for the analytics that read it directly and
// keep nothing (aging, KPIs, open items, dossiers).
func (a *App) DB() *store.DB { return a.db }

// Policy is the dunning policy of the worklist and of the action checks.
func (a *App) Policy() dunning.Policy { return a.policy }

// Now is the application's clock.
func (a *App) Now() time.Time { return a.now() }

// A ChangeKind says what kind of change made results stale.
type ChangeKind int

const (
	// LedgerLoaded: files were ingested; any figure may have changed.
	LedgerLoaded ChangeKind = iota
	// PaymentBooked: one payment was booked (an unmatched bank
	// transaction matched by hand). It changes what was known from its
	// date on, and which transactions wait to be matched.
	PaymentBooked
	// ActionRecorded: a dunning action was recorded for one customer. The
	// ledger did not change: scores and forecasts stand, the worklist and
	// that customer's dossier do not.
	ActionRecorded
	// DisputeRecorded: a dispute or dispute_resolved action was recorded
	// for one customer. It changes which invoices are disputed from its
	// date on, in every analytic: what was known before stands, later
	// scores and forecasts are outdated as after a booked payment.
	DisputeRecorded
	// LimitSet: a credit limit was set or cleared by hand for one
	// customer. The scores stand, but every date's credit limits (kept
	// with the scores) do not.
	LimitSet
)

// Refreshing reports whether figures as of asOf are outdated ones, served
// while they are computed again after a booked payment.
func (a *App) Refreshing(asOf creditflow.Date) bool {
	return a.engine.Refreshing(asOf) || a.forecasts.refreshing(forecastKey{asOf, DefaultForecastWeeks}) || a.items.refreshing(asOf) ||
		a.overviews.refreshing(asOf)
}

// A Change is what happened, for Invalidate.
type Change struct {
	Kind ChangeKind
	// Customer is the customer concerned (PaymentBooked, ActionRecorded,
	// DisputeRecorded).
	Customer string
	// From is the date of a booked payment or a dispute action: results as
	// of earlier dates stand.
	From creditflow.Date
}

// Invalidate drops what c makes stale, and warms today's figures up again
// while Warm runs. It is the one place that knows what depends on what.
func (a *App) Invalidate(c Change) {
	switch c.Kind {
	case ActionRecorded:
		// The worklist is cheap (tens of milliseconds) and ranks every
		// customer against the others: it is computed again whole. The
		// dossier is read per request.
		a.worklists.drop(all)
	case LimitSet:
		// The limits are kept with the scores: they are computed again,
		// today's at once by the warm-up.
		a.engine.Invalidate()
	case PaymentBooked, DisputeRecorded:
		if c.From.IsZero() {
			a.invalidateAll()
			break
		}
		// What was known before the payment's date stands. Later figures
		// are outdated: they are served until they are computed again,
		// which the warm-up starts at once, so that one booked payment
		// does not make every page wait seconds. The pages that show the
		// payment itself (the queue, open items, the dossier) read the
		// ledger and see it at once.
		a.engine.InvalidateFrom(c.From)
		onOrAfter := func(d creditflow.Date) bool { return !d.Before(c.From.Time) }
		a.forecasts.outdate(func(k forecastKey) bool { return onOrAfter(k.asOf) })
		a.backtests.outdate(onOrAfter)
		a.items.outdate(onOrAfter)
		a.overviews.outdate(onOrAfter)
		a.worklists.drop(onOrAfter) // cheap, and it lists the payment's customer
		a.finder.drop(all)
		a.searchIndex.drop(all) // a payment booked by hand teaches an IBAN
	default:
		a.invalidateAll()
	}
	a.warm.again(a)
}

func (a *App) invalidateAll() {
	a.engine.Invalidate()
	a.forecasts.drop(all)
	a.backtests.drop(all)
	a.items.drop(all)
	a.overviews.drop(all)
	a.worklists.drop(all)
	a.finder.drop(all)
	a.searchIndex.drop(all)
}

// warmer runs warm-ups while Warm is on.
type warmer struct {
	mu    sync.Mutex
	ctx   context.Context // set while Warm runs
	group sync.WaitGroup
}
