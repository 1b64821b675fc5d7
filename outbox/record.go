package outbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/store"
)

// Statuses of a row of dunning_letters.
const (
	statusQueued  = "queued"
	statusSending = "sending"
	statusSent    = "sent"
	statusFailed  = "failed"
)

// key is what makes a letter unique on its date.
type key struct{ customer, step string }

// letterRow is a row of dunning_letters.
type letterRow struct {
	id                   int64
	by                   Route
	to, status           string
	attempts             int
	lastError, messageID string
}

// dayLetters are the letters recorded on one date.
type dayLetters struct {
	rows map[key]letterRow
	// sentTo maps a customer who got a letter (or may have: 'sending') to
	// its step.
	sentTo map[string]string
}

// loadDay reads the letters recorded on date.
func loadDay(ctx context.Context, q store.Querier, date creditflow.Date) (dayLetters, error) {
	d := dayLetters{rows: map[key]letterRow{}, sentTo: map[string]string{}}
	err := store.EachRow(ctx, q, store.Query("dunning_letters_day"), func(rows *sql.Rows) error {
		var r letterRow
		var k key
		if err := rows.Scan(&r.id, &k.customer, &k.step, &r.by, &r.to, &r.status, &r.attempts, &r.lastError, &r.messageID); err != nil {
			return err
		}
		d.rows[k] = r
		if r.status == statusSent || r.status == statusSending {
			d.sentTo[k.customer] = k.step
		}
		return nil
	}, date)
	if err != nil {
		return d, fmt.Errorf("letters of %v: %w", date, err)
	}
	return d, nil
}

// ChasedInvoices are the invoices a letter chases: the overdue lines of its
// statement that are not disputed, oldest due first.
func ChasedInvoices(l dunning.DunningLetter) []string {
	ids := []string{}
	for _, s := range l.Statement {
		if s.DaysOverdue > 0 && !s.Disputed && !s.Promised {
			ids = append(ids, s.InvoiceID)
		}
	}
	return ids
}

// claim marks the letter of p as being sent, inserting its row on the
// first attempt, and returns the row's id.
func (s *sender) claim(ctx context.Context, p pending, by Route, to, messageID string) (int64, error) {
	ps := []pending{p}
	if err := s.claimAll(ctx, ps, by, to, messageID); err != nil {
		return 0, err
	}
	return ps[0].id, nil
}

// claimAll marks the letters of ps as being sent in one transaction, as
// claim does, and sets their ids. messageID is the e-mail's, so that a
// person can look an unconfirmed one up in the mail server's log.
func (s *sender) claimAll(ctx context.Context, ps []pending, by Route, to, messageID string) error {
	err := s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		var insert *sql.Stmt
		for i := range ps {
			p := &ps[i]
			if p.id != 0 {
				res, err := tx.ExecContext(ctx, store.Query("dunning_letter_claim"), p.id, string(by), to, messageID)
				if err != nil {
					return err
				}
				if n, err := res.RowsAffected(); err != nil || n != 1 {
					return fmt.Errorf("letter %d is no longer queued (sent by another run?)", p.id)
				}
				continue
			}
			if insert == nil {
				var err error
				if insert, err = tx.PrepareContext(ctx, store.Query("dunning_letter_insert")); err != nil {
					return err
				}
				defer insert.Close()
			}
			l := p.letter
			ids, _ := json.Marshal(p.invoices)
			if err := insert.QueryRowContext(ctx, l.CustomerID, l.Step, l.Form, string(by), l.Date,
				l.Reference, to, string(l.Language), l.Subject, l.Principal.String(), l.Interest.String(), l.Costs.String(),
				l.Total.String(), string(ids), messageID, s.opt.Now().UTC()).Scan(&p.id); err != nil {
				return fmt.Errorf("letter %s %s: %w", l.CustomerID, l.Step, err)
			}
		}
		return nil
	})
	if err != nil {
		for i := range ps {
			ps[i].id = 0
		}
		return fmt.Errorf("record letters: %w", err)
	}
	return nil
}

// setStatus records an attempt that did not send the letter.
func (s *sender) setStatus(ctx context.Context, id int64, status, msg string) error {
	err := s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, store.Query("dunning_letter_status"), id, status, msg)
		return err
	})
	if err != nil {
		return fmt.Errorf("record letter %d %s: %w", id, status, err)
	}
	return nil
}

// markSent marks the letters sent and records, in the same transaction,
// the dunning action of each: the step taken on the letter date, on the
// invoices it chases.
func (s *sender) markSent(ctx context.Context, ps []pending, by Route, messageID, note string) error {
	typ := dunning.ReminderSent
	if by == ByPrint {
		typ = dunning.LetterSent
	}
	now := s.opt.Now().UTC()
	err := s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		var stmts [3]*sql.Stmt
		for i, name := range []string{"dunning_action_insert", "dunning_action_audit", "dunning_letter_sent"} {
			st, err := tx.PrepareContext(ctx, store.Query(name))
			if err != nil {
				return err
			}
			defer st.Close()
			stmts[i] = st
		}
		insertAction, audit, sent := stmts[0], stmts[1], stmts[2]
		for _, p := range ps {
			l := p.letter
			act := dunning.Action{CustomerID: l.CustomerID, InvoiceIDs: p.invoices, Type: typ, ActionDate: l.Date,
				Note: fmt.Sprintf("letter %d (%s): %s", p.id, l.Form, note), Step: l.Step, CreatedBy: s.opt.Actor, CreatedAt: now}
			ids, _ := json.Marshal(act.InvoiceIDs)
			if err := insertAction.QueryRowContext(ctx, act.CustomerID, string(ids), string(act.Type),
				act.ActionDate, act.PromiseDate, nil, act.Note, act.Step, "", "", act.Until, "", act.CreatedBy, act.CreatedAt).Scan(&act.ID); err != nil {
				return fmt.Errorf("action: %w", err)
			}
			detail, _ := json.Marshal(act)
			if _, err := audit.ExecContext(ctx, now, act.CreatedBy, string(detail)); err != nil {
				return fmt.Errorf("audit: %w", err)
			}
			res, err := sent.ExecContext(ctx, p.id, now, messageID, act.ID)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n != 1 {
				return errors.New("the letter is no longer being sent")
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record letters sent (%d left 'sending' to check): %w", len(ps), err)
	}
	return nil
}
