"""The app's single page: HTML with its style sheet and script inlined, nothing from the network.

The page is written by hand in ``static/index.html``, ``static/app.css`` and
``static/app.js`` (plain JavaScript, no framework); :func:`page_html`
assembles them into one document so the browser makes no other request
than the JSON API's.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

__all__ = ["page_html"]

STYLE_SLOT = "/* style */"
SCRIPT_SLOT = "/* script */"


def _static(name: str) -> str:
    return (resources.files("realpolitik.interfaces.app") / "static" / name).read_text(
        encoding="utf-8")


@cache
def page_html() -> str:
    """The whole page as one HTML document."""
    html = _static("index.html")
    if STYLE_SLOT not in html or SCRIPT_SLOT not in html:
        raise RuntimeError("static/index.html lost its style or script slot")
    return html.replace(STYLE_SLOT, _static("app.css")).replace(SCRIPT_SLOT, _static("app.js"))
