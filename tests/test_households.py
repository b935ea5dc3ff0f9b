"""Household records: import, protection of personal data, classification, tables, the
microsimulation, the optimiser and the 2027 switch.

Expected numbers are worked out by hand (the five households), by brute force (the optimiser),
or by the shipped commune figures the synthetic list was built to match."""

from __future__ import annotations

import csv
import itertools
import os
import re
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from thidua_sim.core.types import Area, Instrument, Uncertain
from thidua_sim.data import load_area_info, load_baseline, load_households
from thidua_sim.data._households import INDICATOR_IDS, household_key, pseudonym, records_from_table
from thidua_sim.data._names import AreaInfo
from thidua_sim.errors import InputErrors
from thidua_sim.model import (classify_households, household_baseline, household_flows, simulate_support,
                              switch_standard)
from thidua_sim.params import load_household_params, load_instruments
from thidua_sim.params._households import HouseholdParams
from thidua_sim.params.standards import load_standards
from thidua_sim.planning import optimise_support
from thidua_sim.planning._household_support import solve_assignment
from thidua_sim.report._household_tables import household_tables, suppress

ROOT = Path(__file__).resolve().parents[1]
SYNTHETIC = ROOT / "data" / "kbang" / "households_synthetic.csv"
KEY = bytes(range(32))
DECREE_07 = INDICATOR_IDS[:12]


@pytest.fixture(scope="module")
def synthetic():
    return load_households(SYNTHETIC, key=KEY)


# -- the hand-worked five households ---------------------------------------------------------------------
FIVE = [
    # income VND/person/month, deprived indicators (Decree 07), hand classification under the 2024 rule
    (1_000_000, ("housing_quality", "housing_area", "sanitation"), 0),                        # 3, <= line: poor
    (1_200_000, ("housing_quality", "sanitation", "drinking_water", "adult_education"), 0),   # 4: poor
    (1_400_000, ("housing_quality", "housing_area"), 1),                                      # 2: near-poor
    (2_000_000, ("housing_quality", "housing_area", "sanitation", "nutrition", "employment"), 2),  # above line
    (900_000, ("housing_area", "nutrition", "health_insurance"), 0),                          # 3: poor
]
AREA = AreaInfo(Area("xa_thu", "Xã Thử", "commune"))
NO_GROWTH = HouseholdParams(growth_mean=Uncertain(0.0), growth_sd=Uncertain(0.0), switch_growth=Uncertain(0.0),
                            assume_indicators={"waste_treatment": ("sanitation",),
                                               "digital_services": ("telecom_services",)})


def five_records(year: int = 2024):
    rows = []
    for k, (income, deprived, _) in enumerate(FIVE):
        row = {"household_id": f"h{k:016x}", "area_id": "xa_thu", "village": "Thôn 1", "group": "dtts",
               "members": 4, "urban": False, "income": float(income), "year": year}
        for iid in INDICATOR_IDS:
            row[f"dep_{iid}"] = (1 if iid in deprived else 0) if iid in DECREE_07 else -1
        rows.append(row)
    return records_from_table(pd.DataFrame(rows), [AREA], "five households")


def instrument(id, cost, closes, eligible=("poor",), income=None):
    return Instrument(id, id, id, "test", Uncertain(cost), frozenset(eligible), {}, 0, "test", frozenset(closes),
                      Uncertain(income) if income is not None else None)


HOUSING = instrument("housing", 36, ("housing_quality", "housing_area"))
CARDS = instrument("cards", 5, ("health_insurance",), eligible=("poor", "near_poor"))


def test_five_households_classified_as_worked_by_hand():
    codes = classify_households(five_records())
    assert codes.tolist() == [c for *_, c in FIVE]


def test_five_households_housing_for_every_poor_household_moves_two_to_near_poor():
    # housing closes housing quality and area: household 1 (3 -> 1) and 5 (3 -> 2) become near-poor;
    # household 2 keeps 3 deprivations (still poor); 3 is near-poor (not eligible), 4 is not poor
    r = simulate_support(five_records(), {"housing": HOUSING}, ["housing"], NO_GROWTH, budget_mvnd=None, draws=10)
    assert sorted(r.selected.tolist()) == [0, 1, 4]
    assert r.cost_mvnd == 3 * 36
    assert r.moves["P->N"] == (2.0, 2.0, 2.0) and r.moves["P->O"][0] == 0 and r.moves_without["P->N"][0] == 0
    assert r.effects["uPN"] == pytest.approx(2 / 3)
    doc = r.effects_document()["effects"]["housing"]
    assert doc["uPN"]["value"] == round(2 / 3, 4) and "interval" not in doc["uPN"]   # no growth: no spread
    assert "uNO" not in doc and "five households" in doc["uPN"]["reference"]


