"""Small helpers to write escaped HTML tables and a self-contained report page."""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable, Sequence
from pathlib import Path

from realpolitik.outputs.section import Figure, Section

STYLE = """
body { font-family: system-ui, -apple-system, Segoe UI, Roboto, sans-serif; margin: 0;
       color: #1d2329; background: #fafbfc; line-height: 1.45; }
header { background: #1f3349; color: white; padding: 1.4em 2em; }
header h1 { margin: 0 0 .3em 0; font-size: 1.6em; }
header p { margin: .2em 0; opacity: .9; }
nav { padding: .6em 2em; background: #e8edf2; font-size: .9em; }
nav a { margin-right: 1.2em; color: #1f3349; }
main { padding: 1em 2em 3em 2em; max-width: 1200px; }
section { margin-top: 2em; }
h2 { border-bottom: 2px solid #1f3349; padding-bottom: .2em; }
table { border-collapse: collapse; margin: .8em 0; font-size: .88em; }
th, td { border: 1px solid #c9d1d9; padding: .3em .6em; text-align: left; vertical-align: top; }
th { background: #e8edf2; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1.2em 0; }
figure img { max-width: 100%; border: 1px solid #d0d7de; background: white; }
figcaption { font-size: .85em; color: #57606a; }
.muted { color: #57606a; font-size: .85em; }
.pos { background: #dafbe1; } .neg { background: #ffebe9; }
.CC { background: #1a7f37; color: white; } .C { background: #aceebb; }
.N { background: #eaeef2; } .I { background: #ffcecb; } .II { background: #cf222e; color: white; }
.warn { background: #fff8c5; }
"""


def esc(value: object) -> str:
    """Escape any value for HTML text."""
    return html.escape(str(value))


def table(headers: Sequence[str], rows: Iterable[Sequence[object]],
          numeric: Sequence[bool] | None = None) -> str:
    """Return an HTML table; cells are escaped; ``numeric`` right-aligns columns."""
    numeric = list(numeric) if numeric is not None else [False] * len(headers)
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="num">{esc(cell)}</td>' if numeric[j] else f"<td>{esc(cell)}</td>"
            for j, cell in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def embed_figure(figure: Figure) -> str:
    """Return a <figure> with the PNG embedded as base64, so the page needs no other file."""
    data = base64.b64encode(Path(figure.path).read_bytes()).decode("ascii")
    return (f'<figure><img alt="{esc(figure.caption)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{esc(figure.caption)}</figcaption></figure>")


def page(title: str, header_html: str, sections: Sequence[Section]) -> str:
    """Assemble a self-contained HTML page from sections."""
    anchors = [section.anchor or f"s{index}" for index, section in enumerate(sections)]
    nav = "".join(f'<a href="#{a}">{esc(s.title)}</a>' for a, s in zip(anchors, sections,
                                                                        strict=True))
    parts = []
    for anchor, section in zip(anchors, sections, strict=True):
        figures = "".join(embed_figure(figure) for figure in section.figures)
        parts.append(f'<section id="{anchor}"><h2>{esc(section.title)}</h2>'
                     f"{section.body_html}{figures}</section>")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>"
        f"<header>{header_html}</header><nav>{nav}</nav><main>{''.join(parts)}</main>"
        "</body></html>"
    )
