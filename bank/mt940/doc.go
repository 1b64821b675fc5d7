// Package mt940 reads SWIFT MT940 and MT942 bank statements, as Dutch and
// German banks export them, into creditflow bank transactions. Besides the
// SWIFT layout it reads what banks still send: the old Rabobank layout (a
// ":940:" line before each statement, amounts with a decimal point) and
// :61: lines without a transaction type code. A line it cannot read is a
// *LineError naming the line and the field.
//
// It may import the root domain package; nothing else of ours.
package mt940
