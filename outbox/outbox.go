package outbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/store"
	"github.com/emersion/go-smtp"
)

// DefaultActor is who the dunning actions of sent letters are recorded by.
const DefaultActor = "creditflow dunning send"

// Route is how a letter goes out.
type Route string

// Routes.
const (
	ByEmail Route = "email"
	ByPrint Route = "print"
)

// RouteOf says how a letter goes out: by e-mail when its step's channel is
// email and the customer has a valid address, else in the print batch.
func RouteOf(l dunning.DunningLetter) Route {
	if l.Channel != dunning.Email || strings.TrimSpace(l.Email) == "" {
		return ByPrint
	}
	if _, err := Recipients(l.Email); err != nil {
		return ByPrint
	}
	return ByEmail
}

// Recipients reads a customer's e-mail field: one address or several,
// separated by commas or semicolons.
func Recipients(field string) ([]*mail.Address, error) {
	list, err := mail.ParseAddressList(strings.ReplaceAll(field, ";", ","))
	if err != nil {
		return nil, fmt.Errorf("%w %q: %v", errBadAddress, field, err)
	}
	return list, nil
}

// Result is what a run did with one letter.
type Result string

// Results.
const (
	// WouldSend: a dry run, which would send the letter.
	WouldSend Result = "would_send"
	// Sent: the mail server accepted it.
	Sent Result = "sent"
	// Printed: it is in this run's print batch.
	Printed Result = "printed"
	// Deferred: a temporary failure outlasted the retries; the next run
	// tries again.
	Deferred Result = "deferred"
	// Failed: the server refused it for good (5xx); it is not tried again
	// unless asked.
	Failed Result = "failed"
	// AlreadySent: an earlier run sent it.
	AlreadySent Result = "already_sent"
	// AlreadyFailed: an earlier run recorded it as failed.
	AlreadyFailed Result = "already_failed"
	// Unconfirmed: an attempt was cut off after the letter was handed
	// over (or a run stopped while sending it); it may have gone out, and
	// a person must check. It is never resent automatically.
	Unconfirmed Result = "unconfirmed"
	// Skipped: the customer already got another letter on this date.
	Skipped Result = "skipped"
)

// Problem reports whether r needs a person's attention.
func (r Result) Problem() bool {
	return r == Deferred || r == Failed || r == Unconfirmed || r == AlreadyFailed
}

// Outcome is one letter of a run.
type Outcome struct {
	CustomerID   string           `json:"customer_id"`
	CustomerName string           `json:"customer_name"`
	Step         string           `json:"step"`
	Form         string           `json:"form"`
	By           Route            `json:"sent_by"`
	To           string           `json:"to"`
	Language     dunning.Language `json:"language"`
	Subject      string           `json:"subject"`
	Total        creditflow.Money `json:"total"`
	Reference    string           `json:"reference"`
	Result       Result           `json:"result"`
	Attempts     int              `json:"attempts"`
	Error        string           `json:"error,omitempty"`
	MessageID    string           `json:"message_id,omitempty"`
	LetterID     int64            `json:"letter_id,omitempty"`
}

// Report is what a run did.
type Report struct {
	Date     creditflow.Date `json:"date"`
	DryRun   bool            `json:"dry_run"`
	Outcomes []Outcome       `json:"letters"`
	// PrintBatch is the file of the print batch, empty when nothing was
	// printed; PrintPages its number of pages.
	PrintBatch string `json:"print_batch,omitempty"`
	PrintPages int    `json:"print_pages"`
}

// Count returns the number of letters with result r.
func (r Report) Count(res Result) int {
	n := 0
	for _, o := range r.Outcomes {
		if o.Result == res {
			n++
		}
	}
	return n
}

// Problems returns the number of letters that need a person's attention.
func (r Report) Problems() int {
	n := 0
	for _, o := range r.Outcomes {
		if o.Result.Problem() {
			n++
		}
	}
	return n
}

// Mailer hands a message to a mail server: *SMTP in the service.
type Mailer interface {
	Send(ctx context.Context, from string, to []string, msg []byte) error
}

// Retry says how often and how long to wait when sending fails
// temporarily.
type Retry struct {
	// Attempts is the number of tries per letter in one run; default 3.
	Attempts int
	// Backoff is the wait before try n+1 (n from 1); default 5 s, 20 s,
	// 80 s...
	Backoff func(n int) time.Duration
	// Sleep waits d or until ctx ends; tests replace it so as not to wait.
	Sleep func(ctx context.Context, d time.Duration) error
}

