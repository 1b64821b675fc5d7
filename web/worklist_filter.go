package web

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/present"
)

// The filters of the worklist, shared by the page (/worklist), its exports
// and the API (GET /api/dunning/worklist): the same query parameters pick
// the same tasks everywhere.

// noOwner is the owner filter of the customers that have no collector.
const noOwner = "-"

// worklistFilter is what the query string asks for. The zero value keeps
// every task.
type worklistFilter struct {
	step, channel, segment string
	// owner is a collector's name, or noOwner.
	owner string
	// class is a risk class letter A–E.
	class creditflow.RiskClass
	// customer is a part of a customer's name or number, any case.
	customer string
	// minText and maxText are the amount bounds as typed; min and max the
	// amounts read from them, hasMin and hasMax whether they were given.
	minText, maxText string
	min, max         creditflow.Money
	hasMin, hasMax   bool
}

// readWorklistFilter reads the filters of q. An amount that cannot be read
// is an error naming it; l is the language it was typed in.
func readWorklistFilter(q url.Values, l present.Lang) (worklistFilter, error) {
	f := worklistFilter{
		step: strings.TrimSpace(q.Get("step")), channel: strings.TrimSpace(q.Get("channel")),
		segment: strings.TrimSpace(q.Get("segment")), owner: strings.TrimSpace(q.Get("owner")),
		class:    creditflow.RiskClass(strings.ToUpper(strings.TrimSpace(q.Get("class")))),
		customer: strings.TrimSpace(q.Get("customer")),
		minText:  strings.TrimSpace(q.Get("min")), maxText: strings.TrimSpace(q.Get("max")),
	}
	var err error
	if f.minText != "" {
		if f.min, err = parseAmount(f.minText, l); err != nil {
			return f, fmt.Errorf("%w: min %q: %s", creditflow.ErrInvalid, f.minText, l.T("expected an amount such as 1000 or 1250.50"))
		}
		f.hasMin = true
	}
	if f.maxText != "" {
		if f.max, err = parseAmount(f.maxText, l); err != nil {
			return f, fmt.Errorf("%w: max %q: %s", creditflow.ErrInvalid, f.maxText, l.T("expected an amount such as 1000 or 1250.50"))
		}
		f.hasMax = true
	}
	return f, nil
}

// parseAmount reads an amount as people type it: "1000", "1250.50",
// "1.250,50", "1,250.50", "€ 1.250". With one kind of separator, it groups
// thousands when it is the language's grouping and three digits follow it
// ("1.000" is a thousand in Dutch, one in English); else it is the decimal
// separator.
func parseAmount(s string, l present.Lang) (creditflow.Money, error) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "€", "", "EUR", "", "eur", "").Replace(s)
	dot, comma := strings.LastIndex(s, "."), strings.LastIndex(s, ",")
	group := "."
	if l != present.NL {
		group = ","
	}
	switch {
	case dot >= 0 && comma >= 0:
		if dot > comma {
			s = strings.ReplaceAll(s, ",", "")
		} else {
			s = strings.ReplaceAll(strings.ReplaceAll(s, ".", ""), ",", ".")
		}
	case dot >= 0 || comma >= 0:
		sep, at := ".", dot
		if comma >= 0 {
			sep, at = ",", comma
		}
		if strings.Count(s, sep) > 1 || (sep == group && len(s)-at-1 == 3) {
			s = strings.ReplaceAll(s, sep, "")
		} else {
			s = strings.Replace(s, sep, ".", 1)
		}
	}
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return 0, fmt.Errorf("%w: amount %q", creditflow.ErrInvalid, s)
	}
	return creditflow.ParseMoney(s)
}

// active reports whether any filter is set.
func (f worklistFilter) active() bool {
	return f.step != "" || f.channel != "" || f.segment != "" || f.owner != "" || f.class != "" ||
		f.customer != "" || f.hasMin || f.hasMax
}

// keep reports whether the worklist's task t passes the filters.
func (f worklistFilter) keep(w *app.Worklist, t dunning.Task) bool {
	switch {
	case f.step != "" && t.Step != f.step,
		f.channel != "" && string(t.Channel) != f.channel,
		f.segment != "" && w.Segments[t.CustomerID] != f.segment,
		f.class != "" && w.Classes[t.CustomerID] != f.class,
		f.hasMin && t.AmountOverdue < f.min,
		f.hasMax && t.AmountOverdue > f.max:
		return false
	}
	if f.owner != "" {
		owner := w.Owners[t.CustomerID]
		if (f.owner == noOwner && owner != "") || (f.owner != noOwner && !strings.EqualFold(owner, f.owner)) {
			return false
		}
	}
	if f.customer != "" {
		needle := strings.ToLower(f.customer)
		if !strings.Contains(strings.ToLower(t.Name), needle) && !strings.Contains(strings.ToLower(t.CustomerID), needle) {
			return false
		}
	}
	return true
}

// values are the filters as query parameters, for links that keep them.
func (f worklistFilter) values() url.Values {
	v := url.Values{}
	set := func(k, x string) {
		if x != "" {
			v.Set(k, x)
		}
	}
	set("step", f.step)
	set("channel", f.channel)
	set("segment", f.segment)
	set("owner", f.owner)
	set("class", string(f.class))
	set("customer", f.customer)
	set("min", f.minText)
	set("max", f.maxText)
	return v
}

// rankedTask is a task with its rank on the whole worklist: 1 is the
// highest priority.
type rankedTask struct {
	dunning.Task
	Rank int
}

// worklistSelection is what the filters keep of a worklist, with its
// totals.
type worklistSelection struct {
	Tasks                              []rankedTask
	Invoices                           int
	Overdue, Interest, Costs, Expected creditflow.Money
}

// selectTasks applies f to the whole worklist w.
func selectTasks(w *app.Worklist, f worklistFilter) worklistSelection {
	var s worklistSelection
	for i, t := range w.Tasks {
		if !f.keep(w, t) {
			continue
		}
		s.Tasks = append(s.Tasks, rankedTask{Task: t, Rank: i + 1})
		s.Invoices += t.Invoices
		s.Overdue += t.AmountOverdue
		s.Interest += t.Interest
		s.Costs += t.Costs
		if t.Priority > 0 {
			s.Expected += creditflow.Money(math.Round(t.Priority * 100))
		}
	}
	return s
}

// riskClassLabel is a risk class for people: "C · moderate risk"; "" for
// none.
func riskClassLabel(l present.Lang, c creditflow.RiskClass) string {
	switch c {
	case "":
		return ""
	case "A":
		return l.T("A · very low risk")
	case "B":
		return l.T("B · low risk")
	case "C":
		return l.T("C · moderate risk")
	case "D":
		return l.T("D · high risk")
	case "E":
		return l.T("E · very high risk")
	}
	return string(c)
}

// riskClasses are the classes of the filter, safest first.
var filterClasses = []creditflow.RiskClass{"A", "B", "C", "D", "E"}
