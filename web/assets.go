package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
)

//go:embed static/*.js static/*.css
var staticFS embed.FS

// assetPrefix is where the assets are served: /static/<hash>/<name>. The hash
// of the content in the address lets browsers keep a file for a year.
const assetPrefix = "/static/"

type asset struct {
	hash        string
	body, gz    []byte
	contentType string
}

type assets struct{ byName map[string]*asset }

func loadAssets() *assets {
	a := &assets{byName: map[string]*asset{}}
	entries, err := fs.Glob(staticFS, "static/*")
	if err != nil {
		panic(err)
	}
	for _, p := range entries {
		b, err := staticFS.ReadFile(p)
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(b)
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		_, _ = zw.Write(b)
		_ = zw.Close()
		a.byName[path.Base(p)] = &asset{hash: hex.EncodeToString(sum[:])[:12], body: b, gz: gz.Bytes(),
			contentType: contentType(p)}
	}
	return a
}

func contentType(p string) string {
	switch path.Ext(p) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	}
	return "application/octet-stream"
}

// url is the versioned address of an asset; templates call it as {{asset "app.js"}}.
func (a *assets) url(name string) string {
	f, ok := a.byName[name]
	if !ok {
		panic("web: no asset " + name)
	}
	return assetPrefix + f.hash + "/" + name
}

// serveAsset answers /static/<hash>/<name> with a year's cache when the hash
// is the current one; an old hash is 404, so a stale page never mixes files.
func (w *Web) serveAsset(c *fiber.Ctx) error {
	f, ok := w.assets.byName[c.Params("name")]
	if !ok || f.hash != c.Params("hash") {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, f.contentType)
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	c.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
	if strings.Contains(c.Get(fiber.HeaderAcceptEncoding), "gzip") {
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(f.gz)
	}
	return c.Send(f.body)
}
