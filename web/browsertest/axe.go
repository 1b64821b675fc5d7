package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axePath is where `make assets` puts axe-core (the npm package pinned in
// web/assets/package-lock.json), from the web package's directory.
const axePath = "assets/node_modules/axe-core/axe.min.js"

// RequireAxe returns the source of axe-core, read from dir/axePath. Without
// it the test is skipped with a message that says how to get it, except
// under CI=true, where it fails.
func RequireAxe(t testing.TB, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, axePath))
	if err != nil {
		msg := fmt.Sprintf("axe-core not found (%v); run `make assets` to install it", err)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return string(b)
}

// Violation is a rule of WCAG that a page breaks, as axe-core reports it.
type Violation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target         []any  `json:"target"`
		FailureSummary string `json:"failureSummary"`
	} `json:"nodes"`
}

// String names the rule, its impact and up to three elements that break
// it.
func (v Violation) String() string {
	var where []string
	for i, n := range v.Nodes {
		if i == 3 {
			where = append(where, fmt.Sprintf("and %d more", len(v.Nodes)-3))
			break
		}
		where = append(where, fmt.Sprint(n.Target)+": "+strings.ReplaceAll(n.FailureSummary, "\n", " "))
	}
	return fmt.Sprintf("%s (%s): %s; %s", v.ID, v.Impact, v.Help, strings.Join(where, "; "))
}

// Axe runs axe-core (its source axe) on the page of the tab against WCAG
// 2.1 A and AA and best practice, and returns the violations of impact
// serious or critical.
func Axe(ctx context.Context, axe string) ([]Violation, error) {
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axe+";\ntypeof axe === 'object'")); err != nil {
		return nil, fmt.Errorf("load axe-core: %w", err)
	}
	run := `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}, resultTypes: ["violations"]})
		.then(r => r.violations)`
	all, err := chromedp.Run(ctx, chromedp.Evaluate[[]Violation](run, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("run axe-core: %w", err)
	}
	var bad []Violation
	for _, v := range all {
		if v.Impact == "serious" || v.Impact == "critical" {
			bad = append(bad, v)
		}
	}
	return bad, nil
}

// HorizontalOverflow is how many CSS pixels the page is wider than the
// tab's viewport: more than zero means the page scrolls sideways.
func HorizontalOverflow(ctx context.Context) (int, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[int](`Math.max(0, document.documentElement.scrollWidth - window.innerWidth)`))
}
