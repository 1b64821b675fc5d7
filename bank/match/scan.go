package match

// foundRefs are the valid references written in a remittance text.
type foundRefs struct {
	kenmerken []string // numbers of valid betalingskenmerken
	rfBodies  []string // bodies of valid RF references
	buf       []byte
	groups    [][2]int
}

// scanReferences finds the betalingskenmerken (16 digits, possibly in
// groups separated by spaces) and RF creditor references in text. Only
// references whose check digits are right are kept: a payer who typed the
// reference wrong has not named an invoice.
func scanReferences(text string, r *foundRefs) {
	r.kenmerken = r.kenmerken[:0]
	r.rfBodies = r.rfBodies[:0]
	nd := 0
	for i := 0; i < len(text); i++ {
		if isDigit(text[i]) {
			nd++
		}
	}
	if nd >= 16 {
		scanKenmerken(text, r)
	}
	for i := 0; i+4 <= len(text); i++ {
		if (text[i] == 'R' || text[i] == 'r') && (text[i+1] == 'F' || text[i+1] == 'f') &&
			isDigit(text[i+2]) && isDigit(text[i+3]) && (i == 0 || !isAlnum(text[i-1])) {
			if body := scanRF(text[i:], r); body != "" {
				r.rfBodies = append(r.rfBodies, body)
			}
		}
	}
}

// scanKenmerken tries every run of consecutive digit groups (separated by
// blanks only) that holds 16 digits.
func scanKenmerken(text string, r *foundRefs) {
	i := 0
	for i < len(text) {
		if !isDigit(text[i]) || (i > 0 && isAlnum(text[i-1])) {
			i++
			continue
		}
		// A chain of digit groups starting at i.
		r.groups = r.groups[:0]
		j := i
		for {
			k := j
			for k < len(text) && isDigit(text[k]) {
				k++
			}
			if k < len(text) && isAlpha(text[k]) {
				break // digits glued to letters: an id, not a kenmerk
			}
			r.groups = append(r.groups, [2]int{j, k})
			sp := k
			for sp < len(text) && (text[sp] == ' ' || text[sp] == '\t') {
				sp++
			}
			if sp == k || sp >= len(text) || !isDigit(text[sp]) {
				j = k
				break
			}
			j = sp
		}
		if j <= i {
			j = i + 1
		}
		for a := range r.groups {
			n := 0
			for b := a; b < len(r.groups) && n < 16; b++ {
				n += r.groups[b][1] - r.groups[b][0]
				if n != 16 {
					continue
				}
				r.buf = r.buf[:0]
				for _, g := range r.groups[a : b+1] {
					r.buf = append(r.buf, text[g[0]:g[1]]...)
				}
				if k := KenmerkNumber(string(r.buf)); k != "" {
					r.kenmerken = append(r.kenmerken, k)
				}
			}
		}
		i = j
	}
}

// scanRF reads an RF reference at the start of text, written whole or in
// groups separated by spaces, and returns its body; "" when no prefix of
// the groups is a valid reference. The longest valid prefix wins.
func scanRF(text string, r *foundRefs) string {
	r.buf = r.buf[:0]
	r.groups = r.groups[:0]
	i := 0
	for i < len(text) && len(r.buf) <= 25 {
		k := i
		for k < len(text) && isAlnum(text[k]) {
			c := text[k]
			if c >= 'a' && c <= 'z' {
				c -= 'a' - 'A'
			}
			r.buf = append(r.buf, c)
			k++
		}
		if k == i {
			break
		}
		r.groups = append(r.groups, [2]int{0, len(r.buf)})
		if k < len(text) && text[k] != ' ' {
			break
		}
		i = k + 1
	}
	for g := len(r.groups) - 1; g >= 0; g-- {
		n := r.groups[g][1]
		if n < 5 || n > 25 {
			continue
		}
		if s := string(r.buf[:n]); ValidRF(s) {
			return s[4:]
		}
	}
	return ""
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isAlnum(c byte) bool { return isDigit(c) || isAlpha(c) }
