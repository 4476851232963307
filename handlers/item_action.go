package handlers

import (
	"github.com/gofiber/fiber/v2"
)

// itemAction decodes the body into in (an empty body is allowed unless
// needBody), runs fn on the item named by :id and answers with its result:
// 200 for an action, 201 for a sub-resource it created.
func itemAction[T, R any](status int, needBody bool, fn func(c *fiber.Ctx, id int64, in T) (R, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		var in T
		if needBody || len(c.Body()) > 0 {
			if err := body(c, &in); err != nil {
				return err
			}
		}
		out, err := fn(c, id, in)
		if err != nil {
			return err
		}
		return c.Status(status).JSON(out)
	}
}

// none is the input of actions without a body.
type none struct{}
