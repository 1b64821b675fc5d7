package mt940

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/creditflow/creditflow"
)

// Balance is an opening or closing balance (:60F:, :62F: and their
// intermediate M forms). Amount is negative for a debit balance.
type Balance struct {
	Date     creditflow.Date
	Currency string
	Amount   creditflow.Money
}

// Statement is one MT940 message: an account's entries between two balances.
type Statement struct {
	Reference       string // :20:
	Account         string // :25:, an IBAN or a bank's own account number
	StatementNumber string // :28C:
	OpeningBalance  *Balance
	ClosingBalance  *Balance
	Transactions    []creditflow.BankTransaction
}

func (s *Statement) currency() string {
	if s.OpeningBalance != nil {
		return s.OpeningBalance.Currency
	}
	return ""
}

// maxInput bounds what Parse reads; real statements are far smaller.
const maxInput = 64 << 20

type field struct {
	tag   string
	value string
	more  []string // continuation lines, joined once the message is read
	line  int
}

// Parse reads every statement in r. name is used in error messages only.
// A line it cannot read gives a *LineError, a creditflow.ErrInvalid that
// names the file, the line, the field and what was expected.
func Parse(r io.Reader, name string) ([]Statement, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return nil, fmt.Errorf("mt940 %s: %w", name, err)
	}
	if len(data) > maxInput {
		return nil, fmt.Errorf("mt940 %s: %w: file larger than %d bytes", name, creditflow.ErrInvalid, maxInput)
	}
	p := parser{name: name}
	messages, err := p.split(data)
	if err != nil {
		return nil, err
	}
	var out []Statement
	for _, m := range messages {
		sts, err := p.statements(m)
		if err != nil {
			return nil, err
		}
		out = append(out, sts...)
	}
	return out, nil
}

type parser struct {
	name string
}

// split cuts the input into messages, each a list of fields; it strips the
// SWIFT block wrapper ({1:..}{2:..}{4: ... -}) and header lines before the
// first tag.
func (p *parser) split(data []byte) ([][]field, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	var (
		messages [][]field
		cur      []field
		sawTag   bool
		nonEmpty int
		first    string // the first non-empty line and its number, for the error
		firstN   int
		// brokenTag is set after a line holding only ":".
		brokenTag bool
	)
	flush := func() {
		for i := range cur {
			if len(cur[i].more) > 0 {
				cur[i].value += "\n" + strings.Join(cur[i].more, "\n")
				cur[i].more = nil
			}
		}
		if len(cur) > 0 {
			messages = append(messages, cur)
		}
		cur = nil
	}
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		n := i + 1
		line = strings.TrimRightFunc(line, isSpaceOrControl)
		line = strings.TrimLeftFunc(line, isControl)
		if strings.HasPrefix(line, "{") {
			line = stripBlocks(line)
			if line == "" {
				continue
			}
		}
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			continue
		}
		nonEmpty++
		if first == "" {
			first, firstN = trimmed, n
		}
		if trimmed == "-" || strings.HasPrefix(trimmed, "-}") {
			flush()
			continue
		}
		if trimmed == ":" {
			// Sparkasse exports sometimes break a tag after its colon.
			brokenTag = true
			continue
		}
		if brokenTag && !strings.HasPrefix(line, ":") {
			line = ":" + line
		}
		brokenTag = false
		if tag, rest, ok := cutTag(line); ok {
			sawTag = true
			if tag == "940" && strings.TrimSpace(rest) == "" {
				// The old Rabobank layout opens every statement with a
				// line ":940:" before its :20:.
				continue
			}
			cur = append(cur, field{tag: tag, value: rest, line: n})
			continue
		}
		if len(cur) == 0 {
			// Header lines before the first tag (ABNANL2A, 940, SOH).
			continue
		}
		// Only :61: and :86: (and the non-SWIFT :NS:) run over several
		// lines; anything else is a header before the next message.
		if f := &cur[len(cur)-1]; f.tag == "61" || f.tag == "86" || f.tag == "NS" {
			f.more = append(f.more, line)
		}
	}
	flush()
	if nonEmpty > 0 && !sawTag {
		return nil, p.failAt(firstN, "", "an MT940 statement, starting with a field such as :20:", first)
	}
	return messages, nil
}

