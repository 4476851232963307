package handlers

import (
	"github.com/gofiber/fiber/v2"
)

// clientIP is the client's address, the key of every per-address limit:
// the peer, or behind a trusted proxy the right-most X-Forwarded-For entry
// no trusted proxy added (see package clientip). Never use c.IP() for this.
func (a *api) clientIP(c *fiber.Ctx) string {
	var xff []string
	if a.clients.Trusts() {
		for _, v := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
			xff = append(xff, string(v))
		}
	}
	return a.clients.Client(c.Context().RemoteIP().String(), xff)
}
