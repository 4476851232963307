package faults_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"hotline/queue"
	"hotline/testenv"
)

// deadlineTasks lists the deadline tasks scheduled in Redis, by item.
func deadlineTasks(t *testing.T, insp *asynq.Inspector) map[int64]int {
	t.Helper()
	out := map[int64]int{}
	for page := 1; ; page++ {
		tasks, err := insp.ListScheduledTasks(queue.QueueDefault, asynq.Page(page), asynq.PageSize(500))
		if err != nil {
			t.Fatalf("list scheduled tasks: %v", err)
		}
		for _, ti := range tasks {
			if ti.Type != queue.TypeDeadline {
				continue
			}
			p, err := queue.DecodePayload(ti.Payload)
			if err != nil {
				t.Fatal(err)
			}
			out[p.ItemID]++
		}
		if len(tasks) < 500 {
			return out
		}
	}
}

// TestFinishedItemsLeaveNoTasks: an item that is answered, sent back to
// dispatch or merged into another no longer keeps its deadline checks
// scheduled in Redis (each would sit there for days to find nothing to do);
// an item still being worked keeps them.
func TestFinishedItemsLeaveNoTasks(t *testing.T) {
	t.Parallel()
	s, op := newDept(t, testenv.Options{})
	staff := s.User(t, "unit_staff", "TAXI")
	ids := postCalls(t, s, op, 4, "tasks")
	routedOnce(t, s, len(ids))
	answered, returned, merged, working := ids[0], ids[1], ids[2], ids[3]

	ropt, err := redis.ParseURL(s.Redis.URL())
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(ropt)
	t.Cleanup(func() { rdb.Close() })
	insp := asynq.NewInspectorFromRedisClient(rdb)
	testenv.Eventually(t, 10*time.Second, "every item's deadline checks to be scheduled", func() bool {
		n := deadlineTasks(t, insp)
		for _, id := range ids {
			if n[id] == 0 {
				return false
			}
		}
		return true
	})

	answerAll(t, s, staff, []int64{answered})
	s.Expect(t, 200, testenv.Req{Method: "POST", Path: fmt.Sprintf("/api/v1/items/%d/return", returned), Token: staff,
		Body: map[string]any{"reason": "不属于本单位职责"}})
	s.Expect(t, 200, testenv.Req{Method: "POST", Path: fmt.Sprintf("/api/v1/items/%d/merge", merged), Token: op,
		Body: map[string]any{"into_id": working}})

	testenv.Eventually(t, 10*time.Second, "the finished items' deadline checks to be dropped", func() bool {
		n := deadlineTasks(t, insp)
		return n[answered] == 0 && n[returned] == 0 && n[merged] == 0
	})
	if n := deadlineTasks(t, insp); n[working] == 0 {
		t.Errorf("the item still being worked lost its deadline checks: %v", n)
	}
	for _, id := range []int64{answered, returned, merged} {
		if n, err := rdb.Exists(t.Context(), fmt.Sprintf("hotline:deadlines:%d", id)).Result(); err != nil || n != 0 {
			t.Errorf("item %d: its record of deadline tasks is still in Redis (%d, %v)", id, n, err)
		}
	}
}
