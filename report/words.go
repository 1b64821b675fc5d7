package report

import (
	"strings"

	"github.com/creditflow/creditflow/present"
)

// stepNames are the steps of the default dunning policies in English words;
// their Dutch is the term credit controllers know them by.
var stepNames = map[string]string{
	"friendly_reminder":  "Friendly reminder",
	"second_reminder":    "Second reminder with statement",
	"call":               "Reminder call",
	"aanmaning":          "Formal reminder (aanmaning)",
	"last_call":          "Last call",
	"ingebrekestelling":  "Notice of default (ingebrekestelling)",
	"handover":           "Handover to a collection agency",
	"reminder":           "Reminder",
	"veertiendagenbrief": "Fourteen-day letter (veertiendagenbrief)",
}

// channelNames are the channels of a dunning step in words.
var channelNames = map[string]string{"email": "email", "letter": "letter", "phone": "phone"}

// actionText is a step of the worklist and its channel in words, in l:
// "Friendly reminder (email)"; in Dutch "Betalingsherinnering (e-mail)".
// A step of a policy of one's own is written as it is named, without the
// underscores.
func actionText(l present.Lang, step, channel string) string {
	name := strings.ReplaceAll(step, "_", " ")
	if en, ok := stepNames[step]; ok {
		name = l.T(en)
	}
	if en, ok := channelNames[channel]; ok {
		channel = l.T(en)
	}
	if channel == "" {
		return name
	}
	return name + " (" + channel + ")"
}
