package forecast

import (
	"testing"
	"time"

	"github.com/creditflow/creditflow/demo"
	"github.com/creditflow/creditflow/demo/ledgertest"
	"github.com/creditflow/creditflow/store"
)

// demoEnd is the last day of the demo ledgers of the forecast tests.
var demoEnd = time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)

// demoDB generates a demo ledger with cfg (ending on demoEnd unless it
// says) and ingests it. With CREDITFLOW_FORECAST_DEMO_DIR set, the database
// is kept there and reused.
func demoDB(tb testing.TB, cfg demo.Config) *store.DB {
	tb.Helper()
	if cfg.End.IsZero() {
		cfg.End = demoEnd
	}
	db, _ := ledgertest.DemoDB(tb, cfg, "CREDITFLOW_FORECAST_DEMO_DIR")
	return db
}

// date parses a YYYY-MM-DD date.
var date = ledgertest.Date
