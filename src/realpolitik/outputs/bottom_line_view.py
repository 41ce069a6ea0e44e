"""The bottom line, rendered: the report's first section and the terminal's first panel.

The content is computed by :func:`realpolitik.analysis.bottom_line.bottom_line`;
this module only lays it out, the same way in both places: the question,
the answer, the key judgments, what would change them, and what the model
leaves out.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from realpolitik.analysis.bottom_line import BottomLine
from realpolitik.analysis.probability import ICD_203, SCALE_NAME
from realpolitik.outputs.html import esc, table
from realpolitik.outputs.results_files import BOTTOM_LINE, csv_name
from realpolitik.outputs.section import Section

__all__ = ["bottom_line_panel", "bottom_line_section", "scale_legend"]

TITLE = "Bottom line"


def scale_legend() -> str:
    """The words of estimative probability and their ranges, in one line."""
    bands = "; ".join(f"{words} {100 * low:.0f}-{100 * high:.0f}%"
                      for words, low, high in ICD_203)
    return f"Words of estimative probability ({SCALE_NAME}): {bands}."


def bottom_line_section(line: BottomLine) -> Section:
    """The report's first section: the question answered, judgments, signposts, limitations."""
    parts = []
    if line.question:
        parts.append(f"<p class='question'>{esc(line.question)}</p>")
    parts.append("<p class='answer'>" + " ".join(f"<b>{esc(text)}</b>" if i == 0 else esc(text)
                                                for i, text in enumerate(line.answer)) + "</p>")
    parts.append("<h3>Key judgments</h3><ol>"
                 + "".join(f"<li>{esc(j.text)}</li>" for j in line.judgments) + "</ol>")
    parts.append(_signposts_html(line))
    parts.append(_limitations_html(line))
    parts.append(f"<p class='muted'>{esc(' '.join(line.notes))} {esc(scale_legend())}</p>")
    return Section(TITLE, "".join(parts), anchor="bottom-line")


def _signposts_html(line: BottomLine) -> str:
    if not line.signposts:
        return ""
    rows = [[s.question, s.resolves.isoformat(), s.shown,
             "" if s.threshold is None else f"{s.threshold:.0%}" + (" reached" if s.flagged
                                                                    else "")]
            for s in line.signposts]
    more = (f"<p class='muted'>{line.more_questions} more in the forecast questions below.</p>"
            if line.more_questions else "")
    return ("<h3>What would change them: questions to watch</h3>"
            + table(["Question", "Resolves", "Probability now", "Warning at"], rows,
                    [False, True, True, True], data=csv_name(BOTTOM_LINE)) + more)


def _limitations_html(line: BottomLine) -> str:
    if not line.limitations:
        return ("<h3>What the model leaves out</h3><p class='muted'>The scenario states no "
                "limitations (add a <code>limitations</code> list to its "
                "<code>scenario:</code> section).</p>")
    return ("<h3>What the model leaves out</h3><ul>"
            + "".join(f"<li>{esc(text)}</li>" for text in line.limitations) + "</ul>")


def bottom_line_panel(line: BottomLine, *, limitations: bool = True) -> RenderableType:
    """The terminal's first panel: the same content as the report's section."""
    parts: list[RenderableType] = []
    if line.question:
        parts.append(Text(line.question, style="italic"))
    parts.append(Text(" ".join(line.answer), style="bold"))
    parts.append(Text("\nKey judgments", style="bold underline"))
    parts += [Text(f"{number}. {j.text}") for number, j in enumerate(line.judgments, start=1)]
    if line.signposts:
        parts.append(Text("\nWhat would change them: questions to watch",
                          style="bold underline"))
        for signpost in line.signposts:
            flag = " (warning threshold reached)" if signpost.flagged else ""
            parts.append(Text(f"- {signpost.question} {signpost.shown}{flag}"))
        if line.more_questions:
            parts.append(Text(f"  ({line.more_questions} more: see --detail or the report)",
                              style="dim"))
    if limitations and line.limitations:
        parts.append(Text("\nWhat the model leaves out", style="bold underline"))
        parts += [Text(f"- {text}") for text in line.limitations]
    parts.append(Text("\n" + " ".join(line.notes), style="dim"))
    return Panel(Group(*parts), title=f"[bold]{TITLE}[/]", title_align="left")
