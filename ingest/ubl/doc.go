// Package ubl reads UBL 2.1 invoices and credit notes of EN 16931 (the
// basis of Peppol BIS Billing 3.0) into creditflow's domain types.
//
// It may import the root domain package and the standard library only.
package ubl