// stripBlocks removes SWIFT header blocks {1:...}{2:...}{3:{...}} and the
// opening "{4:" of the text block, returning what follows on the line.
func stripBlocks(line string) string {
	for strings.HasPrefix(line, "{") {
		if strings.HasPrefix(line, "{4:") {
			return line[3:]
		}
		depth := 0
		end := -1
		for i := 0; i < len(line); i++ {
			switch line[i] {
			case '{':
				depth++
			case '}':
				depth--
			}
			if depth == 0 {
				end = i
				break
			}
		}
		if end < 0 {
			return ""
		}
		line = line[end+1:]
	}
	return line
}

// cutTag splits ":61:rest" into "61" and "rest".
func cutTag(line string) (tag, rest string, ok bool) {
	if len(line) < 4 || line[0] != ':' {
		return "", "", false
	}
	end := strings.IndexByte(line[1:], ':')
	if end < 2 || end > 4 {
		return "", "", false
	}
	tag = line[1 : 1+end]
	if tag != "NS" {
		if !isDigit(tag[0]) || !isDigit(tag[1]) {
			return "", "", false
		}
		for i := 2; i < len(tag); i++ {
			c := tag[i]
			if !isDigit(c) && (c < 'A' || c > 'Z') {
				return "", "", false
			}
		}
	}
	return tag, line[2+end:], true
}

func isSpaceOrControl(r rune) bool { return r == ' ' || r < 0x20 || r == 0x7f }

