package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/bank"
	"github.com/creditflow/creditflow/demo"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/ingest"
	"github.com/creditflow/creditflow/outbox"
	"github.com/creditflow/creditflow/store"
	"github.com/creditflow/creditflow/web"
)

func runServe(ctx context.Context, c *command, args []string) error {
	addr := c.String("addr", "127.0.0.1:8080", "`address` to listen on")
	withDemo := c.Bool("demo", false, "when the database is empty, load the demo ledger and create an admin token")
	logJSON := c.Bool("log-json", false, "write logs as JSON")
	reportSchedule := c.String("report-schedule", "", "write the weekly report on this cron `spec` (5 fields, server time zone), e.g. \"0 7 * * 1\"")
	reportDir := c.String("report-dir", "", "`directory` of the scheduled reports, one subdirectory per as-of date")
	reportLang := c.String("report-lang", "nl", "`language` of the scheduled reports and their mail: nl (Dutch) or en (English)")
	smtpAddr := c.String("smtp-addr", "", "SMTP server `host:port` to mail the scheduled report and the letters (POST /api/letters/send; default $CREDITFLOW_SMTP_ADDR) through")
	smtpFrom := c.String("smtp-from", "", "sender `address` of the report mail and the letters (letters: default $CREDITFLOW_SMTP_FROM, else the creditor's e-mail)")
	reportTo := c.String("report-to", "", "comma-separated `addresses` the report is mailed to")
	smtpUser := c.String("smtp-user", "", "SMTP user `name` (optional)")
	// The password's default is not the flag's, so that usage never prints it.
	smtpPassword := c.String("smtp-password", "", "SMTP `password` (optional; default $CREDITFLOW_SMTP_PASSWORD)")
	policyPath := c.String("dunning-policy", "", "dunning policy JSON `file` (default: the built-in policy; see creditflow dunning policy)")
	printDir := c.String("print-dir", "", "`directory` of the print batches of POST /api/letters/send, which mails letters through --smtp-addr")
	creditorFile := c.String("creditor", "", "creditor details JSON `file` of the letters (name, address, iban, bic, kvk, email)")
	if err := c.Parse(args); err != nil {
		return err
	}
	send := app.SendConfig{PrintDir: c.path(*printDir)}
	if *creditorFile != "" {
		cr, err := dunning.LoadCreditor(c.path(*creditorFile))
		if err != nil {
			return fmt.Errorf("--creditor: %w", err)
		}
		send.Letters.Creditor = cr
	}
	var policy *dunning.Policy
	if *policyPath != "" {
		p, err := dunning.LoadPolicy(c.path(*policyPath))
		if err != nil {
			return fmt.Errorf("--dunning-policy: %w", err)
		}
		policy = &p
	}
	if *smtpPassword == "" {
		*smtpPassword = c.e.getenv("CREDITFLOW_SMTP_PASSWORD")
	}
	// The letters go through the report's mail server; what the flags
	// leave empty comes from the CREDITFLOW_SMTP_* variables.
	send.SMTP = outbox.SMTPConfig{Addr: *smtpAddr, From: *smtpFrom, User: *smtpUser, Password: *smtpPassword}
	send.SMTP.FromEnv(c.e.getenv)
	mailCfg := mailConfig{Addr: *smtpAddr, From: *smtpFrom, To: splitRecipients(*reportTo), User: *smtpUser, Password: *smtpPassword}
	if *reportSchedule == "" && (*reportDir != "" || mailCfg.enabled()) {
		return fmt.Errorf("%w: --report-dir and the mail flags need --report-schedule", creditflow.ErrInvalid)
	}
	var sched *reportScheduler
	if *reportSchedule != "" {
		var err error
		lang, err := parseLangFlag("--report-lang", *reportLang)
		if err != nil {
			return err
		}
		if sched, err = newReportScheduler(*reportSchedule, c.path(*reportDir), lang, mailCfg, nil, time.Local, c.e.now, nil); err != nil {
			return err
		}
	}
	var handler slog.Handler = slog.NewTextHandler(c.e.stderr, nil)
	if *logJSON {
		handler = slog.NewJSONHandler(c.e.stderr, nil)
	}
	log := slog.New(handler)
	db, _, release, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer release()
	var token, password string
	if *withDemo {
		if token, password, err = loadDemo(ctx, c.e, db, log); err != nil {
			return err
		}
	}
	a := app.New(app.Config{DB: db, Logger: log, Now: c.e.now, Policy: policy})
	// The other commands, which find the database locked, come to the
	// server through its socket; they end before the database closes.
	defer serveCommands(ctx, c.e, &host{db: db, app: a, path: c.path(*c.db)}, log)()
	if sched != nil {
		sched.useApp(a)
		sched.log = log
		// The scheduler ends, and its report with it, before the database closes.
		schedCtx, stopSched := context.WithCancel(ctx)
		var wg sync.WaitGroup
		wg.Go(func() { sched.Run(schedCtx) })
		defer wg.Wait()
		defer stopSched()
	}
	return newServer(a, log, c.e.now, true, send).ListenAndServe(ctx, *addr, func(addr net.Addr) {
		log.Info("serving", slog.String("url", "http://"+addr.String()+"/"), slog.String("db", *c.db))
		fmt.Fprintf(c.e.stdout, "creditflow is serving on http://%s/\n", addr)
		if password != "" {
			fmt.Fprintf(c.e.stdout, "log in as %s with this password (shown once): %s\n", demoAdmin, password)
		}
		if token != "" {
			fmt.Fprintf(c.e.stdout, "log in with this admin token (shown once): %s\n", token)
		}
	})
}

