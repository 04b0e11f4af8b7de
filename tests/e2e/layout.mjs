// The layout check every page gets in the browser tests, beside axe-core: axe-core alone
// passed a visibly broken form (the radio buttons of /privacy were pushed far from their
// labels by one CSS rule). For each visible form control, its label's text is adjacent to
// it: on the same row within a small gap, or directly above it; and no two interactive
// elements (links, buttons, fields) overlap. While a modal dialog is open, only what is in it
// counts: everything else is inert behind it. Returns nothing; fails the test with every
// problem found, named by element.
import assert from "node:assert/strict";

export async function layoutCheck(page, what) {
  const problems = await page.evaluate(() => {
    const GAP = 24; // px between a label and its control, on a row or above it
    const out = [];
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none" &&
        !el.closest("[hidden]");
    };
    const name = (el) => {
      const id = el.id ? `#${el.id}` : "";
      const n = el.getAttribute("name") ? `[name=${el.getAttribute("name")}]` : "";
      const v = el.type === "radio" || el.type === "checkbox" ? `[value=${el.value}]` : "";
      const t = (el.textContent || "").trim().slice(0, 30);
      return `${el.tagName.toLowerCase()}${id}${n}${v}${!id && !n && t ? ` "${t}"` : ""}`;
    };
    // The boxes of a label's own text (not of the control inside it), one per line.
    const textBoxes = (label, control) => {
      const boxes = [];
      const walk = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
      for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        if (!n.textContent.trim() || control.contains(n)) continue;
        const parent = n.parentElement;
        if (parent && !visible(parent)) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        for (const r of range.getClientRects()) if (r.width > 0 && r.height > 0) boxes.push(r);
      }
      return boxes;
    };
    const beside = (c, t) => {
      const rowOverlap = Math.min(c.bottom, t.bottom) - Math.max(c.top, t.top);
      const gap = t.left >= c.right ? t.left - c.right : c.left >= t.right ? c.left - t.right : 0;
      return rowOverlap > Math.min(c.height, t.height) / 3 && gap <= GAP;
    };
    const above = (c, t) => {
      const gap = c.top - t.bottom;
      const horizontal = Math.min(c.right, t.right) - Math.max(c.left, t.left) > 0 ||
        Math.abs(c.left - t.left) <= GAP;
      return gap >= -2 && gap <= GAP && horizontal;
    };
    // an open modal dialog makes the rest of the page inert: only the dialog is judged
    const modal = [...document.querySelectorAll("dialog[open]")].find((d) => d.matches(":modal"));
    const scope = modal || document;
    const controls = [...scope.querySelectorAll("input:not([type=hidden]), select, textarea")]
      .filter(visible);
    for (const c of controls) {
      const labels = [...(c.labels || [])].filter(visible);
      if (labels.length === 0) {
        if (!c.getAttribute("aria-label") && !c.getAttribute("aria-labelledby"))
          out.push(`${name(c)} has no visible label`);
        continue;
      }
      // a radio button or a checkbox is drawn as a small square in the middle of its box,
      // however wide a style makes the box: judge where it is drawn
      let cr = c.getBoundingClientRect();
      if (c.type === "radio" || c.type === "checkbox") {
        const side = Math.min(cr.width, cr.height);
        const x = cr.left + (cr.width - side) / 2, y = cr.top + (cr.height - side) / 2;
        cr = { left: x, right: x + side, top: y, bottom: y + side, width: side, height: side };
      }
      const ok = labels.some((l) => textBoxes(l, c).some((t) => beside(cr, t) || above(cr, t)));
      if (!ok) {
        const t = labels.flatMap((l) => textBoxes(l, c))[0];
        out.push(`${name(c)} is not beside or below its label` +
          (t ? ` (control at ${Math.round(cr.left)},${Math.round(cr.top)} ${Math.round(cr.width)}x${Math.round(cr.height)}, ` +
            `label text at ${Math.round(t.left)},${Math.round(t.top)})` : " (the label has no text)"));
      }
    }
    const interactive = [...scope.querySelectorAll(
      "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]")]
      .filter(visible);
    for (let i = 0; i < interactive.length; i++)
      for (let j = i + 1; j < interactive.length; j++) {
        const a = interactive[i], b = interactive[j];
        if (a.contains(b) || b.contains(a)) continue;
        // an inline link that wraps is one box per line, not their union
        let worst = null;
        for (const ra of a.getClientRects())
          for (const rb of b.getClientRects()) {
            const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
            const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
            if (w > 1 && h > 1 && (!worst || w * h > worst[0] * worst[1])) worst = [w, h];
          }
        if (worst) out.push(`${name(a)} and ${name(b)} overlap (${Math.round(worst[0])}x${Math.round(worst[1])} px)`);
      }
    return out;
  });
  assert.deepEqual(problems, [], `${what}: layout`);
}