func (r Retry) withDefaults() Retry {
	if r.Attempts <= 0 {
		r.Attempts = 3
	}
	if r.Backoff == nil {
		r.Backoff = func(n int) time.Duration { return 5 * time.Second << (2 * (n - 1)) }
	}
	if r.Sleep == nil {
		r.Sleep = func(ctx context.Context, d time.Duration) error {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-t.C:
				return nil
			}
		}
	}
	return r
}

// Options configure Send.
type Options struct {
	// Mailer sends the e-mails and From is their sender; both are needed
	// when a letter goes by e-mail (but not for a dry run).
	Mailer Mailer
	From   string
	// PrintDir is where the print batch is written; needed when a letter
	// goes to print (but not for a dry run).
	PrintDir string
	// DryRun says what would go out, and sends, writes and records nothing.
	DryRun bool
	// RetryFailed tries the date's failed letters again.
	RetryFailed bool
	// PrintOnly puts every letter in the print batch, e-mailing none.
	PrintOnly bool
	// Actor records the dunning actions; default DefaultActor.
	Actor string
	Now   func() time.Time
	Retry Retry
}

// route is how l goes out in this run.
func (opt Options) route(l dunning.DunningLetter) Route {
	if opt.PrintOnly {
		return ByPrint
	}
	return RouteOf(l)
}

// errBadAddress is a customer's e-mail address that does not parse.
var errBadAddress = errors.New("invalid e-mail address")

// Send sends the letters of date (the day's letters, see dunning.Letters)
// and records each once; see the package comment. The error is for what
// stops the run (the database, a print batch that cannot be written); what
// became of each letter is in the report.
func Send(ctx context.Context, db *store.DB, date creditflow.Date, letters []dunning.DunningLetter, opt Options) (Report, error) {
	if opt.Actor == "" {
		opt.Actor = DefaultActor
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	opt.Retry = opt.Retry.withDefaults()
	rep := Report{Date: date, DryRun: opt.DryRun, Outcomes: []Outcome{}}
	if opt.RetryFailed && !opt.DryRun {
		if err := db.WriteTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, store.Query("dunning_letters_retry_failed"), date)
			return err
		}); err != nil {
			return rep, fmt.Errorf("send letters: retry failed: %w", err)
		}
	}
	day, err := loadDay(ctx, db, date)
	if err != nil {
		return rep, fmt.Errorf("send letters: %w", err)
	}
	var mails, prints []pending
	for _, l := range letters {
		if !l.Date.Equal(date.Time) {
			return rep, fmt.Errorf("%w: send letters of %s: letter %s %s is dated %s", creditflow.ErrInvalid, date, l.CustomerID, l.Step, l.Date)
		}
		o := Outcome{CustomerID: l.CustomerID, CustomerName: l.CustomerName, Step: l.Step, Form: l.Form, By: opt.route(l),
			Language: l.Language, Subject: l.Subject, Total: l.Total, Reference: l.Reference}
		if o.By == ByEmail {
			o.To = l.Email
		}
		p := pending{letter: l, invoices: ChasedInvoices(l), out: len(rep.Outcomes)}
		if r, ok := day.rows[key{l.CustomerID, l.Step}]; ok {
			o.LetterID, o.Attempts, o.Error, o.MessageID = r.id, r.attempts, r.lastError, r.messageID
			o.By, o.To = r.by, r.to
			switch r.status {
			case statusSent:
				o.Result = AlreadySent
			case statusSending:
				o.Result = Unconfirmed
				if o.Error == "" {
					o.Error = "a run stopped while sending it"
				}
				o.Error += "; check whether it went out, then resolve it (sent or to send again)"
			case statusFailed:
				o.Result = AlreadyFailed
			case statusQueued:
				// Tried before and deferred: try again, the way it
				// goes out now.
				o.By, o.To, o.Error = opt.route(l), "", ""
				if o.By == ByEmail {
					o.To = l.Email
				}
				p.id = r.id
			}
		} else if other, ok := day.sentTo[l.CustomerID]; ok {
			o.Result, o.Error = Skipped, fmt.Sprintf("the customer got step %s on this date already", other)
		}
		rep.Outcomes = append(rep.Outcomes, o)
		if o.Result != "" {
			continue
		}
		if opt.DryRun {
			rep.Outcomes[p.out].Result = WouldSend
			continue
		}
		if o.By == ByEmail {
			mails = append(mails, p)
		} else {
			prints = append(prints, p)
		}
	}
	if opt.DryRun {
		return rep, nil
	}
	if len(mails) > 0 && (opt.Mailer == nil || opt.From == "") {
		return rep, fmt.Errorf("%w: %d letters go by e-mail: configure the mail server (address and sender)", creditflow.ErrInvalid, len(mails))
	}
	if len(prints) > 0 && opt.PrintDir == "" {
		return rep, fmt.Errorf("%w: %d letters go to print: name the directory of the print batch", creditflow.ErrInvalid, len(prints))
	}
	s := sender{db: db, opt: opt, rep: &rep}
	var mailErr error
	for i, p := range mails {
		if mailErr = s.mail(ctx, p); mailErr != nil {
			// The letters not tried wait for the next run.
			for _, q := range mails[i+1:] {
				o := &rep.Outcomes[q.out]
				o.Result, o.Error = Deferred, "not tried: "+mailErr.Error()
			}
			break
		}
	}
	if len(prints) > 0 && ctx.Err() != nil {
		for _, p := range prints {
			o := &rep.Outcomes[p.out]
			o.Result, o.Error = Deferred, "not tried: "+ctx.Err().Error()
		}
	} else if len(prints) > 0 {
		if err := s.print(ctx, date, prints); err != nil {
			return rep, fmt.Errorf("send letters: %w", errors.Join(mailErr, err))
		}
	}
	if mailErr != nil {
		return rep, fmt.Errorf("send letters: %w", mailErr)
	}
	return rep, nil
}

