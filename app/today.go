package app

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/store"
	"golang.org/x/sync/errgroup"
)

// TodayPage names the Today page among the pages whose last visit is kept
// per user (LastVisit).
const TodayPage = "today"

// FirstVisitDays is how far back the alerts of a first visit of the Today
// page go: on a first visit, the alerts of the last 7 days are new.
const FirstVisitDays = 7

// visits are the last visits noted since the start, ahead of the database
// (NoteVisit).
type visits struct {
	mu sync.Mutex
	m  map[[2]string]time.Time // user, page → last visit
}

// LastVisit returns when user last visited page; ok is false when never.
func (a *App) LastVisit(ctx context.Context, user, page string) (at time.Time, ok bool, err error) {
	a.visits.mu.Lock()
	at, ok = a.visits.m[[2]string{user, page}]
	a.visits.mu.Unlock()
	if ok {
		return at, true, nil
	}
	err = a.db.QueryRowContext(ctx, store.Query("page_visit_get"), user, page).Scan(&at)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return time.Time{}, false, nil
	case err != nil:
		return time.Time{}, false, fmt.Errorf("last visit of %s by %s: %w", page, user, err)
	}
	return at.UTC(), true, nil
}

// NoteVisit notes that user visited page at at: LastVisit sees it at
// once, and it is written to the database in the background, so that a
// page view does not wait for the writer lock an ingest may hold for long;
// a failed write is logged.
func (a *App) NoteVisit(user, page string, at time.Time) {
	a.noteVisit(user, page, at)
	go func() {
		if err := a.RecordVisit(context.Background(), user, page, at); err != nil {
			a.log.Warn("note a visit", "user", user, "page", page, "err", err)
		}
	}()
}

func (a *App) noteVisit(user, page string, at time.Time) {
	a.visits.mu.Lock()
	defer a.visits.mu.Unlock()
	if a.visits.m == nil {
		a.visits.m = map[[2]string]time.Time{}
	}
	k := [2]string{user, page}
	if at.After(a.visits.m[k]) {
		a.visits.m[k] = at.UTC()
	}
}

// RecordVisit records that user visited page at at, in the database.
func (a *App) RecordVisit(ctx context.Context, user, page string, at time.Time) error {
	a.noteVisit(user, page, at)
	err := a.db.WriteTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, store.Query("page_visit_set"), user, page, at.UTC())
		return err
	})
	if err != nil {
		return fmt.Errorf("record the visit of %s by %s: %w", page, user, err)
	}
	return nil
}

