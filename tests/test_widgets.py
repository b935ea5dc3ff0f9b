"""The planner's widgets driven without a kernel: set control values, refresh synchronously,
check outputs and state. Inputs are the hand-made factories, so numbers can be recomputed
independently (a second projection of a scenario written by hand, or closed forms)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from factories import line, make_baseline, make_instrument, make_params, make_scenario

from thidua_sim import Target, project
from thidua_sim.apps.planner._debounce import Debouncer
from thidua_sim.apps.planner._scenario import (
    budget_table,
    budget_years,
    scenario_with_budgets,
    valid_scenario_name,
)
from thidua_sim.apps.planner._view import coverage_table
from thidua_sim.params import load_scenario, save_scenario
from thidua_sim.apps.planner import Planner, find_project_dir

YEARS = (2022, 2023, 2024, 2025)


def make_inputs(targets=()):
    instruments = [make_instrument("livelihood", 10.0, ("poor",), {"uPO": 0.3}),
                   make_instrument("housing", 40.0, ("poor",), {"uPN": 0.5})]
    params = make_params(instruments)
    if targets:
        params = type(params)(params.base_rates, params.instruments, tuple(targets), "test")
    scenario = make_scenario(
        [line(y, "livelihood", 500.0, rule="poor") for y in YEARS]
        + [line(2022, "housing", 400.0, area="area_0"), line(2023, "housing", 200.0, area="area_1")],
        id="base")
    return make_baseline(), params, scenario


@pytest.fixture
def planner(tmp_path: Path) -> Planner:
    baseline, params, scenario = make_inputs()
    scenario_dir = tmp_path / "scenarios"
    path = save_scenario(scenario, scenario_dir / "base.yaml")
    loaded = load_scenario(path, params=params, areas=baseline.areas)
    return Planner(baseline, params, loaded, scenario_path=path, scenario_dir=scenario_dir,
                   brief_dir=tmp_path / "briefs", debounce_s=0)


def numbers_in(html: str) -> list[float]:
    """Numbers of an HTML table written the Vietnamese way (1.234,5)."""
    text = re.sub(r"<[^>]+>", " ", html)
    return [float(m.replace(".", "").replace(",", ".")) for m in re.findall(r"[+-]?\d[\d.]*(?:,\d+)?", text)]


def reduction(projection, population: str) -> float:
    rate = projection.rate(population)
    return (rate[0] - rate[-1]) / (len(rate) - 1)


# -- levers -> scenario (pure) -----------------------------------------------------------------

def test_budget_table_sums_lines_per_instrument_and_year():
    _, _, scenario = make_inputs()
    table = budget_table(scenario, ["livelihood", "housing"], YEARS)
    assert table["livelihood"] == {y: 500.0 for y in YEARS}
    assert table["housing"] == {2022: 400.0, 2023: 200.0, 2024: 0.0, 2025: 0.0}


def test_untouched_levers_give_the_scenario_itself():
    _, _, scenario = make_inputs()
    table = budget_table(scenario, ["livelihood", "housing"], YEARS)
    assert scenario_with_budgets(scenario, table, None) is scenario


def test_rule_of_the_scenario_scales_each_years_lines_and_keeps_their_split():
    _, _, scenario = make_inputs()
    scenario = scenario.with_resources([line(2022, "livelihood", 250.0, area="area_1")], suffix="")
    table = budget_table(scenario, ["livelihood", "housing"], YEARS)  # livelihood 2022: 750
    table["livelihood"][2022] = 1500.0
    out = scenario_with_budgets(scenario, table, None, scenario_id="x")
    lines_2022 = sorted((ln.area or "", ln.rule or "", ln.amount_mvnd) for ln in out.resources
                        if ln.instrument == "livelihood" and ln.year == 2022)
    assert lines_2022 == [("", "poor", 1000.0), ("area_1", "", 500.0)]  # both doubled
    assert out.id == "x"
    # other years and instruments are untouched
    assert budget_table(out, ["livelihood", "housing"], YEARS)["housing"] == table["housing"]


def test_new_money_without_lines_goes_by_poor_households_and_zero_removes_lines():
    _, _, scenario = make_inputs()
    table = budget_table(scenario, ["livelihood", "housing"], YEARS)
    table["housing"][2025] = 80.0
    table["livelihood"][2024] = 0.0
    out = scenario_with_budgets(scenario, table, None)
    new = [ln for ln in out.resources if ln.instrument == "housing" and ln.year == 2025]
    assert [(ln.area, ln.rule, ln.amount_mvnd) for ln in new] == [(None, "poor", 80.0)]
    assert not [ln for ln in out.resources if ln.instrument == "livelihood" and ln.year == 2024]


@pytest.mark.parametrize("rule", ["poor", "poor_dtts", "equal"])
def test_a_chosen_rule_makes_one_district_total_per_instrument_and_year(rule):
    _, _, scenario = make_inputs()
    table = budget_table(scenario, ["livelihood", "housing"], YEARS)
    out = scenario_with_budgets(scenario, table, rule)
    got = sorted((ln.year, ln.instrument, ln.area, ln.rule, ln.amount_mvnd) for ln in out.resources)
    want = sorted((y, k, None, rule, a) for k, by_year in table.items() for y, a in by_year.items() if a > 0)
    assert got == want


def test_lines_outside_the_planned_years_are_kept():
    _, _, scenario = make_inputs()
    scenario = scenario.with_resources([line(2027, "housing", 999.0, area="area_1")], suffix="")
    table = budget_table(scenario, ["livelihood", "housing"], YEARS)
    out = scenario_with_budgets(scenario, table, "equal")
    assert [ln for ln in out.resources if ln.year == 2027] == [line(2027, "housing", 999.0, area="area_1")]


def test_negative_budget_is_refused():
    _, _, scenario = make_inputs()
    with pytest.raises(ValueError, match="livelihood"):
        scenario_with_budgets(scenario, {"livelihood": {2022: -1.0}}, None)


@pytest.mark.parametrize("name,ok", [("more_support", True), ("plan-2024", True), ("a", True),
                                     ("", False), ("Tăng_hỗ_trợ", False), ("../evil", False),
                                     ("with space", False), ("UPPER", False), ("x" * 61, False),
                                     ("_leading", False), ("dot.yaml", False)])
def test_scenario_names(name, ok):
    assert valid_scenario_name(name) is ok


def test_budget_years_run_from_the_year_after_the_baseline_to_the_horizon():
    assert budget_years(2021, 2025) == YEARS


# -- debounce ----------------------------------------------------------------------------------

class FakeTimers:
    """A scheduler that runs nothing until told to (no waiting in tests)."""

    def __init__(self):
        self.scheduled = []

    def __call__(self, delay, callback):
        timer = {"delay": delay, "callback": callback, "cancelled": False}
        self.scheduled.append(timer)

        class Handle:
            def cancel(self_inner):
                timer["cancelled"] = True

        return Handle()

    def run_due(self):
        for timer in list(self.scheduled):
            if not timer["cancelled"]:
                timer["callback"]()
        self.scheduled.clear()


def test_debouncer_coalesces_a_burst_into_one_call():
    calls, timers = [], FakeTimers()
    debounced = Debouncer(0.2, lambda: calls.append(1), timers)
    for _ in range(5):
        debounced()
    assert calls == [] and debounced.pending
    assert sum(not t["cancelled"] for t in timers.scheduled) == 1
    assert all(t["delay"] == 0.2 for t in timers.scheduled)
    timers.run_due()
    assert calls == [1] and not debounced.pending


def test_debouncer_flush_and_cancel():
    calls, timers = [], FakeTimers()
    debounced = Debouncer(0.2, lambda: calls.append(1), timers)
    debounced()
    debounced.flush()
    assert calls == [1]
    debounced()
    debounced.cancel()
    timers.run_due()
    assert calls == [1]


def test_debouncer_with_zero_delay_calls_at_once():
    calls = []
    Debouncer(0, lambda: calls.append(1))()
    assert calls == [1]


def test_planner_changes_are_debounced_until_flushed(tmp_path):
    baseline, params, scenario = make_inputs()
    timers = FakeTimers()
    planner = Planner(baseline, params, scenario, debounce_s=0.2, scheduler=timers)
    first = planner.view
    for value in (1000.0, 1200.0, 1400.0):
        planner.budget_sliders["livelihood"].value = value
    assert planner.view is first  # nothing recomputed yet
    assert sum(not t["cancelled"] for t in timers.scheduled) == 1
    timers.run_due()
    assert planner.view is not first
    assert planner.budgets["livelihood"] == {y: 1400.0 for y in YEARS}


# -- the planner -------------------------------------------------------------------------------

def test_opens_on_the_scenario_with_the_district_view(planner):
    assert planner.area.value == ""
    assert planner.view.population == "district"
    assert [c.target.population for c in planner.view.checks] == ["district", "dtts"]
    assert planner.scenario_file == planner.base_path
    # the planner's projection is the scenario's own projection
    baseline, params, scenario = make_inputs()
    direct = project(baseline, scenario, params)
    np.testing.assert_allclose(planner.view.projection.expected, direct.expected)


def test_more_budget_improves_the_status_and_lowers_the_chart(planner):
    before = planner.view
    status_before, png_before = planner.status.value, planner.chart.value
    planner.budget_sliders["livelihood"].value = 1500.0
    after = planner.view
    assert planner.budgets["livelihood"] == {y: 1500.0 for y in YEARS}
    # status: reduction and margin rise for both targets
    for b, a in zip(before.checks, after.checks):
        assert a.reduction_points_per_year > b.reduction_points_per_year
        assert a.margin_points > b.margin_points
    assert planner.status.value != status_before
    # the status shows the new reductions, written the Vietnamese way
    shown = numbers_in(planner.status.value)
    for check in after.checks:
        assert round(check.reduction_points_per_year, 2) in shown
    # second method: the same money written by hand as a scenario, projected directly
    baseline, params, scenario = make_inputs()
    by_hand = make_scenario([line(y, "livelihood", 1500.0, rule="poor") for y in YEARS]
                            + [line(2022, "housing", 400.0, area="area_0"),
                               line(2023, "housing", 200.0, area="area_1")])
    direct = project(baseline, by_hand, params)
    assert after.checks[0].reduction_points_per_year == pytest.approx(reduction(direct, "district"), abs=1e-12)
    assert after.checks[1].reduction_points_per_year == pytest.approx(reduction(direct, "dtts"), abs=1e-12)
    # chart: every poor-rate series ends lower, and the picture changed
    for key in ("all", "dtts", "other"):
        assert after.chart[key]["poor"][-1] < before.chart[key]["poor"][-1]
        np.testing.assert_allclose(after.chart[key]["poor"],
                                   direct.rate("district" if key == "all" else key, "poor"))
    assert planner.chart.value != png_before
    assert planner.chart.value[:8] == b"\x89PNG\r\n\x1a\n"
    # the settings are no longer those of a file
    assert planner.scenario_file is None


def test_less_budget_worsens_the_status(planner):
    before = planner.view.checks[0]
    planner.budget_sliders["livelihood"].value = 0.0
    assert planner.view.checks[0].margin_points < before.margin_points


def test_a_status_flips_to_not_met_when_the_threshold_rises_above_the_reduction(planner):
    check = planner.view.checks[0]
    assert check.met
    planner.district_points.value = round(check.reduction_points_per_year + 0.5, 1)
    flipped = planner.view.checks[0]
    assert not flipped.met
    assert "thidua-met-false" in planner.status.value
    # margin in households, from the rate definition with the end-year households
    want = (flipped.target.threshold_points - flipped.reduction_points_per_year) * flipped.households_end / 100
    assert flipped.margin_households_per_year == pytest.approx(want)
    assert round(want) in numbers_in(planner.status.value)


def test_per_year_budget_changes_one_year_only(planner):
    planner.budget_mode.value = "per_year"
    assert planner.budget_grid.layout.display is None and planner.budget_flat.layout.display == "none"
    planner.budget_boxes[("housing", 2024)].value = 800.0
    assert planner.budgets["housing"] == {2022: 400.0, 2023: 200.0, 2024: 800.0, 2025: 0.0}
    lines = [ln for ln in planner.view.scenario.resources if ln.instrument == "housing"]
    assert sorted((ln.year, ln.amount_mvnd) for ln in lines) == [(2022, 400.0), (2023, 200.0), (2024, 800.0)]
    # the flat slider shows the average over the years
    assert planner.budget_sliders["housing"].value == pytest.approx((400 + 200 + 800 + 0) / 4)


def test_slider_ranges_follow_the_scenario_not_the_language(planner):
    slider = planner.budget_sliders["livelihood"]
    top = slider.max
    assert top >= 3 * 500.0
    slider.value = top
    planner.language.value = "en"
    assert slider.max == top and slider.value == top
    # a typed amount past the range widens it
    planner.budget_mode.value = "per_year"
    for y in YEARS:
        planner.budget_boxes[("livelihood", y)].value = 4 * top
    assert slider.max >= 4 * top and slider.value == 4 * top
    assert f">{4 * top:,.0f}<" in planner.budget_readouts["livelihood"].value  # English: 6,000
    planner.language.value = "vi"
    assert f">{4 * top:,.0f}<".replace(",", ".") in planner.budget_readouts["livelihood"].value  # 6.000


def test_flat_slider_sets_every_year(planner):
    planner.budget_sliders["housing"].value = 100.0
    assert planner.budgets["housing"] == {y: 100.0 for y in YEARS}
    assert [planner.budget_boxes[("housing", y)].value for y in YEARS] == [100.0] * 4


def test_allocation_rule_changes_where_the_money_goes(planner):
    before = planner.view.projection.resources.copy()
    planner.rule.value = "equal"
    after = planner.view.projection.resources
    k = planner.view.projection.instrument_ids.index("livelihood")
    # equal rule: each of the 2 areas gets half of 500 a year
    np.testing.assert_allclose(after[:, :, k], 250.0)
    assert not np.allclose(before[:, :, k], 250.0)
    np.testing.assert_allclose(after.sum(axis=1), before.sum(axis=1))  # same money in all


def test_commune_view_shows_the_commune_slice_and_its_own_target(planner):
    planner.area.value = "area_1"
    view = planner.view
    assert view.population == "area:area_1"
    (check,) = view.checks
    assert check.target.population == "area:area_1"
    # the split's target for this commune, with the planner's district threshold
    from thidua_sim.planning.targets import split_district_target
    district = Target("district", "d", "d", "district", planner.district_points.value, 2021, 2025)
    split = {t.population: t.threshold_points for t in split_district_target(planner.baseline, district,
                                                                             params=planner.params)}
    assert check.target.threshold_points == pytest.approx(split["area:area_1"])
    # the commune's numbers come from the district run (money spread over both communes)
    assert check.reduction_points_per_year == pytest.approx(reduction(view.projection, "area:area_1"))
    np.testing.assert_allclose(view.chart["dtts"]["poor"], view.projection.rate("area:area_1:dtts"))


def test_commune_coverage_tables_add_up_to_the_district(planner):
    projection = planner.view.projection
    district = coverage_table(projection, None)
    parts = [coverage_table(projection, a.id) for a in planner.baseline.areas]
    for column in ("money_mvnd", "households_supported", "eligible_households", "unused_mvnd"):
        np.testing.assert_allclose(sum(p[column].to_numpy() for p in parts), district[column].to_numpy())


def test_coverage_by_hand_for_one_instrument():
    """One area, one instrument, cost 10: 100 a year buys 10 households while 10 or more are
    poor; coverage = households supported / poor households at the start of each year."""
    baseline = make_baseline([[(100, 0, 400), (0, 0, 0)]])
    params = make_params([make_instrument("livelihood", 10.0, ("poor",), {"uPO": 0.3})])
    scenario = make_scenario([line(y, "livelihood", 100.0, rule="poor") for y in YEARS])
    planner = Planner(baseline, params, scenario, debounce_s=0)
    table = planner.view.coverage
    poor_start = planner.view.projection.expected[:-1, 0, 0, 0]
    assert np.all(poor_start >= 10)
    assert table.loc[0, "money_mvnd"] == pytest.approx(400.0)
    assert table.loc[0, "households_supported"] == pytest.approx(40.0)
    assert table.loc[0, "coverage_percent"] == pytest.approx(100 * 40 / poor_start.sum())
    assert table.loc[0, "unused_mvnd"] == pytest.approx(0.0)
    # more money than poor households: the rest is unused, never lost
    for y in YEARS:
        planner.budget_boxes[("livelihood", y)].value = 5000.0
    table = planner.view.coverage
    poor_start = planner.view.projection.expected[:-1, 0, 0, 0]
    assert table.loc[0, "households_supported"] == pytest.approx(poor_start.sum())
    assert table.loc[0, "unused_mvnd"] == pytest.approx(4 * 5000.0 - 10.0 * poor_start.sum())
    assert "100,0 %" in planner.coverage.value


def test_language_switch_changes_every_label(planner):
    vi = {"area": planner.area.description, "status": planner.status.value, "save": planner.save_button.description,
          "rule": [o[0] for o in planner.rule.options], "chart": planner.chart.value,
          "title": planner.title.value, "coverage": planner.coverage.value}
    assert vi["area"] == "Địa bàn" and "Lập kế hoạch giảm nghèo" in vi["title"]
    view_before = planner.view
    planner.area.value = "area_0"
    planner.language.value = "en"
    assert planner.area.description == "Area"
    assert planner.save_button.description == "Save scenario"
    assert [o[0] for o in planner.rule.options] == ["As in the scenario", "By poor households",
                                                    "By poor ethnic-minority households", "Equal per commune"]
    assert planner.area.value == "area_0"  # relabelling keeps the choices
    assert planner.rule.value == ""
    assert "Poverty reduction planner" in planner.title.value
    assert "Target" in planner.status.value and "Chỉ tiêu" not in planner.status.value
    assert "Instrument" in planner.coverage.value
    assert planner.chart.value != vi["chart"]
    # the numbers are the same, written the English way
    planner.area.value = ""
    assert planner.view.checks[0].reduction_points_per_year == view_before.checks[0].reduction_points_per_year
    assert f"{view_before.checks[0].reduction_points_per_year:.2f}" in planner.status.value
    planner.language.value = "vi"
    assert planner.area.description == "Địa bàn"


def test_uncertainty_adds_a_probability(planner):
    assert planner.draws.disabled
    planner.draws.value = 200
    planner.uncertainty.value = True
    assert not planner.draws.disabled
    view = planner.view
    assert view.projection.draws is not None and view.projection.draws.shape[0] == 200
    for check in view.checks:
        assert 0.0 <= check.probability <= 1.0
        # the probability is the share of draws meeting the target, recomputed here
        rate = view.projection.rate(check.target.population, draws=True)
        red = (rate[:, 0] - rate[:, -1]) / 4
        assert check.probability == pytest.approx(np.mean(red > check.target.threshold_points + 1e-9))
    assert "Xác suất đạt" in planner.status.value
    assert "poor_q05" in view.chart["all"]
    low, high = view.chart["all"]["poor_q05"], view.chart["all"]["poor_q95"]
    assert np.all(low <= high)


def test_extra_budget_required_is_live_on_the_expected_path(planner):
    planner.district_points.value = 3.6
    (district, _) = planner.view.checks
    assert not district.met
    result = next(r for r in planner.required_results if r.target.population == "district")
    assert result.feasible and result.extra_mvnd_per_year > 0
    shown = numbers_in(planner.required_output.value)
    assert round(result.extra_mvnd_per_year) in shown
    # second method: project the scenario with the extra money and check the reduction
    direct = project(planner.baseline, result.scenario, planner.params)
    assert reduction(direct, "district") > 3.6
    # a higher threshold needs more money
    planner.district_points.value = 3.9
    higher = next(r for r in planner.required_results if r.target.population == "district")
    assert higher.extra_mvnd_per_year > result.extra_mvnd_per_year
    assert round(higher.extra_mvnd_per_year) in numbers_in(planner.required_output.value)


def test_met_targets_need_nothing_and_unreachable_ones_say_so(planner):
    planner.district_points.value = 0.5
    assert "không cần thêm kinh phí" in planner.required_output.value
    planner.district_points.value = 10.0  # more than every eligible household covered can give
    result = next(r for r in planner.required_results if r.target.population == "district")
    assert not result.feasible
    assert "không thể đạt" in planner.required_output.value
    assert round(result.best_reduction_points_per_year, 2) in numbers_in(planner.required_output.value)


def test_with_uncertainty_the_extra_budget_waits_for_the_button(planner):
    planner.draws.value = 100
    planner.uncertainty.value = True
    planner.district_points.value = 3.5
    assert planner.required_results == []
    assert "Bấm" in planner.required_output.value
    planner.required_button.click()
    result = next(r for r in planner.required_results if r.target.population == "district")
    assert result.probability == 0.8
    assert "xác suất 80 %" in planner.required_output.value
    if result.feasible and not result.already_met:
        assert result.achieved_probability >= 0.8


def test_save_writes_a_scenario_that_loads_back_with_the_levers(planner, tmp_path):
    planner.budget_sliders["livelihood"].value = 1200.0
    planner.rule.value = "poor_dtts"
    planner.save_name.value = "more_livelihood"
    planner.save_button.click()
    path = tmp_path / "scenarios" / "more_livelihood.yaml"
    assert path.is_file()
    assert "more_livelihood.yaml" in planner.save_message.value
    loaded = load_scenario(path, params=planner.params, areas=planner.baseline.areas)
    lines = sorted((ln.year, ln.instrument, ln.rule, ln.amount_mvnd) for ln in loaded.resources)
    assert (2022, "livelihood", "poor_dtts", 1200.0) in lines
    assert (2022, "housing", "poor_dtts", 400.0) in lines
    # the planner now stands on the saved file: brief-ready, listed in the dropdown
    assert planner.scenario_file == path
    assert planner.scenario.value == str(path)
    assert planner.rule.value == ""
    assert planner.budgets["livelihood"] == {y: 1200.0 for y in YEARS}


def test_saving_never_overwrites_without_confirmation(planner, tmp_path):
    path = tmp_path / "scenarios" / "base.yaml"
    original = path.read_text(encoding="utf-8")
    planner.budget_sliders["livelihood"].value = 1500.0
    planner.save_name.value = "base"
    planner.save_button.click()
    assert path.read_text(encoding="utf-8") == original  # not written
    assert planner.confirm_box.layout.display is None  # the question is shown
    assert "base.yaml" in planner.overwrite_question.value
    planner.cancel_button.click()
    assert path.read_text(encoding="utf-8") == original
    assert planner.confirm_box.layout.display == "none"
    assert "giữ nguyên" in planner.save_message.value
    # clicking Save again asks again; Overwrite after the question writes it
    planner.save_button.click()
    assert path.read_text(encoding="utf-8") == original
    planner.overwrite_button.click()
    assert path.read_text(encoding="utf-8") != original
    loaded = load_scenario(path, params=planner.params)
    assert budget_table(loaded, ["livelihood"], YEARS)["livelihood"] == {y: 1500.0 for y in YEARS}


def test_overwrite_without_a_question_first_is_refused(planner, tmp_path):
    path = tmp_path / "scenarios" / "base.yaml"
    original = path.read_text(encoding="utf-8")
    planner.budget_sliders["livelihood"].value = 1500.0
    planner.save_name.value = "base"
    assert planner.save(overwrite=True) is None  # no question asked for this file yet
    assert path.read_text(encoding="utf-8") == original


@pytest.mark.parametrize("name", ["Kịch bản mới", "../outside", "", "a/b"])
def test_a_bad_scenario_name_is_a_message_not_a_traceback(planner, tmp_path, name):
    before = sorted(p.name for p in (tmp_path / "scenarios").iterdir())
    planner.save_name.value = name
    planner.save_button.click()  # must not raise
    assert "không dùng được" in planner.save_message.value
    assert "thidua-save-error" in planner.save_message.value
    assert sorted(p.name for p in (tmp_path / "scenarios").iterdir()) == before
    assert not (tmp_path / "outside.yaml").exists()
    planner.language.value = "en"
    planner.save_button.click()
    assert "cannot be used" in planner.save_message.value


def test_a_broken_scenario_file_is_a_message_and_the_previous_scenario_stays(planner, tmp_path):
    broken = tmp_path / "scenarios" / "broken.yaml"
    broken.write_text("id: broken\nresources: [oops\n", encoding="utf-8")
    other = save_scenario(make_scenario([line(2022, "livelihood", 50.0, rule="poor")], id="small"),
                          tmp_path / "scenarios" / "small.yaml")
    planner2 = Planner(planner.baseline, planner.params, planner.base_scenario, scenario_path=planner.base_path,
                       scenario_dir=tmp_path / "scenarios", debounce_s=0)
    values = [v for _, v in planner2.scenario.options]
    assert str(broken) in values and str(other) in values
    planner2.scenario.value = str(broken)  # must not raise
    assert "broken.yaml" in planner2.message.value and "thidua-message-error" in planner2.message.value
    assert planner2.scenario.value == str(planner.base_path)
    assert planner2.budgets["livelihood"] == {y: 500.0 for y in YEARS}
    # a good file loads and resets the levers
    planner2.scenario.value = str(other)
    assert planner2.budgets["livelihood"] == {2022: 50.0, 2023: 0.0, 2024: 0.0, 2025: 0.0}
    assert "thay đổi theo năm" in planner2.budget_notes["livelihood"].value  # the slider shows an average
    assert planner2.message.value == ""
    assert planner2.view.scenario.id == "small"


def fake_batch(status="ok", error=None):
    """A stand-in for thidua_sim.apps.briefs.batch.run_briefs that records its calls and writes one HTML;
    it answers with the attributes of a BatchResult the planner reads (results: name, status,
    html_name, error; out_dir). The real run is in test_real_brief_from_the_planner."""
    from types import SimpleNamespace

    calls = []

    def run_briefs(scenario, **kwargs):
        calls.append((Path(scenario), kwargs))
        out = Path(kwargs["out_dir"])
        name = "district" if kwargs["district"] else f"commune_{kwargs['areas'][0]}"
        html = ""
        if status == "ok":
            out.mkdir(parents=True, exist_ok=True)
            (out / f"{name}.html").write_text("<html></html>", encoding="utf-8")
            html = f"{name}.html"
        brief = SimpleNamespace(name=name, status=status, html_name=html, error=error)
        return SimpleNamespace(results=[brief], index=out / "index.html", out_dir=out)

    return run_briefs, calls


def test_brief_needs_saved_settings_then_runs_for_the_chosen_area(planner, tmp_path):
    planner._run_briefs, calls = fake_batch()
    planner.area.value = "area_1"
    planner.budget_sliders["livelihood"].value = 900.0  # unsaved change
    assert planner.render_brief(wait=True) is None
    assert calls == [] and "lưu kịch bản" in planner.brief_output.value
    planner.save_name.value = "plan_a"
    planner.save_button.click()
    planner.language.value = "en"
    html = planner.render_brief(wait=True)
    assert html == tmp_path / "briefs" / "commune_area_1.html"
    (scenario, kwargs), = calls
    assert scenario == tmp_path / "scenarios" / "plan_a.yaml"
    assert kwargs["areas"] == ["area_1"] and kwargs["district"] is False
    assert kwargs["language"] == "en" and kwargs["draws"] == 0 and kwargs["seed"] == 2021
    assert 'class="thidua-brief-link"' in planner.brief_output.value
    assert "commune_area_1.html" in planner.brief_output.value


def test_district_brief_with_uncertainty_passes_the_draws(planner, tmp_path):
    planner._run_briefs, calls = fake_batch()
    planner.draws.value = 300
    planner.uncertainty.value = True
    html = planner.render_brief(wait=True)  # the loaded file is unchanged: no need to save
    assert html == tmp_path / "briefs" / "district.html"
    (scenario, kwargs), = calls
    assert scenario == planner.base_path
    assert kwargs["areas"] == [] and kwargs["district"] is True and kwargs["draws"] == 300


@pytest.mark.parametrize("how", ["raises", "fails"])
def test_a_failing_brief_is_a_message(planner, how):
    if how == "raises":
        def run_briefs(scenario, **kwargs):
            raise RuntimeError("kernel died")
    else:
        run_briefs, _ = fake_batch("failed", "kernel died")
    planner._run_briefs = run_briefs
    assert planner.render_brief(wait=True) is None
    assert "kernel died" in planner.brief_output.value
    assert not planner.brief_button.disabled


def test_brief_in_the_background_thread(planner, tmp_path):
    planner._run_briefs, calls = fake_batch()
    planner.brief_button.click()
    planner._brief_thread.join(timeout=30)
    assert planner.last_brief == tmp_path / "briefs" / "district.html"
    assert "district.html" in planner.brief_output.value and not planner.brief_button.disabled


def test_projection_errors_are_shown_and_the_last_results_kept(planner):
    view = planner.view
    planner.base_scenario = planner.base_scenario.with_resources([line(2022, "no_such_instrument", 1.0,
                                                                       rule="poor")], suffix="bad")
    assert planner.refresh() is None
    assert "no_such_instrument" in planner.message.value
    assert planner.view is view


def test_find_project_dir_walks_up_to_the_folder_with_params_and_data(tmp_path):
    (tmp_path / "params").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "notebooks").mkdir()
    assert find_project_dir(tmp_path / "notebooks") == tmp_path
    assert find_project_dir(tmp_path) == tmp_path


def test_display_bundle_is_the_widget(planner):
    bundle = planner._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == planner.widget.model_id


def test_brief_url_is_served_by_the_kernels_jupyter_server(tmp_path):
    import os

    from thidua_sim.apps.planner._brief import brief_link, brief_url

    html = tmp_path / "project" / "out" / "planner" / "commune_krong.html"
    html.parent.mkdir(parents=True)
    html.write_text("<html></html>", encoding="utf-8")
    other = {"pid": -1, "root_dir": str(tmp_path / "elsewhere"), "base_url": "/"}
    ours = {"pid": os.getppid(), "root_dir": str(tmp_path / "project"), "base_url": "/user/ha/"}
    assert brief_url(html, servers=[other, ours]) == "/user/ha/files/out/planner/commune_krong.html"
    # no server serves it: a path relative to the kernel's folder (the notebook's)
    assert brief_url(html, start=tmp_path / "project" / "notebooks", servers=[other]) == \
        "../out/planner/commune_krong.html"
    link = brief_link(html, servers=[ours])
    assert 'href="/user/ha/files/out/planner/commune_krong.html"' in link and str(html) in link


@pytest.mark.slow
def test_real_brief_from_the_planner(tmp_path):
    """The planner's brief button with the real batch runner on the shipped files (one commune)."""
    root = find_project_dir(Path(__file__).parent)
    planner = Planner.from_files(project_dir=root, brief_dir=tmp_path / "briefs", debounce_s=0)
    area = planner.baseline.areas[1].id
    planner.area.value = area
    planner.language.value = "en"
    html = planner.render_brief(wait=True)
    assert html is not None, planner.brief_output.value
    assert html.name == f"commune_{area}.html" and html.is_file()
    assert planner.baseline.areas[1].name in html.read_text(encoding="utf-8")
    assert 'class="thidua-brief-link"' in planner.brief_output.value