func isControl(r rune) bool { return r < 0x20 && r != '\t' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (p *parser) statements(fields []field) ([]Statement, error) {
	var (
		out  []Statement
		st   *Statement
		refs []txRefs
	)
	finish := func() {
		if st == nil {
			return
		}
		for i := range st.Transactions {
			t := &st.Transactions[i]
			refs[i].details = strings.Join(refs[i].more, "\n")
			if refs[i].details != "" {
				applyDetails(t, refs[i].details)
			}
			if t.CounterName == "" {
				t.CounterName = refs[i].counterName
			}
			t.Account = st.Account
			if t.Currency == "" && st.ClosingBalance != nil {
				t.Currency = st.ClosingBalance.Currency
			}
			if t.ID == "" {
				t.ID = hashID(t, refs[i])
			}
		}
		out = append(out, *st)
		st, refs = nil, nil
	}
	for _, f := range fields {
		if f.tag == "20" && st != nil && (st.Reference != "" || st.Account != "" || len(st.Transactions) > 0 || st.OpeningBalance != nil) {
			finish()
		}
		if st == nil {
			st = &Statement{}
		}
		v := strings.TrimSpace(f.value)
		switch f.tag {
		case "20":
			st.Reference = v
		case "25":
			st.Account = strings.TrimSpace(strings.SplitN(v, "\n", 2)[0])
		case "28", "28C":
			st.StatementNumber = v
		case "60F", "60M", "60":
			b, err := p.balance(f, st.currency())
			if err != nil {
				return nil, err
			}
			st.OpeningBalance = b
		case "62F", "62M", "62":
			b, err := p.balance(f, st.currency())
			if err != nil {
				return nil, err
			}
			st.ClosingBalance = b
		case "64", "65":
			if _, err := p.balance(f, st.currency()); err != nil {
				return nil, err
			}
		case "61":
			t, r, err := p.entry(f, st)
			if err != nil {
				return nil, err
			}
			st.Transactions = append(st.Transactions, t)
			refs = append(refs, r)
		case "86":
			if len(refs) == 0 {
				continue // information for the whole statement
			}
			// Rabobank repeats :86: for every line of the information.
			r := &refs[len(refs)-1]
			r.more = append(r.more, f.value)
		}
	}
	finish()
	return out, nil
}

// txRefs keeps what feeds the hash ID of an entry without a bank reference.
type txRefs struct {
	customer, bank, supplementary, details string
	counterName                            string   // from the :61: line of the old Rabobank layout
	more                                   []string // :86: fields, in order
}

func hashID(t *creditflow.BankTransaction, r txRefs) string {
	h := sha256.New()
	for _, s := range []string{t.Account, t.ValueDate.String(), t.BookingDate.String(), t.Amount.String(), t.Currency, r.customer, r.bank, r.supplementary, r.details} {
		io.WriteString(h, s)
		h.Write([]byte{0})
	}
	return "mt940:" + hex.EncodeToString(h.Sum(nil)[:12])
}

// balance reads [C|D]YYMMDDCCCamount.
func (p *parser) balance(f field, fallbackCurrency string) (*Balance, error) {
	v := strings.TrimSpace(f.value)
	if v == "" || (v[0] != 'C' && v[0] != 'D') {
		return nil, p.fail(f, "C (credit) or D (debit) before the balance", v)
	}
	neg := v[0] == 'D'
	v = v[1:]
	if len(v) < 6 {
		return nil, p.fail(f, "a date as YYMMDD, like 250131", v)
	}
	d, ok := parseYYMMDD(v[:6])
	if !ok {
		return nil, p.fail(f, "a date as YYMMDD, like 250131", v)
	}
	v = v[6:]
	var cur string
	switch {
	case len(v) >= 3 && isAlpha3(v[:3]):
		cur, v = v[:3], v[3:]
	case fallbackCurrency != "" && v != "" && isDigit(v[0]):
		// Some banks leave the currency out of intermediate balances.
		cur = fallbackCurrency
	default:
		return nil, p.fail(f, "a currency code like EUR after the date", v)
	}
	amt, rest, ok := parseAmount(v)
	if !ok || strings.TrimSpace(rest) != "" {
		return nil, p.fail(f, amountExpected, v)
	}
	if neg {
		amt = -amt
	}
	return &Balance{Date: d, Currency: cur, Amount: amt}, nil
}

func isAlpha3(s string) bool {
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// parseYYMMDD reads a six-digit date. A day past the month's end (banks
// write 30 February for the month's last day) becomes the last day.
func parseYYMMDD(s string) (creditflow.Date, bool) {
	if len(s) != 6 || !allDigits(s) {
		return creditflow.Date{}, false
	}
	yy, _ := strconv.Atoi(s[0:2])
	mm, _ := strconv.Atoi(s[2:4])
	dd, _ := strconv.Atoi(s[4:6])
	return makeDate(2000+yy, mm, dd)
}

func makeDate(y, m, d int) (creditflow.Date, bool) {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return creditflow.Date{}, false
	}
	last := time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if d > last {
		d = last
	}
	return creditflow.Date{Time: time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)}, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// amountExpected is what an error says an amount looks like.
const amountExpected = "an amount like 1234,56 (a decimal comma, or a point, with at most two decimals)"

// parseAmount reads an amount from the front of s and returns the rest.
// MT940 writes a decimal comma ("1234,5", "12,", "0,07", zero-padded at
// Rabobank); the old Rabobank layout writes a decimal point instead. A point
// is read only as long as it cannot be a thousands separator: at most two
// digits after it, and never together with a comma.
func parseAmount(s string) (creditflow.Money, string, bool) {
	i := 0
	for i < len(s) && (isDigit(s[i]) || s[i] == ',' || s[i] == '.') {
		i++
	}
	num, rest := s[:i], s[i:]
	sep := ","
	if strings.Contains(num, ".") {
		if strings.Contains(num, ",") {
			return 0, rest, false
		}
		sep = "."
	}
	whole, frac, _ := strings.Cut(num, sep)
	if whole == "" || strings.Contains(frac, sep) {
		return 0, rest, false
	}
	if sep == "." && len(frac) > 2 {
		return 0, rest, false
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > 2 {
		return 0, rest, false
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 15 {
		return 0, rest, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0, rest, false
	}
	return creditflow.Money(n), rest, true
}

// entry reads a :61: statement line:
// value date, entry date, mark, funds code, amount, transaction type code,
// customer reference, //bank reference, and supplementary details on the
// next line. Some banks leave the transaction type code out.
func (p *parser) entry(f field, st *Statement) (creditflow.BankTransaction, txRefs, error) {
	var t creditflow.BankTransaction
	var r txRefs
	v := strings.TrimLeft(f.value, " ")
	if len(v) < 6 {
		return t, r, p.fail(f, "a value date as YYMMDD, like 250131", v)
	}
	vd, ok := parseYYMMDD(v[:6])
	if !ok {
		return t, r, p.fail(f, "a value date as YYMMDD, like 250131", v)
	}
	v = v[6:]
	t.ValueDate, t.BookingDate = vd, vd
	if len(v) >= 4 && allDigits(v[:4]) {
		mm, _ := strconv.Atoi(v[:2])
		dd, _ := strconv.Atoi(v[2:4])
		y := vd.Year()
		switch {
		case mm == 1 && vd.Month() == 12:
			y++
		case mm == 12 && vd.Month() == 1:
			y--
		}
		bd, ok := makeDate(y, mm, dd)
		if !ok {
			return t, r, p.fail(f, "an entry date as MMDD after the value date "+f.value[:6], v)
		}
		t.BookingDate = bd
		v = v[4:]
	}
	switch {
	case strings.HasPrefix(v, "RC"), strings.HasPrefix(v, "RD"):
		t.Reversal = true
		v = v[1:]
	}
	if v == "" || (v[0] != 'C' && v[0] != 'D') {
		return t, r, p.fail(f, "C (credit) or D (debit), or RC or RD for a reversal, after the dates", v)
	}
	debit := v[0] == 'D'
	if t.Reversal {
		// A reversed credit takes money out; a reversed debit brings it back.
		debit = !debit
	}
	v = v[1:]
	if v != "" && v[0] >= 'A' && v[0] <= 'Z' {
		v = v[1:] // funds code
	}
	v = strings.TrimLeft(v, "\n")
	amt, rest, ok := parseAmount(v)
	if !ok {
		return t, r, p.fail(f, amountExpected, v)
	}
	if debit {
		amt = -amt
	}
	t.Amount = amt
	if st.OpeningBalance != nil {
		t.Currency = st.OpeningBalance.Currency
	}
	if hasTypeCode(rest) {
		rest = rest[4:]
	}
	first, supp, _ := strings.Cut(rest, "\n")
	cust, bank, hasBank := strings.Cut(first, "//")
	if !hasBank && len(cust) > 16 {
		r.counterName = rabobankCounterName(cust)
		supp = strings.TrimSpace(cust[16:] + "\n" + supp)
		cust = cust[:16]
	}
	r.customer = strings.TrimSpace(cust)
	r.bank = strings.TrimSpace(bank)
	r.supplementary = strings.TrimSpace(supp)
	if r.bank != "" && !strings.EqualFold(r.bank, "NONREF") {
		t.ID = r.bank
	}
	t.BatchCount = 1
	return t, r, nil
}

// hasTypeCode tells whether what follows the amount of a :61: line starts
// with a transaction type code: a letter (N, F or S in SWIFT's rules, but
// banks use others) and three more characters, such as NTRF, NMSC, N541 or
// S103. Some banks leave the code out and go on with the reference; those
// lines are told by what follows the amount: nothing, "//" and the bank
// reference, a reference that does not start with a letter, one with a
// slash in its first four characters, or NONREF (no code reads NONR).
func hasTypeCode(rest string) bool {
	if len(rest) < 4 || rest[0] < 'A' || rest[0] > 'Z' {
		return false
	}
	if strings.ContainsAny(rest[1:4], "/\n") {
		return false
	}
	return !strings.HasPrefix(rest, "NONREF")
}

// rabobankCounterName is the counterparty's name in a :61: reference of the
// old Rabobank layout, where the 16 characters of the customer reference
// hold the counterparty's account number (ten digits, or P and the giro
// number) or NONREF, padded with spaces, and the name follows on the same
// line: "0417164300      BAKKERIJ DE VRIES BV". The :86: of that layout is
// free text without the name.
func rabobankCounterName(ref string) string {
	if len(ref) <= 16 || ref[15] != ' ' {
		return ""
	}
	acct := strings.TrimRight(ref[:16], " ")
	switch {
	case len(acct) == 10 && allDigits(acct), acct == "NONREF":
	case len(acct) >= 2 && acct[0] == 'P' && allDigits(acct[1:]):
	default:
		return ""
	}
	return strings.TrimSpace(ref[16:])
}