def test_five_households_targeting_rules_choose_as_worked_by_hand():
    recs, inst = five_records(), {"housing": HOUSING}
    # nearest the line: gaps (1.5 - income) / 1.5 = 0.33, 0.2, -, -, 0.4: household 2 first, which housing cannot move
    r = simulate_support(recs, inst, ["housing"], NO_GROWTH, "nearest_line", budget_mvnd=36, draws=5)
    assert r.selected.tolist() == [1] and r.moves["P->N"][0] == 0
    # fewest deprivations to close (to get below 3): 1, 2, -, -, 1; a tie broken by the gap: household 1
    r = simulate_support(recs, inst, ["housing"], NO_GROWTH, "fewest_deprivations", budget_mvnd=36, draws=5)
    assert r.selected.tolist() == [0] and r.moves["P->N"][0] == 1
    r = simulate_support(recs, inst, ["housing"], NO_GROWTH, "cheapest_per_move", budget_mvnd=72, draws=5)
    assert sorted(r.selected.tolist()) == [0, 4] and r.moves["P->N"][0] == 2


def test_five_households_optimiser_choice_as_worked_by_hand():
    inst = {"housing": HOUSING, "cards": CARDS}
    # budget 41: cards for household 5 (3 -> 2 deprivations, cost 5) and a house for household 1 (cost 36)
    r = optimise_support(five_records(), inst, ["housing", "cards"], NO_GROWTH, 41, draws=5)
    chosen = {int(r.rows[i]): r.options[k][0] for i, k in enumerate(r.choice) if k >= 0}
    assert chosen == {0: "housing", 4: "cards"}
    assert r.expected_moves == pytest.approx(2.0) and r.cost_mvnd == 41
    # budget 40: both no longer fit; one move (a house for 1 or 5, or cards for 5), the cheapest: cards for 5
    r = optimise_support(five_records(), inst, ["housing", "cards"], NO_GROWTH, 40, draws=5)
    chosen = {int(r.rows[i]): r.options[k][0] for i, k in enumerate(r.choice) if k >= 0}
    assert r.expected_moves == pytest.approx(1.0)
    assert chosen == {4: "cards"}


def test_optimiser_matches_brute_force_on_small_random_cases():
    rng = np.random.default_rng(13)
    for _ in range(150):
        n, k = int(rng.integers(1, 6)), int(rng.integers(1, 4))
        values = rng.random((n, k)) * (rng.random((n, k)) < 0.8)
        costs = rng.integers(1, 10, (n, k)).astype(float)
        budget = float(rng.integers(0, 25))
        choice, total = solve_assignment(values, costs, budget)
        best = 0.0
        for a in itertools.product(range(-1, k), repeat=n):
            cost = sum(costs[h, o] for h, o in enumerate(a) if o >= 0)
            if cost <= budget:
                best = max(best, sum(values[h, o] for h, o in enumerate(a) if o >= 0))
        assert total == pytest.approx(best, abs=1e-9)
        picked = choice >= 0   # the choice itself is feasible and worth what it says
        assert costs[np.flatnonzero(picked), choice[picked]].sum() <= budget + 1e-9
        assert values[np.flatnonzero(picked), choice[picked]].sum() == pytest.approx(total)


def test_income_growth_draws_move_households_across_the_line():
    # one poor household at 1.45 M with 3 deprivations; growth log-normal: P(income > 1.5 M) = P(g > ln(1.5/1.45))
    from scipy.stats import norm

    recs = five_records()
    hp = HouseholdParams(growth_mean=Uncertain(0.0), growth_sd=Uncertain(0.1))
    t = recs.table.copy()
    t.loc[0, "income"] = 1_450_000.0
    recs = records_from_table(t.iloc[[0]], [AREA])
    vocational = instrument("voc", 6, (), income=0.0)
    r = simulate_support(recs, {"voc": vocational}, ["voc"], hp, budget_mvnd=None, draws=20000, seed=1)
    expected = 1 - norm.cdf(np.log(1.5 / 1.45) / 0.1)
    assert r.moves["P->O"][0] == pytest.approx(expected, abs=0.01)


# -- the 2027 switch -------------------------------------------------------------------------------------
def test_switch_to_decree_351_by_hand():
    recs = five_records(2026)
    t = recs.table.copy()
    # household 4 (2.0 M, 5 deprivations, not poor under Decree 07) is below the 2.2 M line of Decree 351
    # household 3 (1.4 M, housing quality and area): 2 deprivations under both, near-poor
    # household 5 with waste treatment recorded as not deprived; sanitation not deprived anyway
    t.loc[4, "dep_waste_treatment"] = 0
    recs = records_from_table(t, [AREA])
    r = switch_standard(recs, NO_GROWTH, 2027)
    # Decree 351 drops information_means, adds waste_treatment (from sanitation where not recorded) and
    # digital_services (from telecom_services): household 1: quality, area, sanitation + waste = 4: poor;
    # 2: 4 + waste = 5: poor; 3: 2: near-poor; 4: 5 + waste = 6, income 2.0 M <= 2.2 M: poor; 5: 3: poor
    assert r.codes_now.tolist() == [0, 0, 1, 2, 0]
    assert r.codes_new.tolist() == [0, 0, 1, 0, 0]
    row = r.by_area[(r.by_area["area_id"] == "xa_thu") & (r.by_area["group"] == "dtts")].iloc[0]
    assert (row["poor_now"], row["poor_new"], row["poor_jump"]) == (3, 4, 1)
    assert "waste_treatment" in r.assumed and "4 households" in r.assumed["waste_treatment"]


