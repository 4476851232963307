package core

import (
	"context"
	"errors"
	"fmt"

	"hotline/domain"
	"hotline/repo"
)

// ConsoleSession turns the session a Login just opened into a session of the
// staff console: its token then works only as the console's cookie, never as
// an API bearer token. The token must not have left the server before.
func (c *Core) ConsoleSession(ctx context.Context, token string) error {
	defer c.changed(repo.ChangeSessions)
	err := c.store.Q().SetSessionKind(ctx, tokenHash(token), repo.SessionConsole)
	if errors.Is(err, repo.ErrNotFound) {
		return fmt.Errorf("console session: %w", domain.ErrNotFound)
	}
	return err
}

// ConsoleViewer returns the viewer behind a console session's token, or
// domain.ErrNotFound when it is unknown, expired, idle too long, logged out,
// an API token, or its user was deactivated.
func (c *Core) ConsoleViewer(ctx context.Context, token string) (domain.Viewer, error) {
	return c.viewerOf(ctx, token, repo.SessionConsole)
}
