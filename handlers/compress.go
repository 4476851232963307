package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
)

// compressedPrefixes are the paths whose answers are compressed when the
// client accepts it: the statistics (a unit × month answer is megabytes of
// JSON) and the console's pages. The console's assets are compressed once
// when loaded (web/assets.go); the rest of the API answers in small objects.
var compressedPrefixes = []string{"/api/v1/stats", "/console"}

// compressed is brotli or gzip, at the fastest level (a 3 MB answer
// compresses in a few milliseconds to a tenth of its size), for the paths
// above. A client asking for an event stream is left alone, so that nothing
// buffers what must reach it as it happens.
func compressed() fiber.Handler {
	return compress.New(compress.Config{
		Level: compress.LevelBestSpeed,
		Next: func(c *fiber.Ctx) bool {
			if strings.Contains(c.Get(fiber.HeaderAccept), "text/event-stream") {
				return true
			}
			p := c.Path()
			for _, prefix := range compressedPrefixes {
				if strings.HasPrefix(p, prefix) {
					return false
				}
			}
			return true
		},
	})
}
