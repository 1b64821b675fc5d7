// Package creditflow holds the domain of the service: customers, invoices,
// payments and what is computed from them. It imports nothing of ours; every
// other package depends on it.
//
// It may import the standard library only.
package creditflow
