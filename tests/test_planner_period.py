"""The planner's period selector: 2026-2030 on the 6 new communes with the period's targets,
and back to 2021-2025 unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def planner():
    from thidua_sim.apps.planner import Planner

    return Planner.from_files("data/kbang", "params", "programme_2026_2030", project_dir=ROOT, debounce_s=0)


def test_period_switch(planner):
    before = planner.view
    assert before.projection.years == (2021, 2022, 2023, 2024, 2025)
    planner.period.value = "2026-2030"
    view = planner.view
    assert view.projection.years == tuple(range(2025, 2031))
    assert [v for _, v in planner.area.options] == ["", "kbang_2025", "kong_bo_la_2025", "to_tung_2025",
                                                    "son_lang_2025", "dak_rong_2025", "krong_2025"]
    assert planner.area.options[0][0] == "Địa bàn huyện Kbang cũ"
    assert {c.target.id for c in view.checks} == {"programme_poor_rate", "dtts_below_10", "poor_communes_3_points"}
    assert "< 10,00 % (2030)" in planner.status.value
    assert all(s.disabled for s in planner.budget_sliders.values())  # the scenario's own lines are used
    assert "NĐ 351/2025" in planner.period_note.value
    planner.area.value = "to_tung_2025"
    planner.refresh()
    assert [c.target.id for c in planner.view.checks] == ["to_tung_poor_rate"]
    planner.period.value = "2021-2025"
    back = planner.view
    assert back.projection.years == before.projection.years
    assert [c.reduction_points_per_year for c in back.checks] == [c.reduction_points_per_year for c in before.checks]
    assert not any(s.disabled for s in planner.budget_sliders.values())