// newServer returns the HTTP server of the API and dashboards on a; warm
// computes the figures of today when it starts serving.
func newServer(a *app.App, log *slog.Logger, now func() time.Time, warm bool, send app.SendConfig) *web.Server {
	return web.New(web.Config{App: a, Logger: log, Now: now, Warm: warm, Send: send})
}

// demoAdmin is the name of the admin user of the demo.
const demoAdmin = "admin"

// loadDemo fills an empty database with the demo ledger and creates an admin
// token and the admin user demoAdmin with a random password. A database
// that has invoices is left alone and gets no new token nor user.
func loadDemo(ctx context.Context, e env, db *store.DB, log *slog.Logger) (token, password string, err error) {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM invoices`).Scan(&n); err != nil {
		return "", "", err
	}
	if n > 0 {
		log.Info("database has data; demo ledger not loaded", slog.Int("invoices", n))
		return "", "", nil
	} else {
		dir, err := os.MkdirTemp("", "creditflow-demo-")
		if err != nil {
			return "", "", err
		}
		defer os.RemoveAll(dir)
		cfg := demo.DefaultConfig(creditflow.NewDate(e.now()).Time)
		// The last three months come as bank statements, so that the
		// unmatched-payments page has something to show.
		cfg.Statements, cfg.StatementMonths = true, 3
		log.Info("generating the demo ledger", slog.Int("customers", cfg.Customers), slog.Int("invoices", cfg.Invoices))
		if _, err := demo.Generate(ctx, dir, cfg); err != nil {
			return "", "", fmt.Errorf("demo ledger: %w", err)
		}
		paths := []string{filepath.Join(dir, demo.CustomersFile), filepath.Join(dir, demo.InvoicesFile), filepath.Join(dir, demo.PaymentsFile),
			filepath.Join(dir, demo.CustomerAccountsFile)}
		statements, err := filepath.Glob(filepath.Join(dir, demo.StatementsDir, "*"))
		if err != nil {
			return "", "", fmt.Errorf("demo ledger: %w", err)
		}
		paths = append(paths, statements...)
		// The files are recorded by their names in the demo, not by the
		// temporary directory they were written to.
		names := make([]string, len(paths))
		for i, p := range paths {
			names[i], _ = filepath.Rel(dir, p)
		}
		res, err := ingest.Files(ctx, db, paths, ingest.Options{Actor: "demo", Now: e.now, Names: names, Statements: bank.BookStatements})
		if err != nil {
			return "", "", fmt.Errorf("demo ledger: %w", err)
		}
		log.Info(res.Summary())
	}
	if token, err = app.CreateToken(ctx, db, creditflow.RoleAdmin, "demo admin", e.now()); err != nil {
		return "", "", err
	}
	auth := app.NewAuth(app.AuthConfig{DB: db, Now: e.now})
	if _, err := auth.User(ctx, demoAdmin); err == nil {
		return token, "", nil // kept from an earlier demo
	}
	password = app.RandomPassword()
	if _, err := auth.AddUser(ctx, app.Principal{}, app.NewUser{Name: demoAdmin, Role: creditflow.RoleAdmin, Password: password}); err != nil {
		return "", "", err
	}
	return token, password, nil
}
