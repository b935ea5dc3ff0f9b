"""The planner's targeted-support tab: the household list of the data folder, a support package,
a targeting rule and a budget; on "Simulate", the households moved, the cost and the list size
per commune. Aggregates only: no household, code or pseudonym is ever shown.

The list is read on the first simulation (with a throw-away key, see
:func:`thidua_sim.report._household_tables.load_for_aggregates`), so the planner opens as fast
as before.
"""

from __future__ import annotations

from ...core.defaults import DEFAULT_SEED
from html import escape
from pathlib import Path
from typing import Any

import ipywidgets as W

from ...errors import ThiduaError
from ...report.i18n import format_number, t

__all__ = ["HouseholdPanel"]

RULES = ("nearest_line", "fewest_deprivations", "dtts_first", "cheapest_per_move")


class HouseholdPanel:
    """Controls (``instruments``, ``rule``, ``budget``, ``draws``, ``run_button``) and ``output``."""

    def __init__(self, data_dir: str | Path | None, params_dir: str | Path | None, lang: str = "vi",
                 seed: int = DEFAULT_SEED):
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self.params_dir = Path(params_dir) if params_dir is not None else None
        self.seed = int(seed)
        self.lang = lang
        self._records: Any = None
        self._instruments: dict[str, Any] | None = None
        self._hparams: Any = None
        self.result: Any = None
        self.instruments = W.SelectMultiple(options=[], rows=5, layout=W.Layout(width="420px"))
        self.rule = W.Dropdown(options=[(r, r) for r in RULES], value="fewest_deprivations",
                               style={"description_width": "initial"})
        self.budget = W.BoundedFloatText(value=5000.0, min=0.0, max=1e7, step=100.0,
                                         style={"description_width": "initial"})
        self.draws = W.BoundedIntText(value=1000, min=0, max=5000, step=100, style={"description_width": "initial"})
        self.run_button = W.Button(icon="play", layout=W.Layout(width="auto"))
        self.run_button.on_click(lambda _b: self.run())
        self.output = W.HTML()
        self.output.add_class("thidua-households-output")
        self.widget = W.VBox([self.instruments, W.HBox([self.rule, self.budget, self.draws]),
                              W.HBox([self.run_button]), self.output])
        self.widget.add_class("thidua-households")
        self._load_instruments()
        self.relabel(lang)

    def _load_instruments(self) -> None:
        if self.params_dir is None:
            return
        try:
            from ...params import load_household_params, load_instruments

            self._hparams = load_household_params(self.params_dir / "households.yaml")
            self._instruments = {**load_instruments(self.params_dir / "instruments.yaml"), **self._hparams.measures}
        except ThiduaError as exc:
            self.output.value = f"<div class='thidua-message-error'>{escape(str(exc))}</div>"

    def relabel(self, lang: str) -> None:
        self.lang = lang
        self.instruments.description = t("instrument", lang)
        chosen = tuple(self.instruments.value)
        usable = {k: i for k, i in (self._instruments or {}).items() if i.closes or i.income_effect_vnd is not None}
        self.instruments.options = [((i.name_vi if lang == "vi" else i.name_en), k) for k, i in usable.items()]
        self.instruments.value = chosen if chosen else (("housing",) if "housing" in usable else ())
        rule = self.rule.value
        self.rule.description = t("hh_rule", lang)
        self.rule.options = [(t(f"hh_rule_{r}", lang), r) for r in RULES]
        self.rule.value = rule
        self.budget.description = t("hh_budget", lang)
        self.draws.description = t("brief_draws", lang)
        self.run_button.description = t("hh_run", lang)
        if self.result is not None:
            self.output.value = self._html(self.result)

    def _records_or_none(self) -> Any:
        if self._records is None and self.data_dir is not None:
            from ...report._household_tables import find_household_list, load_for_aggregates

            path = find_household_list(self.data_dir)
            if path is not None:
                self._records = load_for_aggregates(path, self.data_dir)
        return self._records

    def run(self) -> Any:
        """Simulate the chosen support; shows and returns the result (None on a problem)."""
        from ...model import simulate_support

        lang = self.lang
        try:
            records = self._records_or_none()
            if records is None:
                self.output.value = escape(t("hh_no_records", lang, file="households.csv"))
                return None
            package = list(self.instruments.value)
            self.result = simulate_support(records, self._instruments or {}, package, self._hparams, self.rule.value,
                                           float(self.budget.value), int(self.draws.value), self.seed)
        except ThiduaError as exc:
            self.output.value = f"<div class='thidua-message-error'>{escape(t('planner_error', lang, error=exc))}</div>"
            return None
        self.output.value = self._html(self.result)
        return self.result

    def _html(self, r: Any) -> str:
        lang = self.lang
        parts = []
        if r.records.synthetic:
            parts.append(f"<div class='thidua-note thidua-warning'>{escape(t('hh_synthetic_warning', lang))}</div>")
        selected = t("hh_selected", lang, n=format_number(len(r.selected), lang),
                     eligible=format_number(r.eligible, lang), cost=format_number(r.cost_mvnd, lang))
        parts.append(f"<p>{escape(selected)}</p>")
        head = "".join(f"<th>{escape(t(k, lang))}</th>" for k in ("hh_move", "hh_with_support", "hh_without_support",
                                                                  "hh_attributable"))
        rows = []
        for m in ("P->N", "P->O", "N->O"):
            w, wo = r.moves[m][0], r.moves_without[m][0]
            cells = [t("hh_move_" + m.replace("->", ""), lang), format_number(w, lang, 1), format_number(wo, lang, 1),
                     format_number(w - wo, lang, 1)]
            rows.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
        parts.append(f"<table class='thidua-table'><tr>{head}</tr>{''.join(rows)}</table>")
        names = {a.id: a.name for a in r.records.areas}
        by = r.by_village.groupby("area_id", sort=False)["households"].sum()
        items = "".join(f"<tr><td>{escape(names.get(a, a))}</td><td>{escape(format_number(int(n), lang))}</td></tr>"
                        for a, n in by.items())
        parts.append(f"<p><b>{escape(t('hh_list_size', lang))}</b></p><table class='thidua-table'>"
                     f"<tr><th>{escape(t('commune', lang))}</th><th>{escape(t('hh_supported', lang))}</th></tr>"
                     f"{items}</table>")
        e = r.effects
        effects = t("hh_effects", lang, uPN=format_number(e["uPN"], lang, 3), uPO=format_number(e["uPO"], lang, 3),
                    uNO=format_number(e["uNO"], lang, 3), source=r.effects_source)
        parts.append(f"<p style='font-size:12px'>{escape(effects)}</p>")
        parts.append(f"<p style='font-size:12px'>{escape(t('hh_note_aggregates', lang))}</p>")
        return "".join(parts)