// Today assembles the day of asOf for user: the promises to pay due on it
// or broken the day before, the behaviour-change alerts detected on or
// after the day of since, the bank credits booked on it and the day before
// and those waiting, the worklist's letters not yet sent and its tasks by
// owner against the day's call capacity. The worklist and the alerts are
// the cached ones (Worklist, Alerts): a view computes no scores when the
// date was scored before. Without scores (an empty ledger) the alerts say
// why they are missing instead of failing the day.
func (a *App) Today(ctx context.Context, asOf creditflow.Date, user string, since time.Time) (*creditflow.Today, error) {
	if asOf.IsZero() {
		return nil, fmt.Errorf("%w: as-of date is required", creditflow.ErrInvalid)
	}
	d := &creditflow.Today{AsOf: asOf, User: user, CallCapacity: a.policy.CallCapacity}
	d.Alerts.Since = since.UTC()
	var (
		wl      *Worklist
		sent    map[[2]string]string // customer, step → status of the day's letter
		sentTo  map[string]bool      // customers who got a letter on asOf
		alerts  []creditflow.Alert
		alertsE error
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(Labelled("worklist", func() (err error) {
		wl, err = a.Worklist(gctx, asOf)
		return err
	}))
	g.Go(Labelled("alerts", func() error {
		alerts, alertsE = a.Alerts(gctx, asOf, creditflow.NewDate(since))
		if alertsE != nil && gctx.Err() != nil {
			return alertsE
		}
		return nil
	}))
	g.Go(Labelled("promises to pay", func() (err error) {
		d.Promises, err = todayPromises(gctx, a.db, asOf, a.policy.PromiseGraceDays)
		return err
	}))
	g.Go(Labelled("bank credits", func() (err error) {
		d.Bank, err = todayBank(gctx, a.db, asOf)
		return err
	}))
	g.Go(Labelled("letters of the day", func() (err error) {
		sent, sentTo, err = lettersOfDay(gctx, a.db, asOf)
		return err
	}))
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("today %s: %w", asOf, err)
	}
	d.Currency = wl.Currency

	d.Alerts.Alerts = alerts
	if alertsE != nil {
		a.log.WarnContext(ctx, "today without alerts", "as_of", asOf.String(), "err", alertsE)
		d.Alerts.Alerts, d.Alerts.Unavailable = []creditflow.Alert{}, alertsE.Error()
	}
	for _, al := range d.Alerts.Alerts {
		d.Alerts.Exposure += al.Exposure
	}

	owner := func(id string) string { return wl.Owners[id] }
	for _, ps := range [][]creditflow.DuePromise{d.Promises.Due, d.Promises.Broken} {
		for i := range ps {
			ps[i].Owner = owner(ps[i].CustomerID)
		}
	}
	for i := range d.Bank.Booked {
		d.Bank.Booked[i].Owner = owner(d.Bank.Booked[i].CustomerID)
	}

	d.Letters.Letters = []creditflow.LetterDue{}
	byOwner := map[string]*creditflow.OwnerDay{}
	for _, t := range wl.Tasks {
		o := byOwner[owner(t.CustomerID)]
		if o == nil {
			o = &creditflow.OwnerDay{Owner: owner(t.CustomerID), Capacity: a.policy.CallCapacity}
			byOwner[o.Owner] = o
		}
		o.Tasks++
		o.AmountOverdue += t.AmountOverdue
		switch t.Channel {
		case dunning.Phone:
			if t.DeferredTo == nil {
				o.Calls++
			}
		case dunning.Email, dunning.Letter:
			o.Letters++
			switch sent[[2]string{t.CustomerID, t.Step}] {
			case "sent", "sending":
				continue
			case "failed":
				d.Letters.Failed++
				continue
			}
			if sentTo[t.CustomerID] {
				continue // one letter a day: it got another step's
			}
			d.Letters.Letters = append(d.Letters.Letters, creditflow.LetterDue{CustomerID: t.CustomerID, Name: t.Name,
				Owner: owner(t.CustomerID), Step: t.Step, Channel: string(t.Channel), AmountOverdue: t.AmountOverdue})
			d.Letters.Overdue += t.AmountOverdue
			if t.Channel == dunning.Email {
				d.Letters.ByEmail++
			} else {
				d.Letters.ByPost++
			}
		}
	}
	d.Owners = make([]creditflow.OwnerDay, 0, len(byOwner))
	for _, o := range byOwner {
		o.Over = o.Calls > o.Capacity
		o.Mine = o.Owner != "" && strings.EqualFold(o.Owner, user)
		d.Owners = append(d.Owners, *o)
	}
	slices.SortFunc(d.Owners, func(x, y creditflow.OwnerDay) int {
		if (x.Owner == "") != (y.Owner == "") {
			if x.Owner == "" {
				return 1
			}
			return -1
		}
		if c := cmp.Compare(y.Tasks, x.Tasks); c != 0 {
			return c
		}
		return cmp.Compare(x.Owner, y.Owner)
	})
	return d, nil
}

