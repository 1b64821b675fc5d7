// Package match matches incoming bank transactions to open invoices: by
// structured payment reference, by the payment reference of a dunning letter
// that was sent (AddLetter), by invoice number in the remittance text, by
// the payer's known IBAN and the amount, and by the payer's name. Every match
// carries the rule that found it and a confidence; below a threshold the
// transaction waits for a person.
//
// It may import the root domain package; nothing else of ours.
package match
