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

// groupedMoney formats m with thousands separators: 12,340.00.
func groupedMoney(m creditflow.Money) string {
	s := m.String()
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	whole, cents := s[:len(s)-3], s[len(s)-3:]
	var b []byte
	if neg {
		b = append(b, '-')
	}
	for i := 0; i < len(whole); i++ {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, whole[i])
	}
	return string(append(b, cents...))
}
