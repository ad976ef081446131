"""Show a course figure with its caption and a text description for screen readers."""

from __future__ import annotations

import base64
import html
import io
from typing import Any

from ketatraining.text import markdown_to_html


def figure_html(fig: Any, *, alt: str, caption: str, description: str) -> str:
    """HTML for a figure: an image with alt text, a caption with its source, a description.

    The description is visible text, not hidden metadata, so it reaches everyone.
    """
    buffer = io.BytesIO()
    # "tight" grows the image to hold every label: a long annotation was cut at the edge.
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight", pad_inches=0.1)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        '<figure class="kt-figure" style="margin:0 0 1em 0">'
        f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}" '
        'style="max-width:100%;height:auto"/>'
        f'<figcaption class="kt-figure-caption">{markdown_to_html(caption, inline=True)}'
        "</figcaption></figure>"
        f'<p class="kt-figure-description"><strong>Text description.</strong> '
        f"{markdown_to_html(description, inline=True)}</p>"
    )


def show_figure(fig: Any, *, alt: str, caption: str, description: str) -> None:
    """Display a figure in a notebook (or Voila) with caption and text description."""
    from IPython.display import HTML, display

    display(HTML(figure_html(fig, alt=alt, caption=caption, description=description)))
