package outbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/store"
)

// Resolve settles a letter left 'sending' (Unconfirmed) once a person has
// checked what became of it: sent records it sent, with the dunning action
// of its step, as the run would have; otherwise it goes back to the queue
// and the next run of its date sends it again. actor records the action.
func Resolve(ctx context.Context, db *store.DB, letterID int64, sent bool, actor string, now time.Time) error {
	var l dunning.DunningLetter
	var by, ids, status, messageID string
	err := db.QueryRowContext(ctx, store.Query("dunning_letter_get"), letterID).Scan(&l.CustomerID, &l.Step, &l.Form, &by,
		&l.Date, &ids, &status, &messageID)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: no letter %d", creditflow.ErrNotFound, letterID)
	}
	if err != nil {
		return fmt.Errorf("letter %d: %w", letterID, err)
	}
	if status != statusSending {
		return fmt.Errorf("%w: letter %d is %s, not waiting to be resolved", creditflow.ErrConflict, letterID, status)
	}
	p := pending{letter: l, id: letterID}
	if err := json.Unmarshal([]byte(ids), &p.invoices); err != nil {
		return fmt.Errorf("letter %d: invoice ids: %w", letterID, err)
	}
	if actor == "" {
		actor = DefaultActor
	}
	s := sender{db: db, opt: Options{Actor: actor, Now: func() time.Time { return now }}}
	if !sent {
		return s.setStatus(ctx, letterID, statusQueued, "resolved by "+actor+": not sent")
	}
	note := "confirmed sent by " + actor
	if messageID != "" {
		note += " " + messageID
	}
	return s.markSent(ctx, []pending{p}, Route(by), "", note)
}