_EXECUTE = """
import sys
import nbformat
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

class ThisPython(KernelSpecManager):  # the kernel is this venv's Python, whatever else is installed
    def get_kernel_spec(self, kernel_name):
        return KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                          display_name="this venv", language="python")

source, target, cwd = sys.argv[1:4]
nb = nbformat.read(source, as_version=4)
km = KernelManager(kernel_name="python3", kernel_spec_manager=ThisPython())
NotebookClient(nb, km=km, timeout=120, resources={"metadata": {"path": cwd}}).execute()
nbformat.write(nb, target)
"""


@pytest.mark.slow
def test_the_planner_notebook_runs_in_a_kernel_and_displays_the_widget(tmp_path):
    """notebooks/planner.ipynb executed headless (nbclient, in a subprocess) from a copy of the project."""
    import shutil
    import subprocess
    import sys

    import nbformat

    root = find_project_dir(Path(__file__).parent)
    project = tmp_path / "project"
    (project / "notebooks").mkdir(parents=True)
    shutil.copytree(root / "params", project / "params")
    (project / "data").symlink_to(root / "data", target_is_directory=True)
    source = root / "notebooks" / "planner.ipynb"
    nb = nbformat.read(source, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) == 1 and "Planner.from_files" in code[0].source  # no logic in the notebook
    executed = tmp_path / "executed.ipynb"
    run = subprocess.run([sys.executable, "-c", _EXECUTE, str(source), str(executed), str(project / "notebooks")],
                         capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr[-3000:]
    outputs = [c for c in nbformat.read(executed, as_version=4).cells if c.cell_type == "code"][0].outputs
    assert not [o for o in outputs if o.output_type == "error"]
    bundle = next(o for o in outputs if o.output_type == "execute_result")
    assert "application/vnd.jupyter.widget-view+json" in bundle.data


def test_required_text_warns_when_more_money_can_lower_the_reduction():
    from types import SimpleNamespace

    result = SimpleNamespace(feasible=True, extra_mvnd_per_year=251.0, monotone=False, falls_from=300.0)
    text = Planner._required_text(result, "Chỉ tiêu", "poor", None, "vi")
    assert "thêm kinh phí không phải lúc nào cũng giảm thêm hộ nghèo" in text and "300" in text
    plain = Planner._required_text(SimpleNamespace(feasible=True, extra_mvnd_per_year=251.0, monotone=True,
                                                   falls_from=None), "Chỉ tiêu", "poor", None, "vi")
    assert "không phải lúc nào" not in plain
