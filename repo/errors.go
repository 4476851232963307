package repo

import (
	"database/sql"
	"errors"
	"fmt"
)

// The errors callers above repo test for with errors.Is. No caller needs to
// know a constraint name or an SQLSTATE: repo translates them here. Each
// translated error also wraps the driver's error, so logs keep the detail.
var (
	// ErrDuplicate: a row with the same unique key exists.
	ErrDuplicate = errors.New("already exists")
	// ErrMissingReference: the row refers to a row that does not exist (a
	// unit, category or user code or id).
	ErrMissingReference = errors.New("refers to a row that does not exist")

	// ErrTrackingCodeTaken: another item drew the same tracking code.
	ErrTrackingCodeTaken = fmt.Errorf("tracking code taken: %w", ErrDuplicate)
	// ErrSourceRefSeen: an item with the same upstream id (platform
	// external_id, microblog post id) is stored already.
	ErrSourceRefSeen = fmt.Errorf("upstream id seen before: %w", ErrDuplicate)
	// ErrIdemKeyUsed: an item was created under the request's
	// Idempotency-Key already.
	ErrIdemKeyUsed = fmt.Errorf("idempotency key used by an item: %w", ErrDuplicate)
	// ErrExtensionPending: the item has an extension request waiting.
	ErrExtensionPending = fmt.Errorf("an extension request is waiting: %w", ErrDuplicate)
)

// uniqueError names the duplicate behind a unique constraint.
func uniqueError(constraint string) error {
	switch constraint {
	case "items_tracking_code_key":
		return ErrTrackingCodeTaken
	case "items_source_ref_key":
		return ErrSourceRefSeen
	case "items_idem_key":
		return ErrIdemKeyUsed
	case "extensions_one_pending":
		return ErrExtensionPending
	}
	return ErrDuplicate
}

// dbError says what repo was doing when err happened and translates the
// database's errors into the named ones above (and no row into ErrNotFound).
func dbError(doing string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%s: %w", doing, ErrNotFound)
	}
	if c, ok := IsUniqueViolation(err); ok {
		return fmt.Errorf("%s: %w: %w", doing, uniqueError(c), err)
	}
	if _, ok := IsForeignKeyViolation(err); ok {
		return fmt.Errorf("%s: %w: %w", doing, ErrMissingReference, err)
	}
	return fmt.Errorf("%s: %w", doing, err)
}
