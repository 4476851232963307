package clientip

import "github.com/gofiber/fiber/v2"

// Of is the address of the client of a Fiber request: the peer, or behind a
// trusted proxy the right-most X-Forwarded-For entry no trusted proxy added.
// It is the key of every per-address limit; never use c.IP() for that.
func (r Resolver) Of(c *fiber.Ctx) string {
	var xff []string
	if r.Trusts() {
		for _, v := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
			xff = append(xff, string(v))
		}
	}
	return r.Client(c.Context().RemoteIP().String(), xff)
}
