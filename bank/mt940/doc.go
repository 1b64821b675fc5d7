// Package mt940 reads SWIFT MT940 and MT942 bank statements, as Dutch and
// German banks export them, into creditflow bank transactions.
//
// It may import the root domain package; nothing else of ours.
package mt940
