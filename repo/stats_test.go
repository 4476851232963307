package repo

import (
	"testing"

	"hotline/domain"
)

func TestParseCounts(t *testing.T) {
	var c domain.Counts
	if err := parseCounts([]byte("1 0 -2 3 4 5 6 7 8 9 10 11 12 13 9223372036854775807"), &c); err != nil {
		t.Fatal(err)
	}
	want := domain.Counts{Received: 1, Dispatched: -2, Completed: 3, CompletedOnTime: 4, AcceptedOnTime: 5, Replied: 6,
		Rated: 7, Satisfied: 8, BasicallySatisfied: 9, Dissatisfied: 10, FiveStar: 11, Resolved: 12, Overdue: 13,
		HandleSeconds: 9223372036854775807}
	if c != want {
		t.Errorf("parsed %+v, want %+v", c, want)
	}
	for _, bad := range []string{"", "1 2", "1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0", "1 0 0 0 0 0 0 x 0 0 0 0 0 0 0", "1  0 0 0 0 0 0 0 0 0 0 0 0 0 0"} {
		if err := parseCounts([]byte(bad), &c); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}
