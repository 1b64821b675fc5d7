// Package app is the application layer: it composes the analytics of one
// as-of date (risk scores, then the cash forecast and the payment forecast of
// open items on them, then the dunning worklist weighted by them) and keeps
// their results, so that the web server, the CLI and the weekly report all
// get the same figures from one place.
//
// The results are cached by as-of date until a change makes them stale.
// Invalidate is the one place that says what each change touches: a loaded
// file touches everything, a payment booked by hand only the figures as of
// its date or later, a recorded dunning action only the worklist.
//
// Auth keeps the people and tokens who use the service: users with argon2id
// password hashes and roles, API tokens, the dashboard sessions (in the
// database, with a cache in front) and the audit log of every change.
//
// It may import the root domain package, store, risk, forecast, dunning,
// outbox, ingest and bank; never web, report or cmd.
package app
