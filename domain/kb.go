package domain

import (
	"fmt"
	"time"
)

// KBStatus is where a knowledge-base article is in its life.
type KBStatus string

// Article statuses: written (draft), reviewed and offered to operators
// (published), withdrawn or past its validity (expired).
const (
	KBDraft     KBStatus = "draft"
	KBPublished KBStatus = "published"
	KBExpired   KBStatus = "expired"
)

// KBStatuses lists the statuses in their order.
func KBStatuses() []KBStatus { return []KBStatus{KBDraft, KBPublished, KBExpired} }

// Valid reports whether s is a known status.
func (s KBStatus) Valid() bool { return s == KBDraft || s == KBPublished || s == KBExpired }

// KBRemindDays is how many days before its valid_until an article's owners
// are reminded to review it.
const KBRemindDays = 7

// MayPublishKB reports whether the viewer reviews and publishes articles:
// admins and managers.
func (v Viewer) MayPublishKB() bool { return v.Role == RoleAdmin || v.Role == RoleManager }

// MayEditKB reports whether the viewer may write an article of the owner
// unit: admins and managers any, a unit's staff and head their unit's.
func (v Viewer) MayEditKB(owner string) bool {
	if v.MayPublishKB() {
		return true
	}
	return v.Role.IsUnitRole() && v.UnitCode != "" && owner == v.UnitCode
}

// MaySeeKB reports whether the viewer may read an article: a published one
// everyone, drafts and expired ones those who may edit them.
func (v Viewer) MaySeeKB(s KBStatus, owner string) bool {
	return s == KBPublished || v.MayEditKB(owner)
}

// kbMoves are the status changes people make, and whether only a publisher
// may make them. The system also expires published articles past their
// validity.
var kbMoves = map[[2]KBStatus]bool{
	{KBDraft, KBPublished}:   true,  // review and publish
	{KBExpired, KBPublished}: true,  // publish again
	{KBPublished, KBDraft}:   false, // take back to rework
	{KBPublished, KBExpired}: false, // withdraw
	{KBExpired, KBDraft}:     false, // rework a withdrawn article
}

// KBMove checks a status change of an article of the owner unit by the
// viewer.
func KBMove(v Viewer, owner string, from, to KBStatus) error {
	if from == to {
		return nil
	}
	publisherOnly, ok := kbMoves[[2]KBStatus{from, to}]
	switch {
	case !ok:
		return fmt.Errorf("article %s → %s: %w", from, to, ErrInvalidTransition)
	case !v.MayEditKB(owner), publisherOnly && !v.MayPublishKB():
		return fmt.Errorf("article %s → %s by %s: %w", from, to, v.Role, ErrForbidden)
	}
	return nil
}

// KBAction names a change of an article on its revision list.
func KBAction(from, to KBStatus) string {
	switch {
	case from == "":
		return "created"
	case from == to:
		return "updated"
	case to == KBPublished:
		return "published"
	case to == KBExpired:
		return "expired"
	default:
		return "returned_to_draft"
	}
}

// KBOffered reports whether an article is offered to operators on a day:
// published, and the day within its validity (both ends included).
func KBOffered(s KBStatus, validFrom, validUntil *time.Time, day time.Time) bool {
	d := day.Format(time.DateOnly)
	if s != KBPublished {
		return false
	}
	if validFrom != nil && validFrom.Format(time.DateOnly) > d {
		return false
	}
	return validUntil == nil || validUntil.Format(time.DateOnly) >= d
}