// todayPromises reads the promises to pay due on asOf and those due the
// day before and not kept (sql/today_promises.sql).
func todayPromises(ctx context.Context, q store.Querier, asOf creditflow.Date, grace int) (creditflow.TodayPromises, error) {
	out := creditflow.TodayPromises{Due: []creditflow.DuePromise{}, Broken: []creditflow.DuePromise{}}
	err := store.EachRow(ctx, q, store.Query("today_promises"), func(rows *sql.Rows) error {
		var p creditflow.DuePromise
		if err := rows.Scan(&p.ActionID, &p.CustomerID, &p.Name, &p.Made, &p.PromiseDate, store.Money(&p.Amount), &p.HasAmount,
			store.Money(&p.Paid), &p.Invoices, &p.CreatedBy); err != nil {
			return err
		}
		if p.PromiseDate.Equal(asOf.Time) {
			out.Due = append(out.Due, p)
			out.DueTotal += p.Amount
			return nil
		}
		// Due yesterday: kept when the amount was paid, or, without an
		// amount, when nothing of its invoices is open.
		short := p.Amount
		if p.HasAmount {
			short = p.Amount - p.Paid
		}
		if short > 0 {
			out.Broken = append(out.Broken, p)
			out.BrokenTotal += short
		}
		return nil
	}, asOf, grace)
	if err != nil {
		return out, fmt.Errorf("promises due: %w", err)
	}
	return out, nil
}

// todayBank reads the credits booked on asOf and the day before and what
// waits in the unmatched queue.
func todayBank(ctx context.Context, q store.Querier, asOf creditflow.Date) (creditflow.TodayBank, error) {
	b := creditflow.TodayBank{Booked: []creditflow.BookedCredit{}}
	var cur string
	if err := q.QueryRowContext(ctx, store.Query("report_currency")).Scan(&cur); err != nil {
		return b, err
	}
	err := store.EachRow(ctx, q, store.Query("today_bank_booked"), func(rows *sql.Rows) error {
		var c creditflow.BookedCredit
		if err := rows.Scan(&c.EntryNo, &c.BookingDate, store.Money(&c.Amount), &c.Currency, &c.CustomerID, &c.Name, &c.MatchedBy); err != nil {
			return err
		}
		b.Booked = append(b.Booked, c)
		if c.Currency != cur {
			return nil
		}
		b.BookedTotal += c.Amount
		if c.MatchedBy != "" {
			b.ByHand++
			b.ByHandPaid += c.Amount
		} else {
			b.Automatic++
			b.AutomaticPaid += c.Amount
		}
		return nil
	}, asOf.AddDays(-1), asOf)
	if err != nil {
		return b, fmt.Errorf("credits booked: %w", err)
	}
	err = q.QueryRowContext(ctx, store.Query("today_bank_waiting"), cur).Scan(&b.Unmatched, store.Money(&b.Waiting), &b.OldestWaiting,
		&b.Returns, &b.OtherCurrency)
	if err != nil {
		return b, fmt.Errorf("credits waiting: %w", err)
	}
	return b, nil
}

// lettersOfDay reads the letters recorded for asOf (the outbox's
// dunning_letters): the status of each by customer and step, and the
// customers who got one (sent, or being sent).
func lettersOfDay(ctx context.Context, q store.Querier, asOf creditflow.Date) (map[[2]string]string, map[string]bool, error) {
	status, sentTo := map[[2]string]string{}, map[string]bool{}
	err := store.EachRow(ctx, q, store.Query("dunning_letters_day"), func(rows *sql.Rows) error {
		var id int64
		var customer, step, by, to, st, lastErr, msgID string
		var attempts int
		if err := rows.Scan(&id, &customer, &step, &by, &to, &st, &attempts, &lastErr, &msgID); err != nil {
			return err
		}
		status[[2]string{customer, step}] = st
		if st == "sent" || st == "sending" {
			sentTo[customer] = true
		}
		return nil
	}, asOf)
	if err != nil {
		return nil, nil, fmt.Errorf("letters of %s: %w", asOf, err)
	}
	return status, sentTo, nil
}
