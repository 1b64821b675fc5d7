package risk

import (
	"fmt"
	"slices"
	"strings"

	"github.com/creditflow/creditflow"
)

// Sort orders of Scored.Sorted.
const (
	SortRisk     = "risk"     // score, highest first (then p_severe)
	SortExposure = "exposure" // exposure, largest first
	SortName     = "name"     // name, A to Z
)

// Sorted returns a page: sort "risk" (score desc; "" means risk),
// "exposure" (desc), "name"; the segment filter is optional; total is the
// count before paging. limit 0 means DefaultLimit. Unknown sort → ErrInvalid.
func (s *Scored) Sorted(sortBy, segment string, limit, offset int) (page []creditflow.RiskScore, total int, err error) {
	var less func(a, b *creditflow.RiskScore) int
	switch sortBy {
	case SortRisk, "":
		less = func(a, b *creditflow.RiskScore) int {
			if a.Score != b.Score {
				return b.Score - a.Score
			}
			if a.PSevere != b.PSevere {
				return cmpFloat(b.PSevere, a.PSevere)
			}
			if a.PLate != b.PLate {
				return cmpFloat(b.PLate, a.PLate)
			}
			return strings.Compare(a.CustomerID, b.CustomerID)
		}
	case SortExposure:
		less = func(a, b *creditflow.RiskScore) int {
			if a.Exposure != b.Exposure {
				if a.Exposure > b.Exposure {
					return -1
				}
				return 1
			}
			return strings.Compare(a.CustomerID, b.CustomerID)
		}
	case SortName:
		less = func(a, b *creditflow.RiskScore) int {
			if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
				return c
			}
			return strings.Compare(a.CustomerID, b.CustomerID)
		}
	default:
		return nil, 0, fmt.Errorf("%w: sort %q: expected risk, exposure or name", creditflow.ErrInvalid, sortBy)
	}
	if err := ValidatePage(limit, offset); err != nil {
		return nil, 0, err
	}
	if limit == 0 {
		limit = DefaultLimit
	}
	order := s.order(sortBy, less)
	sel := make([]creditflow.RiskScore, 0, min(limit, len(order)))
	for _, i := range order {
		c := &s.Customers[i]
		if segment != "" && !strings.EqualFold(c.Segment, segment) {
			continue
		}
		if total >= offset && len(sel) < limit {
			sel = append(sel, *c)
		}
		total++
	}
	return sel, total, nil
}

// order returns the indexes of Customers in a sort order, computed once.
func (s *Scored) order(sortBy string, cmp func(a, b *creditflow.RiskScore) int) []int {
	if sortBy == "" {
		sortBy = SortRisk
	}
	s.ordersMu.Lock()
	defer s.ordersMu.Unlock()
	if o, ok := s.orders[sortBy]; ok {
		return o
	}
	o := make([]int, len(s.Customers))
	for i := range o {
		o[i] = i
	}
	slices.SortFunc(o, func(a, b int) int { return cmp(&s.Customers[a], &s.Customers[b]) })
	if s.orders == nil {
		s.orders = map[string][]int{}
	}
	s.orders[sortBy] = o
	return o
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
