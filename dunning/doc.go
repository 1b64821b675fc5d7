// Package dunning plans the collection of overdue invoices (*debiteurenbeheer*,
// *aanmanen*): which customer gets which step of the dunning ladder today,
// in which order, and the log of what collectors did.
//
// Steps work per customer, not per invoice: one step covers all of the
// customer's chased overdue invoices, and the ladder is driven by the oldest
// invoice still chased and the last step done in the current cycle (which
// starts on that invoice's due date). Nothing is due for a customer whose
// overdue invoices are all paid, disputed or covered by a promise, who is
// keeping a payment arrangement, who is marked do-not-chase (customer
// attribute do_not_chase), or whose overdue amount is below the policy's
// minimum. A run that missed days catches up with one step, the most
// advanced one due; a step done is never due again in the same cycle.
//
// # Promises and disputes
//
// Promises and disputes work per invoice. A promise to pay names a date
// and, mostly, an amount (EUR). It covers, of the invoices it names
// (by default those overdue on the day it is made) that are still chased,
// the oldest by due date whose open amounts add up to at most the amount
// still to pay (the promised amount less what the customer paid since the
// promise); an invoice is covered whole or not at all, and the first that
// does not fit and all after it stay on the ladder, so a promise never
// takes more off the ladder than was promised. The covered invoices pause
// until the promised date plus Policy.PromiseGraceDays; the task covers
// the rest, with its own amount, invoice count and oldest due date, without
// restarting the cycle; a rest below the policy's minimum is not chased
// meanwhile. A promise without an amount covers the customer whole, as
// promises did before they named amounts; it is still accepted. Of several
// promises the one with the latest promised date counts. A promise with an
// amount is kept when the customer's payments (reversals subtracted) from
// the day it was made to the end of its grace reach the amount, whichever
// invoices they went to, and broken otherwise; one without an amount is
// kept when the invoices it names are settled in that time. The dossier
// judges every promise (CustomerDossier), the worklist's reason the one
// that counts once its grace has ended.
//
// A dispute names its invoices, a reason and an owner (who handles it; by
// default who records it). From its date until a dispute_resolved action
// names them, those invoices are disputed in every analytic, not only in
// the worklist: open items, risk features and the open-item model, and the
// forecast read the same state, which the migration
// sql/009_dunning_disputes.sql builds into the macro open_invoices
// (invoice_disputes); the behaviour-change series leaves out every invoice
// a dispute named. Without such actions the ledger's disputed flag holds;
// a dispute_resolved lifts that flag too.
//
// # Pauses
//
// A pause action stops the ladder for a customer from its date up to and
// including its Until date, with a reason (a customer in debt counselling,
// talks with the account manager): no step falls due meanwhile, the
// worklist counts the customer as paused and WhyNoTask says until when
// and why. The latest pause dated on or before a day counts on that day,
// so a new pause shortens or lengthens the one before. The day after, the
// ladder goes on where it stands, catching up with one step as after
// missed days; terms and required steps apply as ever. A pause covers the
// customer whole, not some invoices (sql/014_pauses_and_manual_limits.sql,
// dunning_pause).
//
// # The ladder
//
// A step falls due on its trigger day: days_past_due after the due date of
// the oldest chased invoice, days_after_invoice after that invoice's date
// (never before it is overdue) or days_after_previous after the step
// before it. It never falls due before the term of the steps done in the
// cycle has run: the day after a step was done plus its term_days
// (Step.Term: by default 14 days for a reminder or an aanmaning, 7 for
// the ingebrekestelling and the hand-over notice, 2 + 14 for the 14-day
// letter, which is taken to be received two days after posting, and none
// for a call). Catch-up never skips a required step (required; by default
// the ingebrekestelling of a business and the veertiendagenbrief of a
// consumer, art. 6:96 lid 6 BW): while one before the proposed step was
// not done in the cycle, that one is proposed instead, so that no
// hand-over and no consumer's collection costs come without it. A broken
// payment arrangement resumes at Policy.ArrangementBrokenStep (the
// aanmaning), or the step after the last one done where the ladder has no
// such step or did it already; required steps and terms still apply.
//
// Plan records the day's steps in dunning_plan (creditflow dunning run);
// collectors record what they did with RecordAction (POST /api/actions).
// Per-customer ladders hook in through Policy.Overrides (Policy.LadderFor).
//
// # Priority
//
// The worklist is ordered by the expected cash (EUR) a step brings forward
// or saves, less its cost:
//
//	priority = amount_overdue × risk_weight × effect − cost
//
// risk_weight is the customer's p_severe from the risk engine (at least
// Policy.MinRiskWeight), effect the step's chance of making a customer pay
// who would not have paid otherwise, cost the step's cost. Phone steps
// respect a daily capacity; calls beyond it are deferred.
//
// # Learning the effects
//
// The effects start as priors in the policy (a reminder 0.30, a call 0.45,
// ...). The action log lets them be learned: the outcome of an action of a
// step is 1 when the invoices it covered were all settled within
// Policy.EffectWindowDays (14) days after the action date
// (invoice_settlement.closed_from), else 0. For a step with n outcomes of
// which k are paid, the learned effect shrinks the observed rate towards
// the prior with the weight of m = Policy.LearnMinOutcomes pseudo-outcomes:
//
//	effect = (k + m × prior) / (n + m)
//
// and only once n ≥ m (30); below that the prior is used as it is
// (LearnEffects). The observed rate includes the customers who would have
// paid anyway, while the prior is meant as the uplift: until a control
// group exists (customers randomly held back one step) or the base rate of
// paying without any action is subtracted, the learned effect overstates
// the uplift, evenly across steps, so it orders steps by their paid rate.
//
// # The claim
//
// What a debtor owes on a date is computed once, invoice by invoice (Claims,
// claim.go, sql/claim_invoices.sql), and the worklist, the letters, the
// hand-over, the dossier and the API show it. Interest runs from the day
// after the due date: handelsrente (art. 6:119a BW) for businesses,
// wettelijke rente (art. 6:119 BW) for consumers, whom a fixed due date puts
// in default without notice (art. 6:83 sub a BW); it is compounded yearly
// and accrues on the principal still owed, so interest accrued on a part
// paid later stays owed. Collection costs follow the WIK scale: over the
// total principal for consumers, and for businesses per Policy.B2BCosts (per
// invoice with EUR 40 at least by default, art. 6:96 lid 4 BW). Costs and
// interest count as claimed from the day after the term of the first
// aanmaning or ingebrekestelling (which announce them) or of a consumer's
// 14-day letter has run, or from a hand-over; from then on a payment goes to
// costs, then interest, then principal (art. 6:44 BW). Disputed invoices are
// listed apart and never claimed. The priority does not use the claim.
//
// # Files
//
//   - policy.go: the policy and its ladders, the steps' terms and
//     required steps; worklist.go: the ladder applied per customer
//     (ComputeWorklist), the priority, Plan and the learned effects;
//     ladder.go: the trigger days, the terms run and where a broken
//     arrangement resumes; notask.go: why a customer has no task
//     (WhyNoTask), by the ladder's own rules;
//   - arrangements.go: the ladder's further rules (payment arrangements
//     with instalments, the required steps before a step, the thank-you
//     emails);
//   - actions.go: the action log (pauses and call outcomes included);
//     i18n.go: the Dutch of the dossier's texts; promises.go: what a promise to pay
//     covers and how it is judged; dossier.go: a customer's timeline;
//   - claim.go: the claim; interest.go, rates.go, legal.go: statutory
//     interest, its rates and the extrajudicial collection costs;
//   - letters.go: the dunning letters, with letters_creditor.go (the
//     creditor's details), letters_wording.go (the texts and amounts),
//     letters_render.go (HTML and PDF) and letters_files.go (the files
//     and their index); handover.go: the hand-over to a collection agency.
//
// # Imports
//
// dunning may import the root domain package
// (github.com/creditflow/creditflow), present (the one formatter
// of money and dates, for the letters and reason texts) and store, and reaches the queries of
// the sql folder only through store (store.Query). It never imports web,
// risk or forecast: the risk weights come in as a function
// (Options.Risk), and the web pages call dunning, not the other way round.
package dunning
