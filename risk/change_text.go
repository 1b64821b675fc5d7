package risk

import (
	"fmt"
	"math"
	"strconv"

	"github.com/creditflow/creditflow"
)

// changeSentence describes a change that came without a sentence.
func changeSentence(ch creditflow.BehaviourChange) string {
	switch ch.Kind {
	case "silence":
		return fmt.Sprintf("Stopped paying: no payment since %s.", ch.ChangeDate)
	case "improving":
		return fmt.Sprintf("Pays %s earlier since %s (%s before, %s now).", daysText(ch.ShiftDays), ch.ChangeDate, lateText(ch.BeforeDays), lateText(ch.AfterDays))
	}
	return fmt.Sprintf("Pays %s later since %s (%s before, %s now).", daysText(ch.ShiftDays), ch.ChangeDate, lateText(ch.BeforeDays), lateText(ch.AfterDays))
}

// daysLatePhrase says x days late in words: "4 days late", "on time",
// "3 days early".
func daysLatePhrase(x float64) string {
	n := int(math.Round(x))
	switch {
	case n == 0:
		return "on time"
	case n == 1:
		return "1 day late"
	case n == -1:
		return "1 day early"
	case n < 0:
		return strconv.Itoa(-n) + " days early"
	}
	return strconv.Itoa(n) + " days late"
}
