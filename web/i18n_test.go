package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/creditflow/creditflow/present"
)

// templateTexts finds the literal texts of the t and tf calls of a
// template: {{t "Due date"}}, (tf "%d invoices" .N).
var templateTexts = regexp.MustCompile(`[({]\s*-?\s*tf? ("(?:[^"\\]|\\.)*")`)

// TestEveryTextHasDutch checks that every text the pages look up, in the
// templates and in the Go code of the package, has a Dutch translation:
// the literal arguments of t and tf, of T and Tf, of Plural and Noun, the
// navigation, and
// the pageSpec messages that are shown when a page fails.
func TestEveryTextHasDutch(t *testing.T) {
	missing := map[string][]string{}
	need := func(where, text string) {
		if text != "" && !present.HasDutch(text) {
			missing[text] = append(missing[text], where)
		}
	}
	templates, err := filepath.Glob("templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range templates {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range templateTexts.FindAllStringSubmatch(string(b), -1) {
			text, err := strconv.Unquote(m[1])
			if err != nil {
				t.Fatalf("%s: %s: %v", name, m[1], err)
			}
			need(name, text)
		}
	}
	sources, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range sources {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if !ok || len(n.Args) == 0 {
					return true
				}
				// T and Tf look up their first argument; Plural and Noun
				// the two after the number.
				args := n.Args[:1]
				switch sel.Sel.Name {
				case "T", "Tf":
				case "Plural", "Noun":
					if len(n.Args) < 3 {
						return true
					}
					args = n.Args[1:3]
				default:
					return true
				}
				for _, arg := range args {
					if lit, ok := arg.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						text, _ := strconv.Unquote(lit.Value)
						need(fset.Position(lit.Pos()).String(), text)
					}
				}
			case *ast.KeyValueExpr:
				key, ok := n.Key.(*ast.Ident)
				if !ok || key.Name != "failed" {
					return true
				}
				if lit, ok := n.Value.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					text, _ := strconv.Unquote(lit.Value)
					need(fset.Position(lit.Pos()).String(), text)
				}
			}
			return true
		})
	}
	for _, e := range navigation {
		for _, text := range []string{e.Label, e.Title, e.Tagline, e.Hint} {
			need("navigation "+e.Key, text)
		}
	}
	for _, en := range uploadCodes {
		need("uploadCodes", en)
	}
	for _, en := range uploadMessages {
		need("uploadMessages", en)
	}
	for text, where := range missing {
		t.Errorf("no Dutch for %q (%s)", text, strings.Join(where, ", "))
	}
}
