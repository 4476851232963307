package webtest

import (
	"context"
	"encoding/json"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Helpers for pages that must work on a narrow screen and without
// JavaScript (the citizen portal):
//
//	b.SetViewport(320, 800)           // a phone (or 640 px at 200 % zoom)
//	b.ScrollWidth()                   // document width: > viewport means sideways scrolling
//	b.DisableScripts()                // the page's own scripts stop running
//	b.ElementText("#receipt-code")    // the visible text of one element
//	b.Visible("打印")                  // whether a button with this text is shown

// SetViewport makes the page's viewport width × height CSS pixels.
func (b *Browser) SetViewport(width, height int64) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(width, height)); err != nil {
		b.t.Fatalf("viewport %dx%d: %v", width, height, err)
	}
}

// ScrollWidth is the width of the document (document.documentElement.scrollWidth).
func (b *Browser) ScrollWidth() int {
	b.t.Helper()
	return eval[int](b, `document.documentElement.scrollWidth`)
}

// DisableScripts stops the pages' scripts from running, as in a browser
// with JavaScript switched off (the test's own evaluations still run).
func (b *Browser) DisableScripts() {
	b.t.Helper()
	err := chromedp.Do(b.ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	if err != nil {
		b.t.Fatalf("disable scripts: %v", err)
	}
}

// ElementText is the visible text of the first element matching the CSS
// selector ("" when there is none).
func (b *Browser) ElementText(selector string) string {
	b.t.Helper()
	q, _ := json.Marshal(selector)
	return eval[string](b, `(() => { const e = document.querySelector(`+string(q)+`); return e ? e.innerText.trim() : ""; })()`)
}

// Visible reports whether a button with this text is shown (present and
// not hidden).
func (b *Browser) Visible(button string) bool {
	b.t.Helper()
	q, _ := json.Marshal(button)
	return eval[bool](b, `[...document.querySelectorAll("button")].some(x => x.textContent.replace(/\s+/g, " ").trim() === `+string(q)+
		` && x.getClientRects().length > 0)`)
}
