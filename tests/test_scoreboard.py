"""The emulation scoreboard: planned only, with synthetic review results, the ranking rule, export."""

import numpy as np
import pandas as pd
import pytest
from factories import make_baseline, make_params, make_scenario

from thidua_sim import Area, Target, project
from thidua_sim.planning.scoreboard import (
    NOTE_PLANNED_ONLY,
    RANKING_COLUMNS,
    SCOREBOARD_COLUMNS,
    build_scoreboard,
    export_table,
    rank_for_review,
)
from thidua_sim.planning.targets import PlanningError

AREAS = (Area("a0", "Xã Một"), Area("a1", "Xã Hai"), Area("a2", "Xã Ba"))
HOUSEHOLDS = [[(100, 50, 350), (20, 30, 450)], [(200, 80, 220), (10, 10, 180)], [(50, 50, 400), (5, 20, 475)]]


def own(area, points, strict=True):
    return Target(f"t:{area}", area, area, f"area:{area}", points, 2021, 2025, strict, "test")


def projection():
    return project(make_baseline(HOUSEHOLDS, areas=AREAS), make_scenario(), make_params(), until=2025)


def review_rows():
    """Synthetic review results: 2021 as the baseline, 2023 for a0 and a1 (a2 has none after 2021)."""
    rows = []
    for a, cells in zip(("a0", "a1", "a2"), HOUSEHOLDS):
        for g, (p, n, o) in zip(("dtts", "other"), cells):
            rows.append((a, g, 2021, p + n + o, p, n, False))
    rows += [("a0", "dtts", 2023, 510, 80, 60, False), ("a0", "other", 2023, 505, 15, 30, False),
             ("a1", "dtts", 2023, 505, 190, 90, True), ("a1", "other", 2023, 200, 10, 10, True)]
    return pd.DataFrame(rows, columns=["area_id", "group", "year", "households", "poor", "near_poor", "estimate"])


def test_planned_only_says_so_and_follows_the_projection():
    proj = projection()
    board = build_scoreboard(None, proj, [own("a0", 1.0), own("a1", 2.0), own("a2", 0.5)])
    assert list(board.columns) == list(SCOREBOARD_COLUMNS)
    assert len(board) == 3 * 5 and set(board["basis"]) == {"planned"}
    assert board.attrs["note"] == NOTE_PLANNED_ONLY
    row = board[(board.area_id == "a1") & (board.year == 2024)].iloc[0]
    rate = proj.rate("area:a1")
    assert row["rate"] == pytest.approx(rate[3])
    assert row["reduction_per_year"] == pytest.approx((rate[0] - rate[3]) / 3)
    assert row["on_track"] == bool((rate[0] - rate[3]) / 3 > 2.0)
    assert row["milestone_rate"] == pytest.approx(rate[0] - 3 * 2.0)
    assert row["dtts_rate"] == pytest.approx(proj.rate("area:a1:dtts")[3])
    start = board[board.year == 2021]
    assert start["on_track"].isna().all() and start["reduction_per_year"].isna().all()
    assert np.isnan(row["rate_actual"])


def test_actual_results_by_hand():
    board = build_scoreboard(review_rows(), projection(), [own("a0", 1.0), own("a1", 2.0), own("a2", 0.5)])
    assert "note" not in board.attrs and board.attrs["actual_years"] == [2021, 2023]
    a0 = board[(board.area_id == "a0") & (board.year == 2023)].iloc[0]
    # 2021: 120 poor of 1000 = 12 %; 2023: 95 of 1015
    assert a0["basis"] == "actual" and a0["actual_estimate"] is False
    assert a0["rate_actual"] == pytest.approx(100 * 95 / 1015)
    assert a0["reduction_per_year"] == pytest.approx((12 - 100 * 95 / 1015) / 2)
    assert a0["on_track"] is True and a0["margin_households_per_year"] == 0
    assert a0["dtts_reduction_per_year"] == pytest.approx((20 - 100 * 80 / 510) / 2)
    a1 = board[(board.area_id == "a1") & (board.year == 2023)].iloc[0]
    red = (30 - 100 * 200 / 705) / 2
    assert a1["actual_estimate"] is True
    assert a1["on_track"] is False and a1["margin_points"] == pytest.approx(red - 2.0)
    assert a1["margin_households_per_year"] == pytest.approx((2.0 - red) * 705 / 100)
    # planned values are kept beside the actual ones
    assert a1["rate_planned"] == pytest.approx(projection().rate("area:a1")[2])
    a2 = board[(board.area_id == "a2") & (board.year == 2023)].iloc[0]
    assert a2["basis"] == "planned" and np.isnan(a2["rate_actual"])
    # one year only
    only = build_scoreboard(review_rows(), projection(), [own("a0", 1.0)], year=2023)
    assert set(only["year"]) == {2023} and pd.isna(only.set_index("area_id").loc["a1", "target_id"])


