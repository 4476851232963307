package web

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hotline/domain"
)

//go:embed templates/*.html
var templateFS embed.FS

// htmxConfig goes into a meta tag: htmx must not inject inline styles (the
// indicator styles live in app.css) or evaluate code, both of which the
// Content-Security-Policy forbids.
const htmxConfig = `{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false}`

// parseTemplates builds one template set per page: the layout and partials,
// and the page's own file defining "content".
func parseTemplates(funcs template.FuncMap) map[string]*template.Template {
	base := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS,
		"templates/layout.html", "templates/partials.html"))
	// the citizen portal's pages (portal_*.html) have a layout of their own
	portalBase := template.Must(template.New("portal_layout.html").Funcs(funcs).ParseFS(templateFS,
		"templates/portal_layout.html", "templates/partials.html"))
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" || name == "partials" || name == "portal_layout" {
			continue
		}
		b := base
		if strings.HasPrefix(name, "portal_") {
			b = portalBase
		}
		t := template.Must(b.Clone())
		pages[name] = template.Must(t.ParseFS(templateFS, f))
	}
	return pages
}

func (w *Web) funcs() template.FuncMap {
	return template.FuncMap{
		"asset":         func(name string) string { return w.assets.url(name) },
		"status":        statusLabel,
		"kind":          kindLabel,
		"channel":       channelLabel,
		"event":         eventLabel,
		"satisfaction":  satisfactionLabel,
		"role":          roleLabel,
		"similarWhy":    similarReason,
		"ptype":         proposalTypeLabel,
		"pstatus":       proposalStatusLabel,
		"pevent":        proposalEventLabel,
		"ourrole":       ourRoleLabel,
		"contactmethod": contactMethodLabel,
		"kbstatus":      kbStatusLabel,
		"kbpanel":       func() kbSuggestPanel { return kbSuggestPanel{} },
		"list":          func(s ...string) []string { return s },
		"fld":           fld,
		"area":          area,
		"choice":        choice,
		"add":           func(a, b int) int { return a + b },
		"when":          w.when,
		// disclosure applications (disclosure_labels.go)
		"submittedVia":    submittedViaLabel,
		"deliveryForm":    deliveryFormLabel,
		"disclosureEvent": disclosureEventLabel,
		"withCSRF":        withCSRF,
		"deref": func(s *string) string {
			if s == nil {
				return ""
			}
			return *s
		},
	}
}

// when writes a time in the configured zone; "—" for none.
func (w *Web) when(t any) string {
	var tt time.Time
	switch v := t.(type) {
	case time.Time:
		tt = v
	case *time.Time:
		if v == nil {
			return "—"
		}
		tt = *v
	default:
		return "—"
	}
	return tt.In(w.Core.Location()).Format("2006-01-02 15:04")
}

// view is what the layout needs around a page.
type view struct {
	Title      string
	Viewer     domain.Viewer
	SignedIn   bool
	Nav        []navLink
	CSRF       string
	HTMXConfig string
	// Unread is how many notifications the viewer has not read (the badge).
	Unread int64
	Page   any
}

type navLink struct {
	Label, Href string
	Current     bool
}

// render writes a page in the layout.
func (w *Web) render(c *fiber.Ctx, r *request, status int, name, title string, data any) error {
	t, ok := w.pages[name]
	if !ok {
		panic("web: no template " + name)
	}
	v := view{Title: title, Viewer: r.viewer, SignedIn: r.signedIn(), CSRF: r.csrf, HTMXConfig: htmxConfig, Page: data}
	if r.signedIn() {
		v.Nav = w.nav(r.viewer.Role, c.Path())
		n, err := w.unread(c, r)
		if err != nil {
			return err
		}
		v.Unread = n
	}
	return w.execute(c, t, status, "layout", v)
}

// renderFragment writes one block of a page's templates without the layout
// (what htmx swaps into a page); the block gets data itself, so that the page
// can include the same block with the same value.
func (w *Web) renderFragment(c *fiber.Ctx, r *request, name, block string, data any) error {
	t, ok := w.pages[name]
	if !ok {
		panic("web: no template " + name)
	}
	return w.execute(c, t, fiber.StatusOK, block, data)
}

func (w *Web) execute(c *fiber.Ctx, t *template.Template, status int, block string, v any) error {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, v); err != nil {
		return err
	}
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(buf.Bytes())
}

// nav is the navigation of a role: the table's pages it may open.
func (w *Web) nav(role domain.Role, current string) []navLink {
	var out []navLink
	for _, p := range w.table() {
		if p.nav == "" || p.method != fiber.MethodGet || (p.roles != nil && !hasRole(p.roles, role)) {
			continue
		}
		out = append(out, navLink{Label: p.nav, Href: p.path,
			Current: current == p.path || (p.path != "/console/" && strings.HasPrefix(current, strings.TrimSuffix(p.path, "/")+"/"))})
	}
	// only the closest entry is current (/console/kb/stats, not /console/kb too)
	best := -1
	for i, l := range out {
		if l.Current && (best < 0 || len(l.Href) > len(out[best].Href)) {
			best = i
		}
	}
	for i := range out {
		out[i].Current = i == best
	}
	return out
}
