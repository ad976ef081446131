"""In-page checks shared by the browser tests: layout, visible text, accessibility.

Each is one ``page.evaluate`` so a check at three widths costs milliseconds, not reloads.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

OPTION_BOXES = (".kt-quiz .kt-option, .kt-quiz .kt-step, .kt-quiz .kt-match-row, "
                ".kt-quiz .kt-number, .kt-quiz .kt-short, .kt-checklist-item, "
                ".kt-checklist-legend")
"""Every answer option (and checklist item) whose box must neither overlap nor clip."""

LAYOUT = """(selector) => {
    const visible = el => el.getClientRects().length > 0
        && getComputedStyle(el).visibility !== 'hidden';
    const boxes = Array.from(document.querySelectorAll(selector)).filter(visible);
    const width = document.documentElement.clientWidth;
    const name = el => el.textContent.trim().replace(/\\s+/g, ' ').slice(0, 60);
    const problems = [];
    const rects = boxes.map(el => el.getBoundingClientRect());
    for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
            if (boxes[i].contains(boxes[j]) || boxes[j].contains(boxes[i])) continue;
            const a = rects[i], b = rects[j];
            const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
            const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
            if (x > 1 && y > 1) problems.push(`overlap: "${name(boxes[i])}" / "${name(boxes[j])}"`);
        }
    }
    for (const [i, el] of boxes.entries()) {
        const r = rects[i];
        if (r.left < -1 || r.right > width + 1) problems.push(`off screen: "${name(el)}"`);
        // Truncated: the text (or any descendant) needs more room than its box gives, and
        // the box hides the rest (overflow other than visible, or an ellipsis).
        for (const part of [el, ...el.querySelectorAll('*')]) {
            const style = getComputedStyle(part);
            const clips = style.overflowX !== 'visible' || style.overflowY !== 'visible'
                || style.textOverflow === 'ellipsis';
            if (clips && (part.scrollWidth > part.clientWidth + 1
                          || part.scrollHeight > part.clientHeight + 1)) {
                problems.push(`truncated: "${name(part)}"`);
                break;
            }
            const pr = part.getBoundingClientRect();
            if (part !== el && pr.width > 0 && (pr.right > r.right + 1 || pr.left < r.left - 1)) {
                problems.push(`sticks out: "${name(part)}"`);
                break;
            }
        }
    }
    const overflow = document.documentElement.scrollWidth - window.innerWidth;
    return {count: boxes.length, problems, overflow};
}"""

TEACHING_WIDGETS = (".kt-pk-explorer, .kt-pcl5-exercise, .kt-claims, .kt-screening, "
                    ".kt-screening-rules, .kt-pathway, #rendered_cells .jp-RenderedMarkdown table, "
                    ".kt-progress-widget, .kt-completion")
"""The teaching exercises and tables (the course text's own tables and the learner's
progress too) whose every part must stay on a phone's screen."""

CUT = """(selector) => {
    const width = document.documentElement.clientWidth;
    const name = el => el.textContent.trim().replace(/\\s+/g, ' ').slice(0, 50);
    const problems = [];
    for (const root of document.querySelectorAll(selector)) {
        for (const part of [root, ...root.querySelectorAll('*')]) {
            const r = part.getBoundingClientRect();
            if (r.width === 0 || part.getClientRects().length === 0) continue;
            if (r.right > width + 1 || r.left < -1) {
                problems.push(`off screen: ${part.tagName} "${name(part)}"`);
                break;
            }
            const style = getComputedStyle(part);
            if (style.overflowX !== 'visible' && part.scrollWidth > part.clientWidth + 1) {
                problems.push(`scrolls sideways: ${part.tagName} "${name(part)}"`);
                break;
            }
        }
    }
    return {count: document.querySelectorAll(selector).length, problems};
}"""

ENTITIES = """() => {
    const text = document.body.innerText;
    return ['&gt;', '&lt;', '&amp;', '&quot;', '&#39;'].filter(e => text.includes(e));
}"""

