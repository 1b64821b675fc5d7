// Package outbox sends the day's dunning letters and records what was sent.
//
// A letter goes out by e-mail when its step's channel is email and the
// customer has an e-mail address: the letter's HTML is the body, its PDF is
// attached, subject and text in the customer's language. Every other letter
// (a step whose channel is letter, or a customer without an address) goes
// into one print batch PDF, to be printed and posted.
//
// Each letter is recorded once in dunning_letters, one row per customer,
// step and letter date, so that a second run on the same day sends nothing
// again. Delivery is at most once: the row is marked 'sending' in one
// transaction before the letter goes out, and marked 'sent' after, in the
// transaction that also records the dunning action that makes the step
// count as taken. A run that stops in between, or a server that drops the
// line after the whole message went over, leaves the row 'sending'; the next
// run reports it for a person to check and does not send it again, until
// Resolve records what the person found (sent, or to send again). The
// message id is recorded before sending, to look the message up in the
// server's log.
// Temporary failures (an SMTP 4xx answer, a connection that cannot be made
// or breaks before the message was handed over) are retried with backoff
// and, when they persist, leave the row 'queued' for the next run; permanent
// ones (5xx) are recorded 'failed' with the server's answer. When no session
// with the server can be had (connection, TLS or AUTH refused), the letter
// is not at fault: it and the e-mails not yet tried wait for the next run,
// and the run stops with the error after making the print batch.
//
// A customer's e-mail field may hold several addresses (comma or semicolon);
// one that does not parse sends the letter to print.
//
// It may import the root domain package, store and dunning.
package outbox
