package mt940

import (
	"bufio"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/creditflow/creditflow"
)

const fixtureDir = "../../../shared/fixtures/mt940_wolph"

// expectation is what a WoLpH/mt940 YAML file says about a statement file.
type expectation struct {
	count      int
	hasFirst   bool
	firstAmt   string
	firstDate  string
	firstSign  string
	parsedNone bool // data: {} — nothing recognised
}

// readYAML picks the transaction count and the first transaction's amount,
// date and status out of a pickled WoLpH Transactions object.
func readYAML(t *testing.T, path string) (expectation, bool) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		return expectation{}, false
	}
	defer f.Close()
	var e expectation
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	inTx, inFirst, wantDate, wantAmt := false, false, false, false
	for sc.Scan() {
		l := sc.Text()
		if l == "data: {}" {
			e.parsedNone = true
		}
		if strings.HasPrefix(l, "transactions:") {
			inTx = true
			continue
		}
		if !inTx {
			continue
		}
		if l == "- !!python/object:mt940.models.Transaction" {
			e.count++
			inFirst = e.count == 1
			continue
		}
		if !inFirst {
			continue
		}
		tl := strings.TrimSpace(l)
		switch {
		case wantAmt:
			e.firstAmt = strings.Trim(strings.TrimPrefix(tl, "- "), "'")
			wantAmt = false
		case tl == "amount: !!python/object/apply:decimal.Decimal" && e.firstAmt == "":
			wantAmt, e.hasFirst = true, true
		case strings.HasPrefix(tl, "amount: !!python/object/apply:decimal.Decimal") && e.firstAmt == "":
			e.firstAmt = strings.Trim(tl[strings.Index(tl, "[")+1:], "]'")
			e.hasFirst = true
		case strings.HasPrefix(l, "    date: "):
			wantDate = true
		case wantDate && strings.HasPrefix(tl, "- !!binary"):
		case wantDate:
			b, err := base64.StdEncoding.DecodeString(tl)
			if err == nil && len(b) == 4 {
				e.firstDate = fmt.Sprintf("%04d-%02d-%02d", int(b[0])<<8|int(b[1]), b[2], b[3])
			}
			wantDate = false
		case strings.HasPrefix(l, "    status: "):
			e.firstSign = strings.TrimPrefix(l, "    status: ")
		}
	}
	return e, true
}

func fixtureFiles(tb testing.TB) []string {
	tb.Helper()
	if _, err := os.Stat(fixtureDir); err != nil {
		tb.Skipf("fixtures not found at %s: %v", fixtureDir, err)
	}
	var files []string
	filepath.WalkDir(fixtureDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".sta") || strings.HasSuffix(p, ".940.txt")) {
			files = append(files, p)
		}
		return nil
	})
	return files
}

// rejected lists fixtures that are deliberately malformed and that Parse
// refuses, with why.
var rejected = map[string]string{
	"self-provided/invalid_statement.sta": "no MT940 tag at all; WoLpH returns an empty object",
}

func TestFixtures(t *testing.T) {
	matched := 0
	for _, path := range fixtureFiles(t) {
		rel, _ := filepath.Rel(fixtureDir, path)
		rel = filepath.ToSlash(rel)
		t.Run(rel, func(t *testing.T) {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sts, err := Parse(f, rel)
			if why, ok := rejected[rel]; ok {
				if !errors.Is(err, creditflow.ErrInvalid) {
					t.Fatalf("want ErrInvalid (%s), got %v", why, err)
				}
				matched++
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			var txs []creditflow.BankTransaction
			for _, s := range sts {
				txs = append(txs, s.Transactions...)
			}
			if len(sts) == 0 {
				t.Errorf("no statements")
			}
			want, ok := readYAML(t, strings.TrimSuffix(path, filepath.Ext(path))+".yml")
			if !ok {
				t.Logf("no YAML; %d statements, %d transactions", len(sts), len(txs))
				return
			}
			if len(txs) != want.count {
				t.Fatalf("transactions: got %d, want %d", len(txs), want.count)
			}
			if want.hasFirst {
				got := txs[0]
				if a := got.Amount.String(); !sameAmount(a, want.firstAmt) {
					t.Errorf("first amount: got %s, want %s", a, want.firstAmt)
				}
				if d := got.ValueDate.String(); want.firstDate != "" && d != want.firstDate {
					t.Errorf("first date: got %s, want %s", d, want.firstDate)
				}
				sign := "C"
				if got.Amount < 0 {
					sign = "D"
				}
				if got.Reversal {
					sign = "R" + map[string]string{"C": "D", "D": "C"}[sign]
				}
				if want.firstSign != "" && sign != want.firstSign && !(got.Amount == 0) {
					t.Errorf("first status: got %s, want %s", sign, want.firstSign)
				}
			}
			for _, tx := range txs {
				if tx.ID == "" {
					t.Errorf("transaction without ID: %+v", tx)
				}
			}
			if !t.Failed() {
				matched++
			}
		})
	}
	t.Logf("%d fixtures match their YAML or are rejected as expected", matched)
}

func sameAmount(got, want string) bool {
	m, err := creditflow.ParseMoney(want)
	if err != nil {
		return false
	}
	return m.String() == got
}
