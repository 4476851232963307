package handlers

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"hotline/repo"
)

// HeaderIdempotencyKey names the header of creating POSTs.
const HeaderIdempotencyKey = "Idempotency-Key"

// idemScope keeps one client's keys apart from another's: the account for
// staff, the upstream system for machine callers, the address for citizens.
func (a *api) idemScope(c *fiber.Ctx, r route) string {
	switch r.access {
	case accessStaff:
		return "user:" + strconv.FormatInt(viewer(c).ID, 10)
	case accessWebhook:
		return "webhook"
	case accessPlatform:
		return "platform"
	}
	return "ip:" + a.clientIP(c)
}

// idempotent makes a creating POST safe to retry: the same key with the same
// body answers with the first response; with another body, 409. Keys are kept
// 48 hours (core.IdempotencyRetention). The key is recorded in the same
// transaction as what the request creates, so a crash can never leave an item
// created under a key that a retry does not find.
func (a *api) idempotent(r route) fiber.Handler {
	return func(c *fiber.Ctx) error {
		key := c.Get(HeaderIdempotencyKey)
		if key == "" {
			return c.Next()
		}
		if len(key) > 255 || !printable(key) {
			return fieldProblem(fiber.StatusBadRequest, HeaderIdempotencyKey, "1 to 255 printable ASCII characters")
		}
		scope := a.idemScope(c, r)
		h := sha256.New()
		fmt.Fprintf(h, "%s %s\n", c.Method(), c.Path())
		h.Write(c.Body())
		hash := h.Sum(nil)
		ctx := c.UserContext()
		q := a.Store.Q()
		// The handler runs at most once per request (Fiber's Next cannot be
		// called twice). When a concurrent request with the key wins, this
		// one waits for the winner's response and replays it.
		ran := false
		for attempt := 0; attempt < 50; attempt++ {
			rec, err := q.GetIdempotency(ctx, scope, key)
			switch {
			case errors.Is(err, repo.ErrNotFound):
			case err != nil:
				return err
			default:
				replayed, run, err := replay(c, rec, hash)
				if replayed || err != nil {
					return err
				}
				if !run {
					time.Sleep(100 * time.Millisecond)
					continue
				}
			}
			if ran {
				time.Sleep(100 * time.Millisecond)
				continue
			}
			ran = true
			claim := &repo.IdemClaim{Scope: scope, Key: key, Hash: hash}
			c.SetUserContext(repo.WithIdemClaim(ctx, claim))
			err = c.Next()
			c.SetUserContext(ctx)
			if errors.Is(err, repo.ErrIdempotencyTaken) {
				c.Response().ResetBody()
				continue // a concurrent request won: replay its response
			}
			if err != nil {
				return err
			}
			status := c.Response().StatusCode()
			if status >= 200 && status < 300 && !r.secret {
				bodyCopy := bytes.Clone(c.Response().Body())
				ct := string(c.Response().Header.ContentType())
				if claim.Claimed() {
					err = q.SaveIdemResponse(ctx, scope, key, status, ct, bodyCopy)
				} else {
					err = q.InsertIdemResponse(ctx, scope, key, hash, status, ct, bodyCopy)
				}
				if err != nil {
					a.Log.Warn("store idempotent response", "err", err)
				}
			}
			return nil
		}
		return retryAfter{newProblem(fiber.StatusConflict, "idempotency_in_progress",
			"the first request with this key is still running"), time.Second}
	}
}

// replay answers from a stored key. It reports replayed when it wrote the
// stored response, and run when the request may run: the first request
// committed an item (the key was claimed in that transaction) but its
// response is not stored, and running finds the item by its key instead of
// creating another. Otherwise, while the first request's response is not
// stored yet (it committed moments ago), the caller waits and looks again.
func replay(c *fiber.Ctx, rec repo.IdemRecord, hash []byte) (replayed, run bool, err error) {
	if !bytes.Equal(rec.RequestHash, hash) {
		return false, false, newProblem(fiber.StatusConflict, "idempotency_conflict",
			"this Idempotency-Key was used with a different request; use a new key")
	}
	if rec.StatusCode != nil {
		c.Set("Idempotent-Replayed", "true")
		if rec.ContentType != nil {
			c.Set(fiber.HeaderContentType, *rec.ContentType)
		}
		return true, false, c.Status(*rec.StatusCode).Send(rec.Body)
	}
	if rec.ResourceKind == "item" {
		return false, true, nil
	}
	if time.Since(rec.CreatedAt) < 30*time.Second {
		return false, false, nil
	}
	id := int64(0)
	if rec.ResourceID != nil {
		id = *rec.ResourceID
	}
	return false, false, newProblem(fiber.StatusConflict, "idempotency_conflict",
		fmt.Sprintf("the first request with this key created %s %d but its response was lost; read it instead", rec.ResourceKind, id))
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return s != ""
}
