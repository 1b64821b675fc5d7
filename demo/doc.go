// Package demo generates realistic, seeded receivables ledgers in the
// canonical CSV input format, with known behaviour planted in them: customers
// who start paying later, pay earlier, or stop paying altogether. The truth
// file says who does what, so that models can be tested on a known answer.
//
// The columns of truth.csv mean:
//
//   - base_delay_days: the customer's mean payment delay beyond the due date
//     before any change, in days (1.0 for direct debit, minus the payment
//     term for card payers, who pay on the invoice date).
//   - worsening: from change_date on, every payment is made shift_days
//     (15–45) later than it would have been.
//   - improving: from change_date on, payments are made -shift_days (10–25)
//     earlier, but not before change_date: what is overdue then is paid on
//     change_date.
//   - stopped_paying: no payment at all on or after default_date; invoices
//     keep coming at 40% of the earlier rate.
//
// Invoicing follows yearly seasonality (peaks in March and November/December,
// a dip in July/August) and a mild growth trend; customers start and, some,
// stop buying at different dates; a few large customers get most invoices.
//
// It may import the root domain package and ingest/match (whose payment
// references the demo statements carry); nothing else of ours: it writes
// files, it does not ingest them.
package demo
