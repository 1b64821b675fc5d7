package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/creditflow/creditflow"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "creditflow:", err)
		os.Exit(1)
	}
}

const usage = `creditflow: credit-risk and cashflow analytics for receivables.

Usage:
  creditflow serve [--addr 127.0.0.1:8080] [--demo]     serve the API and dashboards
  creditflow ingest [--strict] [--kind K] FILE...       load customers/invoices/payments files
  creditflow aging [--as-of DATE] [--group customer|segment] [--json]
  creditflow kpis [--as-of DATE] [--json]
  creditflow stats [--json]                             row counts per table
  creditflow score [--as-of DATE] [--json|--csv]        payment-risk score of every customer
  creditflow report --out DIR [--as-of DATE]            weekly report: report.html and report.xlsx
  creditflow forecast [--as-of DATE] [--weeks 13] [--json|--csv]
  creditflow backtest risk --from DATE --to DATE [--json]
  creditflow backtest forecast --from DATE --to DATE [--weeks 13] [--json]
  creditflow backtest change --truth truth.csv --from DATE --to DATE [--step 14] [--json]
  creditflow dunning run [--as-of DATE] [--policy FILE]  plan the day's dunning steps (idempotent)
  creditflow dunning worklist [--as-of DATE] [--limit N] [--json]
  creditflow dunning policy                             print the built-in dunning policy to edit
  creditflow dunning send [--as-of DATE] [--dry-run] [--print-dir DIR] [--smtp-addr HOST:PORT] [--smtp-from ADDR] ...
                                                        send the day's letters by e-mail or into a print batch, each once
  creditflow dunning resolve LETTER_ID sent|again       settle a letter that dunning send left unconfirmed
  creditflow letters --out DIR [--as-of DATE] [--creditor FILE] [--creditor-name ...]
                                                        render the day's dunning letters and emails (HTML, PDF)
  creditflow handover --out DIR [--as-of DATE] [--customer ID ...]  hand-over export: handover.csv and handover.xlsx
  creditflow token create --role viewer|collector|admin --name NAME
  creditflow token list [--json]                       API tokens: id, name, role, created, last used, revoked
  creditflow token revoke ID                            revoke a token and end the sessions opened with it
  creditflow user add NAME --role viewer|collector|admin [--lang nl|en]
                                                        a user who logs in by name; the password comes from
                                                        $CREDITFLOW_PASSWORD or stdin
  creditflow user passwd NAME                           a new password (as user add), ending the user's sessions
  creditflow user list [--json]
  creditflow user remove NAME
  creditflow demo --out DIR [--customers N] [--invoices N] [--seed S]

Every command takes --db PATH (default $CREDITFLOW_DB, else creditflow.duckdb).
Dates are YYYY-MM-DD; --as-of defaults to today.
While "creditflow serve" runs on the database, the other commands run inside
it (through the socket PATH.sock beside the database): same output, and the
pages show what they change at once.
`

// env is what a command needs of the outside world; tests fill it.
type env struct {
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
	now    func() time.Time
	// cwd is the directory that relative file names of flags and arguments
	// are relative to (see command.path); "" is the process's.
	cwd string
	// host is the running server the command runs inside, when the command
	// line handed it there (see remote.go); nil otherwise.
	host *host
	// stdin is where passwords are read from when $CREDITFLOW_PASSWORD is
	// not set; nil reads none.
	stdin io.Reader
}

// commands are the commands by name; each parses its arguments with the
// flag set it is given, named after it. A command with subcommands makes
// theirs with command.sub. (Filled by init: serve runs the others.)
var commands map[string]func(ctx context.Context, c *command, args []string) error

func init() {
	commands = map[string]func(ctx context.Context, c *command, args []string) error{
		"serve":    runServe,
		"ingest":   runIngest,
		"aging":    runAging,
		"kpis":     runKPIs,
		"stats":    runStats,
		"score":    runScore,
		"report":   runReport,
		"forecast": runForecast,
		"backtest": runBacktest,
		"dunning":  runDunning,
		"handover": runHandover,
		"letters":  runLetters,
		"token":    runToken,
		"user":     runUser,
		"demo":     runDemo,
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	// Only passwords are read from stdin (user add, user passwd); a test
	// gives them in $CREDITFLOW_PASSWORD instead.
	return runEnv(ctx, env{getenv: getenv, stdout: stdout, stderr: stderr, now: time.Now, stdin: os.Stdin}, args)
}

// runEnv runs the command line args in e. A command that finds its
// database held by a running server runs inside that server instead.
func runEnv(ctx context.Context, e env, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return fmt.Errorf("no command given")
	}
	cmd, rest := args[0], args[1:]
	if f, ok := commands[cmd]; ok {
		if why, ok := notForwarded[cmd]; ok && e.host != nil {
			return fmt.Errorf("%w: %s does not run inside a running server: %s", creditflow.ErrInvalid, cmd, why)
		}
		err := f(ctx, newCommand(e, cmd), rest)
		var locked *lockedError
		if e.host == nil && errors.As(err, &locked) {
			return forwardLocked(ctx, e, args, locked)
		}
		return err
	}
	switch cmd {
	case "help", "-h", "--help":
		fmt.Fprint(e.stdout, usage)
		return nil
	}
	fmt.Fprint(e.stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}
