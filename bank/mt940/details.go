package mt940

import (
	"strings"

	"github.com/creditflow/creditflow"
)

// applyDetails fills the counterparty, references and text of t from the
// :86: information, whichever of the three bank dialects it is in.
func applyDetails(t *creditflow.BankTransaction, raw string) {
	t.CounterName, t.CounterIBAN, t.EndToEndID, t.StructuredRef, t.RemittanceText, t.ReturnReason = "", "", "", "", "", ""
	s := strings.TrimSpace(raw)
	switch {
	case len(s) >= 4 && allDigits(s[:3]) && (s[3] == '?' || s[3] == '>'):
		subfields(t, s, s[3])
	case strings.Contains(s, "/TRTP/") || strings.Contains(s, "/EREF/") || strings.Contains(s, "/REMI/") || strings.Contains(s, "/CNTP/") || strings.Contains(s, "/NAME/") || strings.Contains(s, "/IBAN/"):
		structured(t, s)
	default:
		freeText(t, s)
	}
}

// structuredKeys are the codes of the Dutch SEPA :86: format (ING,
// Rabobank, ABN AMRO): /TRTP/SEPA OVERBOEKING/IBAN/NL.../NAME/.../REMI/...
var structuredKeys = []string{"TRTP", "IBAN", "BIC", "NAME", "REMI", "EREF", "CSID", "MARF", "RTRN", "CNTP", "ORDP", "BENM", "PREF", "ULTC", "ULTD", "ULTB", "PURP", "SVCL", "ADDR", "IREF", "KREF", "ISDT", "FX", "EXCH", "CHGS"}

func structured(t *creditflow.BankTransaction, s string) {
	// Lines wrap at a fixed width, in the middle of words.
	s = strings.ReplaceAll(s, "\n", "")
	type kv struct{ key, val string }
	var parts []kv
	i := 0
	start := -1
	key := ""
	for i < len(s) {
		if s[i] == '/' {
			if k := keyAt(s, i); k != "" {
				if start >= 0 {
					parts = append(parts, kv{key, s[start:i]})
				}
				key = k
				i += len(k) + 2
				start = i
				continue
			}
		}
		i++
	}
	if start >= 0 {
		parts = append(parts, kv{key, s[start:]})
	}
	if len(parts) == 0 {
		freeText(t, s)
		return
	}
	for _, p := range parts {
		v := strings.TrimSpace(strings.Trim(p.val, "/"))
		switch p.key {
		case "IBAN":
			if t.CounterIBAN == "" {
				t.CounterIBAN = v
			}
		case "NAME":
			if t.CounterName == "" {
				t.CounterName = v
			}
		case "CNTP":
			f := strings.Split(p.val, "/")
			if len(f) > 0 && t.CounterIBAN == "" {
				t.CounterIBAN = strings.TrimSpace(f[0])
			}
			if len(f) > 2 && t.CounterName == "" {
				t.CounterName = strings.TrimSpace(f[2])
			}
		case "EREF":
			if !strings.EqualFold(v, "NOTPROVIDED") {
				t.EndToEndID = v
			}
		case "RTRN":
			t.ReturnReason = v
		case "REMI":
			remittance(t, p.val)
		}
	}
}

func keyAt(s string, i int) string {
	for _, k := range structuredKeys {
		if len(s) > i+len(k)+1 && s[i+1:i+1+len(k)] == k && s[i+1+len(k)] == '/' {
			return k
		}
	}
	return ""
}

// remittance reads the REMI value: USTD is free text, STRD a structured
// creditor reference such as the Dutch betalingskenmerk.
func remittance(t *creditflow.BankTransaction, v string) {
	f := strings.Split(v, "/")
	var kept []string
	structuredRef := false
	for i, x := range f {
		x = strings.TrimSpace(x)
		switch {
		case i < 3 && x == "USTD":
			continue
		case i < 3 && x == "STRD":
			structuredRef = true
			continue
		case structuredRef && (x == "CUR" || x == "ISO" || x == "ISSR" || x == "REF" || x == "SCOR"):
			continue
		case x == "":
			continue
		}
		kept = append(kept, x)
	}
	text := strings.Join(kept, "/")
	if structuredRef {
		t.StructuredRef = text
		return
	}
	t.RemittanceText = text
}

