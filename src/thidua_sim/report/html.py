"""Displayable pieces of a brief: a :class:`Section` is a titled list of blocks (paragraphs,
notes, tables, charts) that shows itself as HTML in Jupyter and in the rendered brief, and as
plain text elsewhere (terminals, nbval comparisons).

Charts are inlined as PNG so a rendered brief is one standalone file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from importlib import resources

import pandas as pd
from matplotlib.figure import Figure

from .charts import figure_img_tag

__all__ = ["Section", "Paragraph", "Note", "Facts", "Chart", "Table", "brief_css"]


def brief_css() -> str:
    """The stylesheet of the briefs (``report/brief.css``)."""
    return resources.files(__package__).joinpath("brief.css").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of text; ``strong`` sets it in bold."""

    text: str
    strong: bool = False

    def html(self) -> str:
        body = escape(self.text)
        return f"<p><strong>{body}</strong></p>" if self.strong else f"<p>{body}</p>"

    def text_lines(self) -> list[str]:
        return [self.text]


@dataclass(frozen=True)
class Note:
    """A highlighted note; ``kind`` is ``"info"``, ``"warning"`` (estimates) or ``"ok"``/``"bad"``."""

    text: str
    kind: str = "info"

    def html(self) -> str:
        return f'<div class="thidua-note thidua-{escape(self.kind)}">{escape(self.text)}</div>'

    def text_lines(self) -> list[str]:
        mark = {"warning": "⚠ ", "bad": "✗ ", "ok": "✓ "}.get(self.kind, "")
        return [mark + self.text]


@dataclass(frozen=True)
class Facts:
    """Label: value pairs (a definition list)."""

    items: tuple[tuple[str, str], ...]

    def html(self) -> str:
        rows = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in self.items)
        return f'<dl class="thidua-facts">{rows}</dl>'

    def text_lines(self) -> list[str]:
        return [f"{k}: {v}" for k, v in self.items]


@dataclass(frozen=True)
class Chart:
    """A matplotlib figure with its alternative text."""

    figure: Figure
    alt: str

    def html(self) -> str:
        return f'<figure class="thidua-figure">{figure_img_tag(self.figure, self.alt)}</figure>'

    def text_lines(self) -> list[str]:
        return [f"[{self.alt}]"]


@dataclass(frozen=True)
class Table:
    """A table whose cells are already formatted strings and whose headers are translated."""

    frame: pd.DataFrame
    caption: str = ""
    text_last: bool = False

    def html(self) -> str:
        classes = ["thidua-table", "thidua-text-last"] if self.text_last else ["thidua-table"]
        table = self.frame.to_html(index=False, escape=True, border=0, classes=classes, na_rep="–")
        caption = f'<p class="thidua-caption">{escape(self.caption)}</p>' if self.caption else ""
        return f'<div class="thidua-table-wrap">{caption}{table}</div>'

    def text_lines(self) -> list[str]:
        lines = [self.caption] if self.caption else []
        lines.extend(self.frame.to_string(index=False, na_rep="–").splitlines())
        return lines


Block = Paragraph | Note | Facts | Chart | Table


@dataclass
class Section:
    """A titled part of a brief. ``level`` 1 is the brief's title block, 2 a section."""

    title: str
    blocks: list[Block] = field(default_factory=list)
    level: int = 2
    css: bool = False
    section_id: str = ""

    def add(self, block: Block) -> Section:
        self.blocks.append(block)
        return self

    def _repr_html_(self) -> str:
        style = f"<style>{brief_css()}</style>" if self.css else ""
        ident = f' id="{escape(self.section_id)}"' if self.section_id else ""
        body = "".join(b.html() for b in self.blocks)
        tag = f"h{self.level}"
        return f'{style}<section class="thidua-section"{ident}><{tag}>{escape(self.title)}</{tag}>{body}</section>'

    def text(self) -> str:
        """The section as plain text."""
        lines = [self.title, "=" * len(self.title) if self.level == 1 else "-" * len(self.title)]
        for block in self.blocks:
            lines.extend(block.text_lines())
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.text()

    def charts(self) -> list[Chart]:
        return [b for b in self.blocks if isinstance(b, Chart)]
