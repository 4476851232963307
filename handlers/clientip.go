package handlers

import (
	"github.com/gofiber/fiber/v2"
)

// clientIP is the client's address, the key of every per-address limit (see
// package clientip). Never use c.IP() for this.
func (a *api) clientIP(c *fiber.Ctx) string { return a.clients.Of(c) }
