package dunning

import (
	"strings"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/present"
)

// The words people know the codes of dunning by: the steps of the ladders,
// the channels and the action types, in English and in Dutch, so that no
// code (friendly_reminder, promise_to_pay) reaches a page or an export.

// twoWords is a code in English and in Dutch.
type twoWords struct{ en, nl string }

func (w twoWords) in(l present.Lang) string {
	if l == present.NL {
		return w.nl
	}
	return w.en
}

// stepWords are the steps of the default policy and the optional steps.
var stepWords = map[string]twoWords{
	"friendly_reminder":         {"payment reminder", "betalingsherinnering"},
	"reminder":                  {"payment reminder", "betalingsherinnering"},
	"second_reminder":           {"second reminder with statement", "tweede herinnering met rekeningoverzicht"},
	"call":                      {"phone call", "bellen"},
	"aanmaning":                 {"formal demand (aanmaning)", "aanmaning"},
	"last_call":                 {"last phone call", "laatste belpoging"},
	"ingebrekestelling":         {"notice of default (ingebrekestelling)", "ingebrekestelling"},
	"veertiendagenbrief":        {"14-day letter (veertiendagenbrief)", "veertiendagenbrief"},
	"handover":                  {"hand-over to a collection agency", "overdracht aan incassobureau"},
	ThankYouStep:                {"thank-you email", "bedankmail"},
	ArrangementConfirmationStep: {"confirmation of the payment arrangement", "bevestiging van de betalingsregeling"},
}

// StepWord is the step named name in words: "payment reminder",
// "betalingsherinnering". A step a policy names otherwise is written with
// spaces for its underscores.
func StepWord(l present.Lang, name string) string {
	if w, ok := stepWords[name]; ok {
		return w.in(l)
	}
	return strings.ReplaceAll(name, "_", " ")
}

var channelWords = map[Channel]twoWords{
	Email:  {"email", "e-mail"},
	Letter: {"letter", "brief"},
	Phone:  {"phone", "telefoon"},
}

// ChannelWord is the channel in words: "letter", "brief".
func ChannelWord(l present.Lang, c Channel) string {
	if w, ok := channelWords[c]; ok {
		return w.in(l)
	}
	return string(c)
}

var actionWords = map[ActionType]twoWords{
	ReminderSent:    {"reminder sent", "herinnering verstuurd"},
	LetterSent:      {"letter sent", "brief verstuurd"},
	Call:            {"called", "gebeld"},
	PromiseToPay:    {"promise to pay", "betalingsbelofte"},
	Dispute:         {"dispute", "betwisting"},
	DisputeResolved: {"dispute resolved", "betwisting opgelost"},
	Arrangement:     {"payment arrangement", "betalingsregeling"},
	Handover:        {"handed over to the collection agency", "overgedragen aan incassobureau"},
	Note:            {"note", "notitie"},
	Pause:           {"dunning paused", "aanmanen gepauzeerd"},
}

// ActionWord is the action type in words: "promise to pay",
// "betalingsbelofte".
func ActionWord(l present.Lang, a ActionType) string {
	if w, ok := actionWords[a]; ok {
		return w.in(l)
	}
	return strings.ReplaceAll(string(a), "_", " ")
}

// kindWords are the kinds of customer, as the ladders are named after them.
var kindWords = map[creditflow.CustomerKind]twoWords{
	creditflow.B2B: {"business", "zakelijke"},
	creditflow.B2C: {"consumer", "particuliere"},
}

// weekdayWords are the values of preferred_contact_day.
var weekdayWords = map[string]twoWords{
	"monday": {"Monday", "maandag"}, "tuesday": {"Tuesday", "dinsdag"}, "wednesday": {"Wednesday", "woensdag"},
	"thursday": {"Thursday", "donderdag"}, "friday": {"Friday", "vrijdag"},
}
