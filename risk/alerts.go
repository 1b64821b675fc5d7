package risk

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/creditflow/creditflow"
)

// Alerts returns the behaviour changes and silences detected as of asOf
// whose detection date is on or after since (zero since = all), newest
// first (then the largest exposure first).
func (e *Engine) Alerts(ctx context.Context, asOf, since creditflow.Date) ([]creditflow.Alert, error) {
	s, err := e.Scores(ctx, asOf)
	if err != nil {
		return nil, err
	}
	// Computed once per scored date; a cancelled request must not spoil it for the next.
	e.dateOnsets(ctx, s)
	if s.onsetErr != nil {
		return nil, s.onsetErr
	}
	out := []creditflow.Alert{}
	for id, ch := range s.changes {
		if on, ok := s.onsets[id]; ok {
			ch.DetectedOn = on
		}
		if !ch.Detected || (!since.IsZero() && ch.DetectedOn.Before(since.Time)) {
			continue
		}
		a := creditflow.Alert{CustomerID: id, Kind: ch.Kind, DetectedOn: ch.DetectedOn, Change: ch, Sentence: ch.Sentence}
		if i, ok := s.index[id]; ok {
			a.Name = s.Customers[i].Name
			a.Exposure = s.Customers[i].Exposure
		}
		if a.Sentence == "" {
			a.Sentence = changeSentence(ch)
		}
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b creditflow.Alert) int {
		if c := b.DetectedOn.Compare(a.DetectedOn.Time); c != 0 {
			return c
		}
		if a.Exposure != b.Exposure {
			if a.Exposure > b.Exposure {
				return -1
			}
			return 1
		}
		return strings.Compare(a.CustomerID, b.CustomerID)
	})
	return out, nil
}

// onsetWeeks is how far back, in weeks, Alerts looks for the day a change
// was first detected. Older changes are dated onsetWeeks before the as-of date:
// "detected on or before".
const onsetWeeks = 8

// onsets dates each change of s: the earliest of the weekly as-of dates
// before s.AsOf, going back without a gap, on which the change test fired
// with the same kind, replaying it on what was known on each of those days.
func (e *Engine) onsets(ctx context.Context, s *Scored) (map[string]creditflow.Date, error) {
	onsets := make(map[string]creditflow.Date, len(s.changes))
	open := map[string]string{} // still fired on every date so far: customer → kind
	for id, ch := range s.changes {
		if ch.Detected {
			onsets[id] = s.AsOf
			open[id] = ch.Kind
		}
	}
	for w := 1; w <= onsetWeeks && len(open) > 0; w++ {
		day := s.AsOf.AddDays(-7 * w)
		found, err := DetectChanges(ctx, e.q, day)
		if err != nil {
			return nil, fmt.Errorf("date alerts: %w", err)
		}
		for id, kind := range open {
			if ch, ok := found[id]; ok && ch.Detected && ch.Kind == kind {
				onsets[id] = day
			} else {
				delete(open, id)
			}
		}
	}
	return onsets, nil
}

// dateOnsets dates the changes of s once; a cancelled request must not
// spoil it for the next.
func (e *Engine) dateOnsets(ctx context.Context, s *Scored) {
	s.onsetOnce.Do(func() {
		s.onsets, s.onsetErr = e.onsets(context.WithoutCancel(ctx), s)
		s.onsetsDone.Store(true)
	})
}

// AlertsReady reports, without waiting, whether Alerts of asOf answers
// without scoring or dating anything: the scores of asOf (or the outdated
// ones served while the date is scored again) are there and their changes
// are dated, or failed to be.
func (e *Engine) AlertsReady(asOf creditflow.Date) bool {
	key := asOf.String()
	e.mu.Lock()
	s := e.stale[key]
	if ent, ok := e.cache[key]; ok && s == nil {
		select {
		case <-ent.done:
			s = ent.s // nil when the scoring failed
		default:
		}
	}
	e.mu.Unlock()
	return s != nil && s.onsetsDone.Load()
}