def hand_board(rows):
    """A scoreboard frame of one year with the columns the ranking reads."""
    frame = pd.DataFrame(rows, columns=["area_id", "on_track", "margin_points", "dtts_reduction_per_year"])
    frame["area_name"] = frame["area_id"].str.upper()
    for column in SCOREBOARD_COLUMNS:
        if column not in frame:
            frame[column] = np.nan
    frame["year"], frame["start_year"], frame["end_year"] = 2023, 2021, 2025
    frame.attrs.update(start_year=2021, end_year=2025, actual_years=[2021, 2023])
    return frame


def test_ranking_rule():
    board = hand_board([
        ("c", False, -0.2, 5.0),   # not met: after every commune that met, whatever its dtts progress
        ("a", True, 0.5, 1.0),
        ("b", True, 0.5, 2.0),     # same margin as a, faster dtts progress: before a
        ("e", True, 0.5, 1.0),     # ties with a on all three keys: same rank, listed by name
        ("d", None, np.nan, 9.0),  # no target: last
        ("f", True, 0.9, 0.0),     # the largest margin: first
    ])
    ranked = rank_for_review(board, "so_ket")
    assert list(ranked.columns) == list(RANKING_COLUMNS)
    assert ranked["area_id"].tolist() == ["f", "b", "a", "e", "c", "d"]
    assert ranked["rank"].tolist() == [1, 2, 3, 3, 5, 6]
    assert ranked["review"].iloc[0] == "Sơ kết năm 2023"


def test_review_years():
    board = build_scoreboard(review_rows(), projection(), [own("a0", 1.0), own("a1", 2.0), own("a2", 0.5)])
    so_ket = rank_for_review(board, "so_ket")          # the latest year with review results
    assert set(so_ket["year"]) == {2023} and so_ket.attrs["year"] == 2023
    assert so_ket["area_id"].tolist()[0] == "a0"       # on track; a1 is not
    tong_ket = rank_for_review(board, "tong_ket")      # the targets' end year, planned here
    assert set(tong_ket["year"]) == {2025} and tong_ket["review"].iloc[0] == "Tổng kết 2021–2025"
    assert set(tong_ket["basis"]) == {"planned"}
    planned = build_scoreboard(None, projection(), [own("a0", 1.0)])
    assert rank_for_review(planned, "so_ket").attrs["year"] == 2025  # no actual years: the latest
    with pytest.raises(PlanningError, match="start year"):
        rank_for_review(board, "so_ket", year=2021)
    with pytest.raises(PlanningError, match="review kind"):
        rank_for_review(board, "yearly")


def test_export_csv_and_xlsx(tmp_path):
    board = build_scoreboard(review_rows(), projection(), [own("a0", 1.0), own("a1", 2.0)])
    ranked = rank_for_review(board, "so_ket")
    csv = export_table(board, tmp_path / "out" / "scoreboard.csv")
    back = pd.read_csv(csv, encoding="utf-8-sig")
    assert back["area_name"].iloc[0] == "Xã Một" and len(back) == len(board)
    np.testing.assert_allclose(back["rate"], board["rate"])
    xlsx = export_table({"scoreboard": board, "ranking": ranked}, tmp_path / "board.xlsx")
    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert set(sheets) == {"scoreboard", "ranking"}
    assert sheets["ranking"]["area_id"].tolist() == ranked["area_id"].tolist()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["board.xlsx", "out"]  # no temporary files left
    with pytest.raises(PlanningError, match=".csv or .xlsx"):
        export_table(board, tmp_path / "board.txt")
    with pytest.raises(PlanningError, match="one table"):
        export_table({"a": board, "b": ranked}, tmp_path / "two.csv")


def test_errors():
    proj = projection()
    with pytest.raises(PlanningError, match="commune targets"):
        build_scoreboard(None, proj, [Target("d", "d", "d", "district", 2.0, 2021, 2025)])
    with pytest.raises(PlanningError, match="two targets"):
        build_scoreboard(None, proj, [own("a0", 1.0), own("a0", 2.0)])
    with pytest.raises(PlanningError, match="lack columns"):
        build_scoreboard(pd.DataFrame({"area_id": ["a0"]}), proj, [own("a0", 1.0)])