def test_switch_grows_incomes_by_the_declared_rate():
    recs = five_records(2025)
    hp = HouseholdParams(switch_growth=Uncertain(0.05), assume_indicators=NO_GROWTH.assume_indicators)
    # household 4: 2.0 M x 1.05^2 = 2.205 M > 2.2 M: not poor any more under the new line
    assert switch_standard(recs, hp, 2027).codes_new[3] == 2


# -- the shipped synthetic list --------------------------------------------------------------------------
def test_synthetic_list_adds_up_to_the_shipped_baseline_exactly(synthetic):
    records = household_baseline(synthetic)
    shipped = load_baseline(ROOT / "data" / "kbang")
    assert records.area_ids == shipped.area_ids
    assert np.array_equal(records.households, shipped.households)
    assert records.estimated.all()   # synthetic records are marked as not reported figures
    assert synthetic.synthetic and synthetic.table["synthetic"].all()
    assert len(synthetic) == 17_732


def test_synthetic_script_is_deterministic(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_synthetic_households.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert (tmp_path / "households_synthetic.csv").read_bytes() == SYNTHETIC.read_bytes()


def test_baseline_from_records_runs_the_projection(synthetic):
    from thidua_sim import load_params, load_scenario, project

    params = load_params(ROOT / "params")
    scenario = load_scenario(ROOT / "params" / "scenarios" / "status_quo.yaml", params)
    from_records = project(household_baseline(synthetic), scenario, params, until=2023)
    from_estimates = project(load_baseline(ROOT / "data" / "kbang"), scenario, params, until=2023)
    assert np.array_equal(from_records.expected, from_estimates.expected)


# -- tables ----------------------------------------------------------------------------------------------
def test_standard_tables_sum_to_the_totals(synthetic):
    tables = household_tables(synthetic, min_count=5)
    shipped = load_baseline(ROOT / "data" / "kbang")
    poor = shipped.households[..., 0].sum(axis=1)
    near = shipped.households[..., 1].sum(axis=1)
    m = tables["movement"]
    areas = m[m["area_id"] != "_total"].set_index("area_id").loc[list(shipped.area_ids)]
    assert areas["poor_end"].tolist() == poor.tolist() and areas["near_end"].tolist() == near.tolist()
    for _, row in m.iterrows():
        assert row.poor_start - row.poor_escaped - row.poor_left + row.poor_newly + row.poor_fell_back == row.poor_end
        assert (row.near_start - row.near_out_other - row.near_out_poor - row.near_left + row.near_in_poor
                + row.near_in_new) == row.near_end
    total = m[m["area_id"] == "_total"].iloc[0]
    assert total["poor_end"] == poor.sum() and total["poor_start"] == areas["poor_start"].sum()
    g = tables["groups"]
    by_group = g[g["area_id"] == "_total"].set_index("group")
    assert by_group.loc["dtts", "poor"] == shipped.households[:, 0, 0].sum()
    assert by_group["households"].sum() == shipped.households.sum()
    e = tables["ethnicity"]
    assert e["households"].sum() == shipped.households.sum() and e["poor"].sum() == poor.sum()
    d = tables["deprivation"]
    assert d.attrs["poor"] == poor.sum() and (d["poor_deprived"] <= poor.sum()).all()
    # every poor household is deprived in at least 3 indicators, every near-poor one in at most 2
    assert d["poor_deprived"].sum() >= 3 * poor.sum() and d["near_deprived"].sum() <= 2 * near.sum()
    c = tables["causes"]
    assert c.set_index("cause").loc["_none", "poor"] == 0   # every synthetic poor household cites a cause
    v = household_tables(synthetic, min_count=1)["villages"]
    assert v.groupby("area_id")["poor"].sum().loc[list(shipped.area_ids)].tolist() == poor.tolist()


def test_village_cells_below_the_small_count_are_suppressed(synthetic):
    v = household_tables(synthetic, min_count=5)["villages"]
    for c in ("households", "poor", "near_poor"):
        numbers = [x for x in v[c] if not isinstance(x, str)]
        assert all(x == 0 or x >= 5 for x in numbers)
    assert (v["poor"] == "<5").any() and (v["near_poor"] == "<5").any()
    # one hidden cell in a unit is never alone: its value would follow from the unit's total
    for _, part in v.groupby("area_id"):
        for c in ("households", "poor", "near_poor"):
            assert (part[c] == "<5").sum() != 1


def test_suppression_hides_a_second_cell_when_one_alone_would_show():
    frame = pd.DataFrame({"area_id": ["a", "a", "a"], "village": ["1", "2", "3"], "poor": [3, 9, 12]})
    out = suppress(frame, ["poor"], 5, "area_id")
    assert out["poor"].tolist() == ["<5", "<5", 12]


# -- flows between two review years ----------------------------------------------------------------------
def test_flows_between_two_years_match_households_by_pseudonym():
    a = five_records(2024).table
    b = a.copy()
    b["year"] = 2025
    b.loc[0, ["dep_housing_quality", "dep_housing_area"]] = 0       # 1: poor -> near-poor (escaped)
    b.loc[2, "income"] = 1_600_000.0                                 # 3: near-poor -> other
    b.loc[3, "income"] = 1_000_000.0                                 # 4: other -> poor (5 deprivations), newly poor
    b = b.drop(index=4)                                              # 5: poor, left the list
    extra = b.iloc[[1]].copy()
    extra["household_id"] = "h" + "f" * 16                          # a new household, poor (as household 2)
    recs = records_from_table(pd.concat([a, b, extra]), [AREA])
    f = household_flows(recs).groupby("area_id").sum(numeric_only=True).iloc[0]
    assert (f.poor_start, f.poor_escaped, f.poor_left, f.poor_newly, f.poor_fell_back, f.poor_end) == (3, 1, 1, 2, 0, 3)
    assert (f.near_start, f.near_out_other, f.near_in_poor, f.near_end) == (1, 1, 1, 1)


# -- import: strict validation and personal data ---------------------------------------------------------
HEADER = ["Mã hộ", "Xã/thị trấn", "Thôn/làng", "Nhóm hộ", "Số nhân khẩu", "Thu nhập bình quân đầu người/tháng (đồng)",
          *DECREE_07, "Năm"]


def write_list(path: Path, rows, header=HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def good_row(code="KB-0001", area="Kon Pne", income=1_000_000, flags=(1, 1, 1) + (0,) * 9, year=2024):
    return [code, area, "Làng 1", "DTTS", 5, income, *flags, year]


def test_strict_validation_names_file_row_and_column(tmp_path):
    areas = load_area_info(ROOT / "data" / "kbang")
    path = write_list(tmp_path / "ds.csv", [
        good_row(),
        good_row("KB-0002", area="Kon Pni"),                   # row 3: unknown area
        good_row("KB-0003", income="abc"),                     # row 4: income not a number
        good_row("KB-0004", flags=(2,) + (0,) * 11),           # row 5: a flag that is not 0/1
        good_row("KB-0001"),                                   # row 6: same household twice in a year
        good_row("KB-0006", year=2019),                        # row 7: no standard covers 2019
    ])
    with pytest.raises(InputErrors) as info:
        load_households(path, areas=areas, key=KEY)
    text = str(info.value)
    assert f"{path}: row 3, column B 'Xã/thị trấn': found unknown area 'Kon Pni'" in text
    assert "row 4, column F 'Thu nhập bình quân đầu người/tháng (đồng)': found 'abc'" in text
    assert "row 5, column G 'employment': found '2'" in text
    assert "row 6, column A 'Mã hộ': found the same household code as row 2" in text
    assert "row 7, column S 'Năm'" in text
    assert "KB-0001" not in text   # the code itself is never shown
    assert len(info.value.errors) == 5


def test_missing_indicator_column_is_named(tmp_path):
    header = [h for h in HEADER if h != "sanitation"]
    rows = [[c for h, c in zip(HEADER, good_row(), strict=True) if h != "sanitation"]]
    path = write_list(tmp_path / "ds.csv", rows, header)
    with pytest.raises(InputErrors, match=r"row 1: found no column 'Thiếu hụt: Nhà tiêu hợp vệ sinh' \(sanitation\)"):
        load_households(path, areas=load_area_info(ROOT / "data" / "kbang"), key=KEY)


def test_failed_import_creates_no_key(tmp_path):
    path = write_list(tmp_path / "ds.csv", [good_row(area="Nowhere")])
    key = tmp_path / "keys" / "k.key"
    with pytest.raises(InputErrors):
        load_households(path, areas=load_area_info(ROOT / "data" / "kbang"), key=key)
    assert not key.exists()


def test_key_file_is_private_and_pseudonyms_are_stable(tmp_path):
    key_path = tmp_path / "keys" / "k.key"
    key = household_key(key_path)
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert household_key(key_path) == key
    assert pseudonym("KB-0001", key) == pseudonym(" kb-0001 ", key) != pseudonym("KB-0002", key)
    assert pseudonym("KB-0001", key) != pseudonym("KB-0001", bytes(32))


def test_pseudonymised_file_reads_back_the_same(tmp_path, synthetic):
    out = synthetic.to_csv(tmp_path / "records.csv")
    back = load_households(out)
    pd.testing.assert_frame_equal(back.table, synthetic.table)
    assert not back.pseudonymised


PLANTED = {"Họ và tên chủ hộ": "Nguyễn Văn Planted{i}", "Số CCCD": "0790{i:08d}", "Số điện thoại": "0912{i:06d}",
           "Ngày sinh": "19{i:02d}-03-0{j}", "Địa chỉ": "Số {i} đường Trồng Sẵn"}


def test_personal_data_is_dropped_and_never_written(tmp_path, capsys, monkeypatch):
    from thidua_sim.apps.cli import main

    with SYNTHETIC.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    body = [r for r in body if r[1] in ("kon_pne", "krong")]          # two communes, 1,776 households
    planted: set[str] = set()
    new_header = header[:1] + list(PLANTED) + header[1:]
    new_body = []
    for i, r in enumerate(body):
        values = [p.format(i=i % 100, j=1 + i % 9) for p in PLANTED.values()]
        planted.update(values)
        planted.add(r[0])                                              # the household code
        new_body.append(r[:1] + values + r[1:])
    src = tmp_path / "in" / "ds.csv"
    src.parent.mkdir()
    write_list(src, new_body, new_header)
    out = tmp_path / "out"
    key = tmp_path / "secret" / "households.key"
    monkeypatch.setenv("THIDUA_SIM_KEY_FILE", str(key))
    data = ["--data", str(ROOT / "data" / "kbang")]
    assert main(["households", "import", str(src), *data, "--out", str(out / "records.csv")]) == 0
    first = capsys.readouterr()
    for letter, name in zip("BCDEF", PLANTED, strict=True):
        assert f"{letter} “{name}”" in first.out                      # each dropped column is named
    runs = [
        ["households", "tables", str(src), *data, "--out", str(out / "tables.xlsx")],
        ["households", "simulate", str(src), *data, "--instruments", "housing", "--budget", "2000", "--draws", "50",
         "--out", str(out / "sim.xlsx")],
        ["households", "simulate", str(src), *data, "--instruments", "housing,health_insurance", "--optimise",
         "--budget", "1000", "--draws", "20", "--out", str(out / "opt.csv")],
        ["households", "switch", str(src), *data, "--out", str(out / "switch.csv")],
        ["households", "tables", str(out / "records.csv"), *data, "--out", str(out / "tables2.xlsx")],
        ["households", "import", str(src), *data, "--out", str(out / "records.csv")],   # fails: file exists
    ]
    texts = [first.out, first.err]
    for argv in runs:
        main(argv)
        captured = capsys.readouterr()
        texts += [captured.out, captured.err]
    assert "already exists" in texts[-1]
    for path in sorted(out.rglob("*")):
        if path.is_file():
            texts.append(path.read_bytes().decode("utf-8", errors="replace"))
            if path.suffix == ".xlsx":
                with zipfile.ZipFile(path) as z:
                    texts += [z.read(n).decode("utf-8", errors="replace") for n in z.namelist()]
    written = sorted(p.name for p in out.rglob("*") if p.is_file())
    assert written == ["opt.csv", "records.csv", "sim.xlsx", "switch.csv", "tables.xlsx", "tables2.xlsx"]
    everything = "\n".join(texts)
    leaked = sorted(v for v in planted if v in everything)
    assert not leaked, f"{len(leaked)} planted values written, e.g. {leaked[:3]}"
    assert "Planted" not in everything and "Trồng Sẵn" not in everything
    for name in ("switch.csv", "opt.csv"):   # outputs of synthetic records say so on every row
        lines = (out / name).read_text(encoding="utf-8-sig").splitlines()[1:]
        assert lines and all("DỮ LIỆU GIẢ LẬP" in line for line in lines)
    assert key.exists() and not str(key).startswith(str(out))
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert key.read_text().strip() not in everything


def test_key_beside_the_output_is_refused(tmp_path, capsys):
    from thidua_sim.apps.cli import main

    code = main(["households", "import", str(SYNTHETIC), "--key", str(tmp_path / "k.key"),
                 "--out", str(tmp_path / "records.csv")])
    assert code == 1 and "key" in capsys.readouterr().err
    assert not (tmp_path / "k.key").exists() and not (tmp_path / "records.csv").exists()


def test_shipped_instruments_declare_household_effects_with_sources():
    inst = load_instruments(ROOT / "params" / "instruments.yaml")
    assert inst["housing"].closes == {"housing_quality", "housing_area"}
    assert inst["housing"].income_effect_vnd is None
    assert all(i.income_effect_vnd.source.startswith("assumption:") for i in inst.values() if i.income_effect_vnd)
    hp = load_household_params(ROOT / "params" / "households.yaml")
    assert hp.min_count == 5 and set(hp.measures) == {"water_sanitation", "health_insurance"}
    standards = load_standards(ROOT / "params" / "standards.yaml")
    new = standards.for_year(2027)
    assert (new.income_line_rural, new.income_line_urban) == (2_200_000, 2_800_000)
    assert set(hp.assume_indicators) == {i.id for i in new.indicators} - {i.id for i in standards.for_year(2026).indicators}


def test_household_template_reads_back(tmp_path):
    import openpyxl

    from thidua_sim.apps.cli import main

    path = tmp_path / "ds.xlsx"
    assert main(["template", "--households", "--out", str(path)]) == 0
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Mã hộ", "Xã/thị trấn", "Thôn/làng"] and "Thiếu hụt: Chất lượng nhà ở" in header
    assert book.sheetnames == ["Danh sách hộ", "Hướng dẫn - Guide"]
    filled = {"Mã hộ": "T-1", "Xã/thị trấn": "Kon Pne", "Thôn/làng": "Làng 2", "Nhóm hộ": "DTTS", "Số nhân khẩu": 4,
              "Thu nhập bình quân đầu người/tháng (đồng)": 1_200_000, "Năm": 2024,
              "Nguyên nhân nghèo": "Thiếu vốn sản xuất; Thiếu lao động", "Phân loại đầu kỳ": "nghèo"}
    sheet.append([filled.get(h, 1 if h in ("Thiếu hụt: Chất lượng nhà ở", "Thiếu hụt: Diện tích nhà ở",
                                            "Thiếu hụt: Dinh dưỡng") else (0 if h.startswith("Thiếu hụt") else None))
                  for h in header])
    book.save(path)
    records = load_households(path, areas=load_area_info(ROOT / "data" / "kbang"), key=KEY)
    row = records.table.iloc[0]
    assert (row.area_id, row.group, row.members, row.causes, row.status_before) == ("kon_pne", "dtts", 4,
                                                                                      "capital;labour", "poor")
    assert classify_households(records).tolist() == [0]   # 1.2 M <= 1.5 M and 3 deprivations


def test_commune_brief_section_shows_aggregates_of_the_records(monkeypatch):
    from thidua_sim import brief

    monkeypatch.chdir(ROOT / "notebooks")
    b = brief.commune_brief(area_id="kon_pne", scenario="../params/scenarios/status_quo.yaml", draws=0)
    text = brief.households(b).text()
    shipped = load_baseline(ROOT / "data" / "kbang")
    poor = int(shipped.households[shipped.area_index("kon_pne"), :, 0].sum())
    assert f"Hộ nghèo: {poor}" in text and "DỮ LIỆU GIẢ LẬP" in text
    assert "SYN-" not in text and not re.search(r"h[0-9a-f]{16}", text)   # no code, no pseudonym


def test_planner_tab_simulates_targeted_support_with_aggregates_only():
    from thidua_sim.apps.planner import Planner

    planner = Planner.from_files(project_dir=ROOT, live_required=False, debounce_s=0)
    panel = planner.households_panel
    assert planner.households_tab.titles == ("Hỗ trợ có mục tiêu",)
    panel.instruments.value = ("housing",)
    panel.rule.value, panel.budget.value, panel.draws.value = "fewest_deprivations", 3600, 100
    result = panel.run()
    assert result is not None and result.cost_mvnd <= 3600 and len(result.selected) == 100   # 36 million a house
    html = panel.output.value
    assert "DỮ LIỆU GIẢ LẬP" in html and "Nghèo → cận nghèo" in html
    assert "SYN-" not in html and not re.search(r"h[0-9a-f]{16}", html)
    planner.language.value = "en"
    assert "Poor → near-poor" in panel.output.value and planner.households_tab.titles == ("Targeted support",)


def test_bad_command_line_choices_are_user_errors(tmp_path, capsys, monkeypatch):
    from thidua_sim.apps.cli import main

    monkeypatch.setenv("THIDUA_SIM_KEY_FILE", str(tmp_path / "keys" / "k.key"))
    out = tmp_path / "out" / "sim.xlsx"
    assert main(["households", "simulate", str(SYNTHETIC), "--instruments", "housng", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "--instruments: housng: found unknown instrument 'housng' (did you mean 'housing'?)" in err
    assert main(["households", "simulate", str(SYNTHETIC), "--instruments", "housing", "--optimise"]) == 1
    assert "--budget" in capsys.readouterr().err
    assert not out.exists() and not (tmp_path / "keys").exists()   # a failed run writes nothing, not even a key
    out.parent.mkdir()
    out.write_bytes(b"earlier")
    assert main(["households", "tables", str(SYNTHETIC), "--out", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err and out.read_bytes() == b"earlier"


def test_budget_is_spent_in_the_rule_order_passing_over_what_does_not_fit():
    # a package of housing (poor only, 36) and cards (poor and near-poor, 5): poor households cost 41,
    # the near-poor household 3 costs 5. Nearest the line: 2 (gap 0.2), 3 (0.07: first), 1 (0.33), 5 (0.4)
    inst = {"housing": HOUSING, "cards": CARDS}
    r = simulate_support(five_records(), inst, ["housing", "cards"], NO_GROWTH, "nearest_line", budget_mvnd=50,
                         draws=3)
    # 3 (5, left 45), 2 (41, left 4); 1 and 5 (41 each) no longer fit
    assert r.selected.tolist() == [2, 1] and r.cost_mvnd == 46
    # fewest deprivations: poor households first (1 and 5 need one closed, 2 needs two), the near-poor last
    r = simulate_support(five_records(), inst, ["housing", "cards"], NO_GROWTH, "fewest_deprivations",
                         budget_mvnd=None, draws=3)
    assert r.selected.tolist() == [0, 4, 1, 2]


def test_column_by_column_reading_gives_what_cell_by_cell_reading_gives(synthetic, monkeypatch, tmp_path):
    import thidua_sim.data._households as module

    # the same list as .xlsx (numbers as numbers) and with a cell the quick reader leaves to the careful one
    import openpyxl

    with SYNTHETIC.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))[:300]
    book = openpyxl.Workbook()
    for r in rows:
        book.active.append([int(v) if v.isdigit() else v for v in r])
    book.save(tmp_path / "ds.xlsx")
    rows[5][6] = "1.234.000"                    # thousands separators: read by the cell-by-cell reader only
    write_list(tmp_path / "ds.csv", rows[1:], rows[0])
    quick = [load_households(p, areas=ROOT / "data" / "kbang", key=KEY) for p in
             (SYNTHETIC, tmp_path / "ds.xlsx", tmp_path / "ds.csv")]
    monkeypatch.setattr(module, "_fast_rows", lambda *a, **k: None)
    careful = [load_households(p, areas=ROOT / "data" / "kbang", key=KEY) for p in
               (SYNTHETIC, tmp_path / "ds.xlsx", tmp_path / "ds.csv")]
    for a, b in zip(quick, careful, strict=True):
        pd.testing.assert_frame_equal(a.table, b.table)
    assert 1_234_000.0 in quick[2].table["income"].tolist()


def test_import_writes_the_baseline_that_replaces_the_estimates(tmp_path, monkeypatch, capsys):
    import shutil

    from thidua_sim.apps.cli import main

    monkeypatch.setenv("THIDUA_SIM_KEY_FILE", str(tmp_path / "keys" / "k.key"))
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(ROOT / "data" / "kbang" / "areas.csv", folder / "areas.csv")
    assert main(["households", "import", str(SYNTHETIC), "--data", str(ROOT / "data" / "kbang"),
                 "--out", str(tmp_path / "out" / "records.csv"), "--baseline-out", str(folder / "review_results.csv")]) == 0
    rebuilt = load_baseline(folder)
    shipped = load_baseline(ROOT / "data" / "kbang")
    assert rebuilt.area_ids == shipped.area_ids and np.array_equal(rebuilt.households, shipped.households)
    assert rebuilt.estimated.all()   # synthetic records stay marked as estimates
    from thidua_sim.data import load_review_results

    table = load_review_results(folder / "review_results.csv", folder).table
    flows = household_flows(load_households(SYNTHETIC, key=KEY))
    assert table["escaped_poverty"].sum() == flows["poor_escaped"].sum()


def test_two_review_years_in_two_files_are_matched_by_pseudonym(tmp_path, capsys):
    from thidua_sim.apps.cli import main
    from thidua_sim.data._households import combine_records

    with SYNTHETIC.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], [r for r in rows[1:] if r[1] == "kon_pne"]
    later = [list(r) for r in body]
    poor_rows = [i for i, r in enumerate(body) if int(r[6]) <= 1_500_000 and sum(map(int, r[7:19])) >= 3]
    for i in poor_rows[:10]:          # ten poor households of 2021 earn above the line in 2022
        later[i][6] = "1600000"
    for r in later:
        r[header.index("year")] = "2022"
        r[header.index("status_before")] = ""
    write_list(tmp_path / "y2021.csv", body, header)
    write_list(tmp_path / "y2022.csv", later[5:] , header)   # five households left the list
    out = tmp_path / "out" / "tables.xlsx"
    assert main(["households", "tables", str(tmp_path / "y2021.csv"), str(tmp_path / "y2022.csv"),
                 "--data", str(ROOT / "data" / "kbang"), "--out", str(out)]) == 0
    import openpyxl

    sheet = openpyxl.load_workbook(out)["Diễn biến"]
    values = {sheet.cell(row=3, column=c).value: sheet.cell(row=4, column=c).value for c in range(1, 16)}
    poor = sum(1 for i in poor_rows)
    left_poor = sum(1 for i in poor_rows if i < 5)
    assert values["Hộ nghèo đầu kỳ"] == poor
    assert values["Giảm khác (không còn trong danh sách)"] == left_poor
    assert values["Thoát nghèo"] == len([i for i in poor_rows[:10] if i >= 5])
    assert values["Hộ nghèo cuối kỳ"] == poor - left_poor - values["Thoát nghèo"]
    a = load_households(tmp_path / "y2021.csv", areas=ROOT / "data" / "kbang", key=KEY)
    with pytest.raises(InputErrors, match="households in two files for the same review year"):
        combine_records([a, a])


@pytest.mark.parametrize("header, kind", [
    ("Họ và tên chủ hộ", "name"), ("Tên chủ hộ", "name"), ("Chủ hộ", "name"), ("Full name", "name"),
    ("Số CCCD", "ID number"), ("CMND/CCCD", "ID number"), ("Mã định danh cá nhân", "ID number"),
    ("Mã số BHXH", "ID number"), ("Số điện thoại", "phone number"), ("SĐT", "phone number"),
    ("Email", "phone number"), ("Ngày tháng năm sinh", "date of birth"), ("Năm sinh", "date of birth"),
    ("Địa chỉ", "street address"), ("Số nhà, đường", "street address"), ("Nơi thường trú", "street address"),
])
def test_personal_headers_are_recognised(header, kind):
    from thidua_sim.data._households import _personal_kind

    assert _personal_kind(header) == kind


def test_no_column_of_the_format_looks_personal():
    from thidua_sim.data._households import HOUSEHOLD_SPEC, _personal_kind

    headers = [h for cid, (vi, aliases, _r) in HOUSEHOLD_SPEC.items() for h in (cid, vi, *aliases)]
    assert [h for h in headers if _personal_kind(h)] == []


def test_unknown_area_is_named_with_a_suggestion(synthetic):
    inst = load_instruments(ROOT / "params" / "instruments.yaml")
    with pytest.raises(InputErrors, match=r"--areas: kon_pen: found no households of 'kon_pen' \(did you mean 'kon_pne'\?\)"):
        simulate_support(synthetic, inst, ["housing"], NO_GROWTH, areas=["kon_pen"], draws=2)
    with pytest.raises(InputErrors, match="kon_pen"):
        optimise_support(synthetic, inst, ["housing"], NO_GROWTH, 100, areas=["kon_pen"], draws=2)


def test_tables_without_a_start_of_period_have_no_movement_sheet(tmp_path, capsys):
    from thidua_sim.apps.cli import main

    path = write_list(tmp_path / "ds.csv", [good_row(), good_row("KB-0002", income=2_000_000)])
    out = tmp_path / "out" / "t.xlsx"
    assert main(["households", "tables", str(path), "--data", str(ROOT / "data" / "kbang"), "--out", str(out)]) == 0
    assert "Không có bảng diễn biến" in capsys.readouterr().out
    import openpyxl

    assert "Diễn biến" not in openpyxl.load_workbook(out).sheetnames


def test_printed_tables_write_numbers_the_language_way(tmp_path, capsys):
    """Thị trấn Kbang has 3,850 'other' households in the shipped estimates (data/kbang/review_results.csv):
    Vietnamese prints 3.850, English 3,850; rates have a decimal comma in Vietnamese."""
    from thidua_sim.apps.cli import main

    assert main(["households", "tables", str(SYNTHETIC), "--out", str(tmp_path / "vi.xlsx")]) == 0
    vi = capsys.readouterr().out
    assert " 3.850 " in vi and "3850" not in vi
    assert re.search(r"\b\d+,\d\b", vi) and not re.search(r"\b\d+\.\d\b", vi)
    assert main(["households", "tables", str(SYNTHETIC), "--out", str(tmp_path / "en.xlsx"), "--language", "en"]) == 0
    assert " 3,850 " in capsys.readouterr().out


def test_a_list_read_for_aggregates_is_read_again_when_it_changes(tmp_path):
    """The per-process cache of household lists (one read per warm brief kernel) never serves a
    stale list: a file with one row less gives one household less; a caller's edits stay its own."""
    import shutil

    from thidua_sim.report._household_tables import load_for_aggregates

    path = tmp_path / "households.csv"
    shutil.copyfile(SYNTHETIC, path)
    first = load_for_aggregates(path, ROOT / "data" / "kbang")
    column = first.table.columns[-1]
    first.table[column] = "changed by the caller"  # the caller's copy only
    again = load_for_aggregates(path, ROOT / "data" / "kbang")
    assert len(again.table) == 17_732  # data/kbang/review_results.csv: 17,732 households in 2021
    assert not (again.table[column] == "changed by the caller").any()
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")
    assert len(load_for_aggregates(path, ROOT / "data" / "kbang").table) == 17_731
