package core

import (
	"context"
	"time"

	"hotline/domain"
	"hotline/repo"
)

// actor names who did something on the timeline.
type actor struct {
	id   *int64
	name string
	unit *string
}

func actorOf(v domain.Viewer) actor {
	id := v.ID
	a := actor{id: &id, name: v.Username}
	if v.UnitCode != "" {
		u := v.UnitCode
		a.unit = &u
	}
	return a
}

func systemActor() actor { return actor{name: "system"} }

// event appends one event to an item's timeline.
func event(ctx context.Context, q *repo.Q, at time.Time, itemID int64, who actor, a domain.Action, from, to domain.Status, note string) error {
	return q.AppendEvent(ctx, eventOf(at, itemID, who, a, from, to, note))
}

// eventOf is the event row of an action.
func eventOf(at time.Time, itemID int64, who actor, a domain.Action, from, to domain.Status, note string) repo.Event {
	e := repo.Event{ItemID: itemID, At: at, ActorID: who.id, Actor: who.name, Action: a.Event(), Note: note, UnitCode: who.unit}
	if from != "" {
		s := string(from)
		e.FromStatus = &s
	}
	if to != "" {
		s := string(to)
		e.ToStatus = &s
	}
	return e
}

// transition moves a locked item through the state machine and records the
// event; it does not save the item.
func transition(ctx context.Context, q *repo.Q, at time.Time, it *repo.Item, who actor, a domain.Action, note string) error {
	e, err := transitionEvent(at, it, who, a, note)
	if err != nil {
		return err
	}
	return q.AppendEvent(ctx, e)
}

// transitionEvent moves an item through the state machine and returns the
// event to record; it writes nothing.
func transitionEvent(at time.Time, it *repo.Item, who actor, a domain.Action, note string) (repo.Event, error) {
	from := domain.Status(it.Status)
	to, err := domain.Next(from, a)
	if err != nil {
		return repo.Event{}, err
	}
	it.Status = string(to)
	return eventOf(at, it.ID, who, a, from, to, note), nil
}
