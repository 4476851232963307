package queue

import (
	"slices"
	"testing"

	"github.com/hibiken/asynq"
)

// TestRouteTask: a routing task is named by its first and last item (and the
// reconciler's round, so that its tasks never take intake's names), and its payload gives back the items it routes,
// whether it names several or, as the reconciler's tasks do, one.
func TestRouteTask(t *testing.T) {
	for _, tc := range []struct {
		ids   []int64
		round int
		name  string
	}{
		{[]int64{7}, 0, "route:7-7"},
		{[]int64{7}, 3, "route:7-7:3"},
		{[]int64{7, 8, 12}, 0, "route:7-12"},
		{[]int64{7, 8, 12}, 1, "route:7-12:1"},
	} {
		task, opts := RouteTask(tc.ids, tc.round)
		var name string
		for _, o := range opts {
			if o.Type() == asynq.TaskIDOpt {
				name, _ = o.Value().(string)
			}
		}
		if name != tc.name {
			t.Errorf("%v round %d: named %q, want %q", tc.ids, tc.round, name, tc.name)
		}
		p, err := DecodePayload(task.Payload())
		if err != nil {
			t.Fatal(err)
		}
		if got := p.RouteIDs(); !slices.Equal(got, tc.ids) || p.Round != tc.round {
			t.Errorf("%v round %d: the task routes %v in round %d", tc.ids, tc.round, got, p.Round)
		}
	}
	// a task of an earlier version named one item in item_id
	if p, err := DecodePayload([]byte(`{"item_id":42}`)); err != nil || !slices.Equal(p.RouteIDs(), []int64{42}) {
		t.Errorf("item_id only: %v, %v", p.RouteIDs(), err)
	}
}
