"""Small helpers to write escaped HTML tables and a self-contained report page."""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from realpolitik.outputs.section import Figure, Section

STYLE = """
body { font-family: system-ui, -apple-system, Segoe UI, Roboto, sans-serif; margin: 0;
       color: #1d2329; background: #fafbfc; line-height: 1.45; }
header { background: #1f3349; color: white; padding: .8em 2em; }
header h1 { margin: 0 0 .2em 0; font-size: 1.45em; }
header p { margin: .1em 0; opacity: .9; font-size: .9em; }
nav { padding: .4em 2em; background: #e8edf2; font-size: .82em; line-height: 1.7; }
nav a { margin-right: 1em; color: #1f3349; white-space: nowrap; }
main { padding: 1em 2em 3em 2em; max-width: 1200px; overflow-wrap: anywhere; }
section { margin-top: 2em; }
.scroll { overflow-x: auto; max-width: 100%; }
.scroll table { overflow-wrap: normal; }
.data { font-size: .78em; color: #57606a; margin: -.5em 0 .8em 0; }
#bottom-line { margin-top: 1em; background: white; border: 1px solid #c9d1d9;
               border-left: 6px solid #1f3349; padding: .2em 1.2em 1em 1.2em; }
#bottom-line h2 { border: none; margin-bottom: .2em; }
#bottom-line .answer { font-size: 1.12em; }
#bottom-line .question { color: #57606a; font-style: italic; margin: 0; }
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
          numeric: Sequence[bool] | None = None, data: str | None = None) -> str:
    """Return an HTML table; cells are escaped; ``numeric`` right-aligns columns.

    ``data`` names the file of the run folder that holds the table's numbers
    (``results/survival.csv``): it goes into the table's ``data-file``
    attribute and a line under the table.
    """
    numeric = list(numeric) if numeric is not None else [False] * len(headers)
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="num">{esc(cell)}</td>' if numeric[j] else f"<td>{esc(cell)}</td>"
            for j, cell in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    attribute = "" if data is None else f' data-file="{esc(data)}"'
    return (f"<table{attribute}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody>"
            f"</table>{data_note(data)}")


def data_note(data: str | None) -> str:
    """The line under a table naming the file that holds its numbers ('' without one)."""
    if data is None:
        return ""
    return f"<p class='data'>Data: <code>{esc(data)}</code> (and .json) in the run folder.</p>"


_TABLE = re.compile(r"<table\b.*?</table>", re.DOTALL)


def scrolling(body: str) -> str:
    """Wrap every table in a box that scrolls sideways on its own, so the page never does."""
    return _TABLE.sub(lambda match: f"<div class='scroll'>{match.group(0)}</div>", body)


def embed_figure(figure: Figure) -> str:
    """Return a <figure> with the PNG embedded as base64, so the page needs no other file."""
    data = base64.b64encode(Path(figure.path).read_bytes()).decode("ascii")
    return (f'<figure><img alt="{esc(figure.caption)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{esc(figure.caption)}</figcaption></figure>")


def page(title: str, header_html: str, sections: Sequence[Section]) -> str:
    """Assemble a self-contained HTML page from sections."""
    anchors = [section.anchor or f"s{index}" for index, section in enumerate(sections)]
    nav = " ".join(f'<a href="#{a}">{esc(s.title)}</a>' for a, s in zip(anchors, sections,
                                                                         strict=True))
    parts = []
    for anchor, section in zip(anchors, sections, strict=True):
        figures = "".join(embed_figure(figure) for figure in section.figures)
        parts.append(f'<section id="{anchor}"><h2>{esc(section.title)}</h2>'
                     f"{scrolling(section.body_html)}{figures}</section>")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>"
        f"<header>{header_html}</header><nav>{nav}</nav><main>{''.join(parts)}</main>"
        "</body></html>"
    )
