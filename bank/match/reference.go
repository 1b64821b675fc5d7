package match

import (
	"strings"
)

// kenmerkWeights are the weights of the Dutch betalingskenmerk's modulus-11
// check, applied from the rightmost digit leftwards and repeated.
var kenmerkWeights = [...]int{2, 4, 8, 5, 10, 9, 7, 3, 6, 1}

// kenmerkCheck is the check digit of the digits that follow it.
func kenmerkCheck(digits string) byte {
	sum := 0
	for i := 0; i < len(digits); i++ {
		d := int(digits[len(digits)-1-i] - '0')
		sum += d * kenmerkWeights[i%len(kenmerkWeights)]
	}
	c := 11 - sum%11
	switch c {
	case 10:
		c = 1
	case 11:
		c = 0
	}
	return byte('0' + c)
}

// Betalingskenmerk makes the 16-digit Dutch payment reference for a number
// of at most 15 digits: the check digit, then the number padded with zeros.
// It returns "" when number is not 1-15 digits.
func Betalingskenmerk(number string) string {
	if len(number) == 0 || len(number) > 15 || !allDigits(number) {
		return ""
	}
	body := strings.Repeat("0", 15-len(number)) + number
	return string(kenmerkCheck(body)) + body
}

// ValidBetalingskenmerk reports whether s (spaces allowed) is a Dutch
// betalingskenmerk with a correct check digit: 16 digits (check digit and 15
// digits) or 9-14 digits (check digit, length code, digits). The 7-digit form
// has no check and is not accepted: it cannot tell a typing error.
func ValidBetalingskenmerk(s string) bool {
	d := stripSpaces(s)
	if !allDigits(d) {
		return false
	}
	switch n := len(d); {
	case n == 16:
		return kenmerkCheck(d[1:]) == d[0]
	case n >= 9 && n <= 14:
		// The length code counts the digits after it, modulo 10.
		if int(d[1]-'0') != (n-2)%10 {
			return false
		}
		return kenmerkCheck(d[1:]) == d[0]
	}
	return false
}

// KenmerkNumber is the number a valid betalingskenmerk carries, without
// check digit, length code and leading zeros; "" for an invalid one.
func KenmerkNumber(s string) string {
	if !ValidBetalingskenmerk(s) {
		return ""
	}
	d := stripSpaces(s)
	if len(d) == 16 {
		d = d[1:]
	} else {
		d = d[2:]
	}
	return strings.TrimLeft(d, "0")
}

// mod97 is the remainder of the ISO 7064 MOD 97-10 number of s, letters
// counted as A=10 ... Z=35; ok is false for other characters.
func mod97(s string) (int, bool) {
	r := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			r = (r*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			v := int(c-'A') + 10
			r = (r*100 + v) % 97
		default:
			return 0, false
		}
	}
	return r, true
}

// RFReference makes the ISO 11649 creditor reference for body (1-21 letters
// and digits): "RF", two check digits, body. It returns "" for a bad body.
func RFReference(body string) string {
	body = strings.ToUpper(body)
	if len(body) == 0 || len(body) > 21 {
		return ""
	}
	r, ok := mod97(body + "RF00")
	if !ok {
		return ""
	}
	c := 98 - r
	return "RF" + string([]byte{byte('0' + c/10), byte('0' + c%10)}) + body
}

// ValidRF reports whether s (spaces allowed, any case) is an ISO 11649 RF
// creditor reference with correct check digits.
func ValidRF(s string) bool {
	d := strings.ToUpper(stripSpaces(s))
	if len(d) < 5 || len(d) > 25 || !strings.HasPrefix(d, "RF") || !allDigits(d[2:4]) {
		return false
	}
	r, ok := mod97(d[4:] + d[:4])
	return ok && r == 1
}

// RFBody is the reference inside a valid RF creditor reference, without
// "RF" and check digits; "" for an invalid one.
func RFBody(s string) string {
	if !ValidRF(s) {
		return ""
	}
	return strings.ToUpper(stripSpaces(s))[4:]
}

// NormalizeIBAN removes spaces and upper-cases an account number.
func NormalizeIBAN(s string) string { return strings.ToUpper(stripSpaces(s)) }

// ValidIBAN reports whether s is an IBAN with correct check digits.
func ValidIBAN(s string) bool {
	d := NormalizeIBAN(s)
	if len(d) < 15 || len(d) > 34 || !allDigits(d[2:4]) {
		return false
	}
	r, ok := mod97(d[4:] + d[:4])
	return ok && r == 1
}

// IBAN makes an IBAN from a country code and the national account number
// (BBAN), computing the check digits; "" when the parts are not letters and
// digits.
func IBAN(country, bban string) string {
	country, bban = strings.ToUpper(country), strings.ToUpper(bban)
	r, ok := mod97(bban + country + "00")
	if !ok || len(country) != 2 {
		return ""
	}
	c := 98 - r
	return country + string([]byte{byte('0' + c/10), byte('0' + c%10)}) + bban
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) > 0
}

func stripSpaces(s string) string {
	if !strings.ContainsAny(s, " \t") {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, s)
}
