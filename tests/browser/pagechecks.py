"""In-page checks shared by the browser tests: layout, visible text, accessibility.

Each is one ``page.evaluate`` so a check at three widths costs milliseconds, not reloads.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

OPTION_BOXES = (".kt-quiz .kt-option, .kt-quiz .kt-step, .kt-quiz .kt-match-row, "
                ".kt-quiz .kt-number, .kt-quiz .kt-short, .kt-screening-flag, .kt-monitoring-action")
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
    return {count: boxes.length, problems};
}"""

ENTITIES = """() => {
    const text = document.body.innerText;
    return ['&gt;', '&lt;', '&amp;', '&quot;', '&#39;'].filter(e => text.includes(e));
}"""

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
