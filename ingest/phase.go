package ingest

import (
	"log/slog"
	"time"
)

// PhaseTimer logs how long each phase of a step of a run took, at debug
// level (creditflow ingest --trace shows it).
type PhaseTimer struct {
	log         *slog.Logger
	step        string
	start, last time.Time
}

// NewPhaseTimer starts timing step.
func NewPhaseTimer(log *slog.Logger, step string) *PhaseTimer {
	now := time.Now()
	return &PhaseTimer{log: log, step: step, start: now, last: now}
}

// Phase logs the time since the previous phase ended, as phase name.
func (t *PhaseTimer) Phase(name string) {
	now := time.Now()
	t.log.Debug("ingest phase", "step", t.step, "phase", name, "seconds", now.Sub(t.last).Seconds())
	t.last = now
}

// Done logs the time since the step started.
func (t *PhaseTimer) Done() {
	t.log.Debug("ingest step done", "step", t.step, "seconds", time.Since(t.start).Seconds())
}