// pending is a letter to send: its outcome's index in the report and its
// row, when a run deferred it before.
type pending struct {
	letter   dunning.DunningLetter
	invoices []string // ChasedInvoices of the letter
	out      int
	id       int64
}

// sender sends the letters of one run.
type sender struct {
	db  *store.DB
	opt Options
	rep *Report
}

// mail sends one e-mail, retrying temporary failures.
func (s *sender) mail(ctx context.Context, p pending) error {
	o := &s.rep.Outcomes[p.out]
	msg, err := BuildMessage(s.opt.From, p.letter, s.opt.Now())
	if err != nil {
		return err
	}
	for try := 1; ; try++ {
		to := strings.Join(msg.To, ", ")
		if p.id, err = s.claim(ctx, p, ByEmail, to, msg.MessageID); err != nil {
			return err
		}
		o.LetterID, o.Attempts = p.id, o.Attempts+1
		err := s.opt.Mailer.Send(ctx, msg.From, msg.To, msg.Data)
		if err == nil {
			o.Result, o.MessageID, o.Error = Sent, msg.MessageID, ""
			return s.markSent(ctx, []pending{p}, ByEmail, msg.MessageID, "e-mail to "+to+" "+msg.MessageID)
		}
		o.Error = err.Error()
		var se *smtp.SMTPError
		permanent := errors.As(err, &se) && !se.Temporary()
		switch {
		case errors.Is(err, ErrNoSession) && (permanent || try >= s.opt.Retry.Attempts):
			// The server, not the letter: this one and the rest wait
			// for the next run, and the run stops.
			o.Result = Deferred
			if err := s.setStatus(ctx, p.id, statusQueued, o.Error); err != nil {
				return err
			}
			return err
		case errors.Is(err, ErrUncertain):
			// Left 'sending': a person checks.
			o.Result = Unconfirmed
			return s.setStatus(ctx, p.id, statusSending, o.Error)
		case permanent:
			o.Result = Failed
			return s.setStatus(ctx, p.id, statusFailed, o.Error)
		}
		// Temporary: nothing was handed over, so the row goes back to
		// the queue before the wait; a run that stops now leaves it
		// for the next one.
		if err := s.setStatus(ctx, p.id, statusQueued, o.Error); err != nil {
			return err
		}
		o.Result = Deferred
		if try >= s.opt.Retry.Attempts || ctx.Err() != nil {
			return ctx.Err()
		}
		if err := s.opt.Retry.Sleep(ctx, s.opt.Retry.Backoff(try)); err != nil {
			return err
		}
	}
}
