package handlers

import (
	"github.com/gofiber/fiber/v2"

	"hotline/core"
)

func (a *api) createCall(c *fiber.Ctx) error {
	var in core.CallInput
	if err := body(c, &in); err != nil {
		return err
	}
	it, err := a.Core.CreateCall(c.UserContext(), viewer(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(it)
}

func (a *api) createLetter(c *fiber.Ctx) error {
	var in core.LetterInput
	if err := body(c, &in); err != nil {
		return err
	}
	r, err := a.Core.CreateLetter(c.UserContext(), in)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(r)
}

func (a *api) microblog(c *fiber.Ctx) error {
	var in core.MicroblogInput
	// the bridge may send more fields than we read: they are ignored
	if err := decodeJSON(c.Body(), &in, true); err != nil {
		return err
	}
	r, err := a.Core.MicroblogPost(c.UserContext(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(r)
}

func (a *api) platformItem(c *fiber.Ctx) error {
	var in core.PlatformInput
	// the platform may send more fields than we read: they are ignored
	if err := decodeJSON(c.Body(), &in, true); err != nil {
		return err
	}
	it, created, err := a.Core.PlatformItem(c.UserContext(), in)
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if created {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(it)
}