// subfields reads the German ?NN format (Sparkasse, Volksbank, Commerzbank)
// and Triodos's >NN variant.
func subfields(t *creditflow.BankTransaction, s string, sep byte) {
	s = strings.ReplaceAll(s, "\n", "")
	var remi []string
	for _, part := range strings.Split(s, string(sep))[1:] {
		if len(part) < 2 || !allDigits(part[:2]) {
			continue
		}
		code, val := part[:2], strings.TrimSpace(part[2:])
		switch {
		case code >= "20" && code <= "29", code >= "60" && code <= "63":
			remi = append(remi, val)
		case code == "31":
			t.CounterIBAN = val
		case code == "32", code == "33":
			t.CounterName = strings.TrimSpace(t.CounterName + " " + val)
		}
	}
	text := strings.Join(remi, "")
	// SEPA keywords inside the remittance lines (EREF+, SVWZ+, RTRN+...).
	if i := strings.Index(text, "EREF+"); i >= 0 {
		t.EndToEndID = strings.TrimSpace(untilKeyword(text[i+5:]))
	}
	if i := strings.Index(text, "RTRN+"); i >= 0 {
		t.ReturnReason = strings.TrimSpace(untilKeyword(text[i+5:]))
	}
	if i := strings.Index(text, "SVWZ+"); i >= 0 {
		text = strings.TrimSpace(untilKeyword(text[i+5:]))
	}
	t.RemittanceText = text
}

var sepaKeywords = []string{"EREF+", "KREF+", "MREF+", "CRED+", "DEBT+", "SVWZ+", "ABWA+", "ABWE+", "RTRN+", "COAM+", "OAMT+", "IBAN+", "BIC+"}

func untilKeyword(s string) string {
	end := len(s)
	for _, k := range sepaKeywords {
		if i := strings.Index(s, k); i >= 0 && i < end {
			end = i
		}
	}
	return s[:end]
}

// freeText keeps the text and picks out an IBAN and the name after it, as
// ASN, SNS, Triodos and Knab write "NL47INGB0001234567 J Jansen".
func freeText(t *creditflow.BankTransaction, s string) {
	lines := strings.Split(s, "\n")
	var kept []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			kept = append(kept, l)
		}
	}
	t.RemittanceText = strings.Join(kept, " ")
	for _, l := range kept {
		if ref := betalingskenmerk(l); ref != "" {
			t.StructuredRef = ref
			break
		}
	}
	for li, l := range kept {
		words := strings.Fields(l)
		for i, w := range words {
			w = strings.TrimPrefix(strings.TrimPrefix(w, "REK:"), "IBAN:")
			if looksLikeIBAN(w) {
				t.CounterIBAN = w
				if i+1 < len(words) {
					t.CounterName = strings.Join(words[i+1:], " ")
				}
				if li == 0 && len(kept) > 1 {
					t.RemittanceText = strings.Join(kept[1:], " ")
				}
				return
			}
		}
	}
}

func looksLikeIBAN(w string) bool {
	if len(w) < 15 || len(w) > 34 {
		return false
	}
	if w[0] < 'A' || w[0] > 'Z' || w[1] < 'A' || w[1] > 'Z' || !isDigit(w[2]) || !isDigit(w[3]) {
		return false
	}
	for i := 4; i < len(w); i++ {
		c := w[i]
		if !isDigit(c) && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}

// betalingskenmerk finds the Dutch structured reference in the old ABN AMRO
// and Rabobank free text: "BETALINGSKENM.  000000042188659".
func betalingskenmerk(s string) string {
	i := strings.Index(strings.ToUpper(s), "BETALINGSKENM")
	if i < 0 {
		return ""
	}
	rest := strings.TrimLeft(s[i+len("BETALINGSKENM"):], ".: ")
	j := 0
	for j < len(rest) && (isDigit(rest[j]) || rest[j] == ' ' && !strings.HasPrefix(rest[j:], "  ")) {
		j++
	}
	ref := strings.ReplaceAll(strings.TrimSpace(rest[:j]), " ", "")
	if len(ref) < 7 || len(ref) > 16 {
		return ""
	}
	return ref
}
