package present

import (
	"fmt"
	"strings"
)

// Plural writes n with the text that goes with it, in the language: one
// when n is 1, else many; both are English formats with a %s for the
// number, looked up as T does: Plural(3, "%s invoice", "%s invoices") is
// "3 invoices", in Dutch "3 facturen". A form without %s ("The customer")
// is written without the number.
func (l Lang) Plural(n int, one, many string) string {
	f := l.T(many)
	if n == 1 {
		f = l.T(one)
	}
	if !strings.Contains(f, "%") {
		return f
	}
	return fmt.Sprintf(f, l.Count(n))
}

// Noun is the form of a noun that goes with n, in the language: one when n
// is 1, else many: Noun(3, "customer", "customers") is "customers", in
// Dutch "debiteuren".
func (l Lang) Noun(n int, one, many string) string {
	if n == 1 {
		return l.T(one)
	}
	return l.T(many)
}