CONTRAST = """() => {
    const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
        const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = el => {
        for (; el; el = el.parentElement) {
            const c = rgb(getComputedStyle(el).backgroundColor);
            if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3);
        }
        return [255, 255, 255];
    };
    const out = [];
    const selector = '.kt-quiz label, .kt-quiz button, .kt-quiz p, .kt-quiz strong, .kt-checklist-group label, '
        + '.kt-quiz li, .kt-quiz .widget-label, .kt-landing td, .kt-landing a';
    for (const el of document.querySelectorAll(selector)) {
        if (!el.textContent.trim() || el.closest('[disabled]') || el.disabled) continue;
        const fg = rgb(getComputedStyle(el).color).slice(0, 3);
        const [a, b] = [lum(fg), lum(background(el))].sort((x, y) => y - x);
        out.push([el.textContent.trim().slice(0, 40), (a + 0.05) / (b + 0.05)]);
    }
    return out;
}"""
"""Each text's contrast ratio with the background it sits on (WCAG AA needs 4.5:1)."""

CHECKLISTS = """() => [...document.querySelectorAll('fieldset.kt-checklist-group')].map(f => ({
    legend: f.querySelector(':scope > legend').textContent.replace(/\\s+/g, ' ').trim(),
    items: [...f.querySelectorAll('label.kt-checklist-item')].map(
        l => l.textContent.replace(/\\s+/g, ' ').trim()),
}))"""

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

AXE_RUN = """async ([tags, scope]) => {
    const context = scope ? document.querySelectorAll(scope) : document;
    const result = await axe.run(context, {runOnly: {type: 'tag', values: tags},
                                           resultTypes: ['violations']});
    return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' :: '
                                        + (n.failureSummary || '').slice(0, 160))}));
}"""


def check_layout(page: Any, widths: tuple[int, ...] = (320, 768, 1280),
                 label: str = "page") -> dict[int, Any]:
    """At each width: option boxes neither overlap nor clip, nor leave the screen.

    With ``KT_SCREENSHOTS=folder`` each width is also saved as a PNG, to look at.
    """
    found: dict[int, Any] = {}
    height = page.viewport_size["height"] if page.viewport_size else 900
    shots = os.environ.get("KT_SCREENSHOTS")
    for width in widths:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(150)  # one layout pass after the resize
        found[width] = page.evaluate(LAYOUT, OPTION_BOXES)
        found[width]["teaching"] = page.evaluate(CUT, TEACHING_WIDGETS)
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.locator(".kt-quiz").first.scroll_into_view_if_needed()
            page.screenshot(path=str(Path(shots) / f"{label}-{width}.png"))
    return found


def axe_violations(page: Any, axe_source: str, scope: str | None = None) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.2 A/AA violations on the page (or on the elements of ``scope``)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    return page.evaluate(AXE_RUN, [AXE_TAGS, scope])


def ax_groups(page: Any) -> list[dict[str, Any]]:
    """Named groups and form controls from Chromium's accessibility tree, in order."""
    session = page.context.new_cdp_session(page)
    nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    out = []
    for node in nodes:
        if node.get("ignored"):
            continue
        role = node.get("role", {}).get("value")
        if role in ("group", "radio", "checkbox", "textbox", "combobox", "button"):
            props = {p["name"]: p.get("value", {}).get("value") for p in node.get("properties", [])}
            out.append({"role": role, "name": node.get("name", {}).get("value", ""),
                        "description": node.get("description", {}).get("value", ""),
                        "disabled": bool(props.get("disabled"))})
    session.detach()
    return out


def assert_checklists_are_groups(page: Any) -> int:
    """Each checklist is one named group of complete, labelled checkboxes (the
    accessibility tree as a screen reader gets it); returns how many there are."""
    drawn = page.evaluate(CHECKLISTS)
    if not drawn:
        return 0
    nodes = ax_groups(page)
    groups = [n["name"] for n in nodes if n["role"] == "group"]
    boxes = [n["name"] for n in nodes if n["role"] == "checkbox"]
    for checklist in drawn:
        assert checklist["legend"] and groups.count(checklist["legend"]) == 1, (
            f"checklist {checklist['legend']!r} is not one named group: {groups}")
        for label in checklist["items"]:
            assert label in boxes, f"checkbox {label!r} has no complete name: {boxes}"
    return len(drawn)
