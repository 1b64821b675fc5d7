package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/store"
)

// userUsage lists the user subcommands.
const userUsage = "user: expected `user add NAME --role ROLE [--lang nl|en]`, `user passwd NAME`, `user list [--json]` or `user remove NAME`"

// runUser manages the users who log in to the dashboards by name. The
// password comes from $CREDITFLOW_PASSWORD or stdin, never from a flag,
// so that it stays out of the shell's history and the process list.
func runUser(ctx context.Context, c *command, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%s", userUsage)
	}
	sub, args := args[0], args[1:]
	c = c.sub(sub)
	switch sub {
	case "add":
		role := c.String("role", "viewer", "role: viewer (read), collector (read, record actions) or admin (everything)")
		lang := c.String("lang", "", "preferred language of the pages: nl or en (default the browser's)")
		name, err := c.parseName(args)
		if err != nil {
			return err
		}
		r, err := creditflow.ParseRole(*role)
		if err != nil {
			return err
		}
		password, err := c.e.readPassword("Password for " + name)
		if err != nil {
			return err
		}
		return c.withPassword(ctx, password, func(a *app.Auth) error {
			u, err := a.AddUser(ctx, app.Principal{}, app.NewUser{Name: name, Role: r, Lang: *lang, Password: password})
			if err != nil {
				return err
			}
			fmt.Fprintf(c.e.stdout, "added %s (%s)\n", u.Name, u.Role)
			return nil
		})
	case "passwd":
		name, err := c.parseName(args)
		if err != nil {
			return err
		}
		password, err := c.e.readPassword("New password for " + name)
		if err != nil {
			return err
		}
		return c.withPassword(ctx, password, func(a *app.Auth) error {
			u, err := a.ChangeUser(ctx, app.Principal{}, name, app.UserChange{Password: &password})
			if err != nil {
				return err
			}
			fmt.Fprintf(c.e.stdout, "new password for %s; their sessions have ended\n", u.Name)
			return nil
		})
	case "remove":
		name, err := c.parseName(args)
		if err != nil {
			return err
		}
		return c.withAuth(ctx, func(a *app.Auth) error {
			if err := a.RemoveUser(ctx, app.Principal{}, name); err != nil {
				return err
			}
			fmt.Fprintf(c.e.stdout, "removed %s\n", name)
			return nil
		})
	case "list":
		c.jsonFlag("write the users as JSON")
		if err := c.parseFlagsOnly(args); err != nil {
			return err
		}
		return c.withAuth(ctx, func(a *app.Auth) error {
			us, err := a.Users(ctx)
			if err != nil {
				return err
			}
			return c.output(us, nil, func(w io.Writer) error {
				tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "NAME\tROLE\tLANGUAGE\tCREATED\tLAST VISIT")
				for _, u := range us {
					lang := u.Lang
					if lang == "" {
						lang = "browser"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Name, u.Role, lang, cliTime(&u.CreatedAt), cliTime(u.LastVisitAt))
				}
				return tw.Flush()
			})
		})
	}
	return fmt.Errorf("%s", userUsage)
}

// parseName parses the arguments of a subcommand that takes one NAME,
// before or after its flags.
func (c *command) parseName(args []string) (string, error) {
	if err := c.Parse(args); err != nil {
		return "", err
	}
	if c.NArg() == 0 {
		return "", fmt.Errorf("%s: expected a NAME", c.name)
	}
	name, rest := c.Arg(0), c.Args()[1:]
	if err := c.Parse(rest); err != nil {
		return "", err
	}
	if c.NArg() > 0 {
		return "", fmt.Errorf("%s: unexpected argument %q", c.name, c.Arg(0))
	}
	return name, nil
}

// withAuth runs f on the users, tokens and sessions of the database:
// inside a running server on the server's, so that a removed user or a
// revoked token ends their sessions there at once.
func (c *command) withAuth(ctx context.Context, f func(a *app.Auth) error) error {
	return c.withDB(ctx, func(db *store.DB, _ creditflow.Date) error {
		return f(c.app(db).Auth())
	})
}

// withPassword is withAuth for a command that read password: when the
// database is locked and the command goes to the server that holds it, the
// password goes with it (the server cannot read this stdin).
func (c *command) withPassword(ctx context.Context, password string, f func(a *app.Auth) error) error {
	err := c.withAuth(ctx, f)
	var locked *lockedError
	if errors.As(err, &locked) {
		locked.env = map[string]string{envPassword: password}
	}
	return err
}

// envPassword is the variable a password is read from before stdin.
const envPassword = "CREDITFLOW_PASSWORD"

// cliTime is a moment in the command's output, "-" for none.
func cliTime(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04")
}

// readPassword reads a password from $CREDITFLOW_PASSWORD or, when that is
// not set, from stdin: typed twice without echo at a terminal, else the
// first line.
func (e env) readPassword(prompt string) (string, error) {
	if p := e.getenv(envPassword); p != "" {
		return p, nil
	}
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(e.stderr, prompt+": ")
		p1, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(e.stderr, "Again: ")
		p2, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(p1) != string(p2) {
			return "", fmt.Errorf("%w: the passwords differ", creditflow.ErrInvalid)
		}
		return string(p1), nil
	}
	return readPasswordLine(e.stdin)
}

// readPasswordLine reads the first line of r as a password.
func readPasswordLine(r io.Reader) (string, error) {
	if r == nil {
		return "", fmt.Errorf("%w: no password: set $CREDITFLOW_PASSWORD or give it on stdin", creditflow.ErrInvalid)
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("read password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", fmt.Errorf("%w: no password: set $CREDITFLOW_PASSWORD or give it on stdin", creditflow.ErrInvalid)
	}
	return line, nil
}
