// Package camt reads ISO 20022 bank-to-customer cash management messages:
// camt.052 (account report), camt.053 (statement, *rekeningafschrift*) and
// camt.054 (debit/credit notification), versions .001.01 to .001.08, into
// creditflow.BankTransaction values.
//
// Elements are matched on their local names, so the namespaces of all
// versions are read the same way.
//
// It may import the root domain package; nothing else of ours.
package camt
