package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/b2bkit/b2bkit/sqlstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestR2_AuditFollowerByNumberMissesNothing: while several writers apply batches with audit entries
// (and deals, so each batch holds its numbers a while before it commits), a follower reading the
// trail by number — every entry after the last number it saw — sees every entry: numbers become
// visible in increasing order, on both dialects.
func TestR2_AuditFollowerByNumberMissesNothing(t *testing.T) {
	forEach(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ctx := context.Background()
		db := open(t)
		s := db.CRM()
		const (
			writers = 6
			batches = 40
			entries = 4
		)
		page := "SELECT seq FROM crm_audit WHERE seq > ? ORDER BY seq LIMIT 50"
		if db.Dialect() == sqlstore.Postgres {
			page = "SELECT seq FROM crm_audit WHERE seq > $1 ORDER BY seq LIMIT 50"
		}
		seen := map[int64]bool{}
		var last int64
		follow := func() error {
			for {
				rows, err := db.SQL().QueryContext(ctx, page, last)
				if err != nil {
					return err
				}
				n := 0
				for rows.Next() {
					var seq int64
					if err := rows.Scan(&seq); err != nil {
						rows.Close()
						return err
					}
					seen[seq], last = true, seq
					n++
				}
				if err := rows.Close(); err != nil {
					return err
				}
				if err := rows.Err(); err != nil {
					return err
				}
				if n < 50 {
					return nil
				}
			}
		}
		var (
			wg      sync.WaitGroup
			done    atomic.Bool
			failure = make(chan error, writers)
		)
		for w := range writers {
			wg.Go(func() {
				for i := range batches {
					b := crm.Batch{}
					for k := range 3 {
						b.Deals = append(b.Deals, crm.Deal{ID: crm.DealID(fmt.Sprintf("d-%d-%d-%d", w, i, k)), Company: "A", Name: "tender", Opened: epoch})
					}
					for k := range entries {
						b.Audit = append(b.Audit, crm.AuditEntry{Person: b2bkit.PersonID(fmt.Sprintf("p-%d", w)), At: epoch,
							Actor: "rep", Action: crm.AuditRead, What: fmt.Sprintf("Read%d", k)})
					}
					if err := s.Apply(ctx, b); err != nil {
						failure <- err
						return
					}
				}
			})
		}
		go func() { wg.Wait(); done.Store(true) }()
		for !done.Load() {
			require.NoError(t, follow())
		}
		require.NoError(t, follow()) // what committed after its last pass
		close(failure)
		for err := range failure {
			require.NoError(t, err)
		}
		var stored int
		require.NoError(t, db.SQL().QueryRowContext(ctx, "SELECT count(*) FROM crm_audit").Scan(&stored))
		require.Equal(t, writers*batches*entries, stored)
		assert.Len(t, seen, stored, "the follower missed entries committed after a greater number it had read")
		for w := range writers {
			n := 0
			for e, err := range s.Audit(ctx, b2bkit.PersonID(fmt.Sprintf("p-%d", w))) {
				require.NoError(t, err)
				assert.Equal(t, fmt.Sprintf("Read%d", n%entries), e.What, "a batch's entries stay in its order")
				n++
			}
			assert.Equal(t, batches*entries, n)
		}
	})
}
