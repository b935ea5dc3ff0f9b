"""The bad-input suite (issue 10): misuses and broken files over every format and command.

Each case breaks a private copy of the shipped data and parameters, runs one command in-process
(a few through a subprocess, as a user would) and checks that

* the exit status is the expected one (1 for a refusal, 2 for an option argparse refuses, 0 where
  the run goes ahead with a note);
* the message names the file and the row, line or key at fault (texts known by hand from the
  case, never taken from the code under test);
* no traceback is printed;
* nothing on disk changed (a checksum of every file of the copy before and after).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from _bad_inputs import SCENARIO, Case, checksums, drop_lines, make_workspace, python, replace_in, run_in_process

SQ = SCENARIO
RR = "data/kbang/review_results.csv"


# -- setups ------------------------------------------------------------------------------------

def _template(ws: Path, name: str = "ra_soat.xlsx") -> None:
    from thidua_sim.data import write_template

    write_template(ws / name, areas=ws / "data/kbang")


def _file(name: str, text: str, encoding: str = "utf-8"):
    def setup(ws: Path) -> None:
        path = ws / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode(encoding))
    return setup


def _replace(name: str, old: str, new: str, count: int = 1):
    return lambda ws: replace_in(ws / name, old, new, count)


def _stray_quote(ws: Path) -> None:
    replace_in(ws / RR, "dak_rong,other,2021", 'dak_rong,"other,2021')


def _drop_kon_pne(ws: Path) -> None:
    drop_lines(ws / RR, lambda line: not line.startswith("kon_pne,"))


def _two_columns(ws: Path) -> None:
    lines = (ws / RR).read_text(encoding="utf-8").splitlines()
    (ws / RR).write_text("\n".join(",".join(line.split(",")[:2]) for line in lines) + "\n", encoding="utf-8")


def _semicolons(ws: Path) -> None:
    path = ws / "data/kbang/crosswalk.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")


HOUSEHOLDS = "Họ và tên,CCCD,Xã,Nhóm hộ\nNguyễn Văn A,012345678901,Kon Pne,DTTS\n"


def _household_list_as_results(ws: Path) -> None:
    (ws / RR).write_text(HOUSEHOLDS, encoding="utf-8")


def _folder_for_results(ws: Path) -> None:
    (ws / RR).unlink()
    (ws / RR).mkdir()


def _latin1(ws: Path) -> None:
    text = (ws / RR).read_text(encoding="utf-8")
    (ws / RR).write_bytes(text.replace("build_kbang_estimates v1", "ước tính", 1).encode("cp1258", "replace"))


def _many_bad_rows(ws: Path) -> None:
    header = (ws / RR).read_text(encoding="utf-8").splitlines()[0]
    rows = [f"kon_pne,dtts,{2000 + (i % 50)},-5,1,1,,,,,true,," for i in range(20_000)]
    (ws / "many.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


def _guide_first(ws: Path) -> None:
    import openpyxl

    _template(ws)
    book = openpyxl.load_workbook(ws / "ra_soat.xlsx")
    book.move_sheet(book.worksheets[1], offset=-1)
    book.save(ws / "ra_soat.xlsx")


def _formulas(ws: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Xã/thị trấn", "Nhóm hộ", "Năm", "Tổng số hộ", "Hộ nghèo", "Hộ cận nghèo"])
    sheet.append(["Kon Pne", "DTTS", 2021, "=400+444", "=B9", 231])
    sheet.append(["Kon Pne", "Khác", 2021, 44, 2, 4])
    book.save(ws / "ket_qua.xlsx")


def _password(ws: Path) -> None:
    (ws / "bao_mat.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))


def _broken_zip(ws: Path) -> None:
    (ws / "hong.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook" * 10)


BOMB = "".join(
    f"{x}: &{x} [{', '.join(['*' + p] * 9) if p else ', '.join(['lol'] * 9)}]\n"
    for p, x in zip(["", "a", "b", "c", "d", "e", "f", "g", "h"], "abcdefghi"))


def _bomb(ws: Path) -> None:
    path = ws / SQ
    text = path.read_text(encoding="utf-8").replace("resources:\n", BOMB + "resources:\n", 1)
    path.write_text(text.replace("amount_mvnd_per_year: 3000,", "amount_mvnd_per_year: *i,", 1), encoding="utf-8")


def _huge_yaml(ws: Path) -> None:
    (ws / "params/scenarios/big.yaml").write_text("id: big\n# " + "x" * 2_100_000 + "\n", encoding="utf-8")


def _commune_targets(ws: Path) -> None:
    (ws / "own_targets.yaml").write_text(
        'targets:\n  nowhere_poor_rate:\n    name_vi: "X"\n    name_en: "X"\n    population: "area:nowhere"\n'
        '    threshold_points: {value: 4, unit: percentage points per year, assumption: "test"}\n'
        '    start_year: 2021\n    end_year: 2025\n    strict: true\n', encoding="utf-8")


def _parent_is_file(ws: Path) -> None:
    (ws / "out/taken").write_text("a file, not a folder", encoding="utf-8")


def _slow_notebooks(ws: Path) -> None:  # a notebook folder (never run: the cases are refused first)
    import shutil

    from _bad_inputs import ROOT

    shutil.copytree(ROOT / "notebooks", ws / "notebooks", ignore=shutil.ignore_patterns("planner.ipynb"))


# -- the cases -----------------------------------------------------------------------------------

CASES: list[Case] = [
    # 1. data loss: an output never replaces an input (or anything under data/, params/) without --force
    Case("scoreboard_out_is_its_results", ["scoreboard", "--scenario", SQ, "--results", "ra_soat.xlsx",
                                            "--out", "ra_soat.xlsx"], ("ra_soat.xlsx", "--out", "same file", "--force"),
         _template),
    Case("project_out_replaces_baseline", ["project", "--scenario", SQ, "--out", RR],
         (RR, "--out", "data/kbang", "--force")),
    Case("calibrate_out_replaces_priors", ["calibrate", "--data", "data/gialai", "--scenario", SQ,
                                           "--out", "params/base_rates.yaml"],
         ("params/base_rates.yaml", "--out", "--force")),
    Case("check_out_replaces_scenario", ["check", "--scenario", SQ, "--out", SQ], (SQ, "same file", "--force")),
    Case("required_out_into_data", ["required", "--scenario", SQ, "--target", "district_poor_rate",
                                    "--out", "data/kbang/areas.csv"], ("data/kbang/areas.csv", "--out", "--force")),
    Case("allocate_out_into_params", ["allocate", "--scenario", SQ, "--budget", "100",
                                      "--out", "params/allocation.csv"], ("params/allocation.csv", "params", "--force")),
    Case("scoreboard_out_new_file_in_data", ["scoreboard", "--scenario", SQ, "--out", "data/kbang/board.xlsx"],
         ("data/kbang/board.xlsx", "--out")),
    Case("template_over_existing_baseline", ["template", "--out", RR], (RR, "--force")),
    Case("template_into_params", ["template", "--out", "params/ra_soat.xlsx"], ("params/ra_soat.xlsx", "--force")),
    Case("out_is_a_folder", ["project", "--scenario", SQ, "--out", "out"], ("out", "--out", "a folder")),
    Case("check_out_is_a_folder", ["check", "--scenario", SQ, "--out", "out"], ("out", "a folder")),
    Case("out_parent_is_a_file", ["project", "--scenario", SQ, "--out", "out/taken/path.csv"],
         ("out/taken/path.csv", "is a file"), _parent_is_file),
    Case("briefs_out_into_data", ["briefs", "--scenario", SQ, "--areas", "kon_pne", "--out", "data/kbang/briefs"],
         ("data/kbang/briefs", "--out", "input folder")),
    Case("briefs_out_is_a_file", ["briefs", "--scenario", SQ, "--areas", "kon_pne", "--out", "params/targets.yaml"],
         ("params/targets.yaml", "a file")),
    # 5. paths from arguments and parameters checked before anything runs
    Case("briefs_area_is_a_path", ["briefs", "--scenario", SQ, "--areas", "../../../../notebooks/planner",
                                   "--out", "out/b", "--notebooks", "notebooks"],
         ("'../../../../notebooks/planner'", "not a commune id", "areas.csv"), _slow_notebooks),
    Case("briefs_unknown_area", ["briefs", "--scenario", SQ, "--areas", "kon_pnee", "--out", "out/b",
                                 "--notebooks", "notebooks"], ("'kon_pnee'", "Did you mean kon_pne"), _slow_notebooks),
    Case("briefs_misspelt_parameter", ["briefs", "--scenario", SQ, "--areas", "kon_pne", "-p", "sed=5",
                                       "--out", "out/b", "--notebooks", "notebooks"],
         ("parameter sed", "Did you mean seed"), _slow_notebooks),
    Case("briefs_wrongly_typed_parameter", ["briefs", "--scenario", SQ, "--areas", "kon_pne", "-p", "draws=abc",
                                            "--out", "out/b", "--notebooks", "notebooks"],
         ("draws = 'abc'", "whole number"), _slow_notebooks),
    Case("briefs_missing_scenario", ["briefs", "--scenario", "params/scenarios/nope.yaml", "--out", "out/b",
                                     "--notebooks", "notebooks"], ("nope", "no such file"), _slow_notebooks),
    # 2. silently wrong numbers
    Case("stray_quote_validate", ["validate", "data/kbang"], (RR, "line 5", "quote", "13"), _stray_quote),
    Case("stray_quote_project", ["project", "--scenario", SQ], (RR, "line 5", "quote"), _stray_quote),
    Case("commune_without_rows_validate", ["validate", "data/kbang"], (RR, "kon_pne", "2021"), _drop_kon_pne),
    Case("commune_without_rows_project", ["project", "--scenario", SQ], (RR, "kon_pne (Kon Pne)"), _drop_kon_pne),
    Case("yaml_dotted_thousands", ["project", "--scenario", SQ],
         (SQ, "resources.production.lines[0].amount_mvnd_per_year", "3.000", "3000", "reads as 3"),
         _replace(SQ, "amount_mvnd_per_year: 3000,", "amount_mvnd_per_year: 3.000,")),
    Case("yaml_dotted_thousands_validate", ["validate", "params"], (SQ, "amount_mvnd_per_year", "600.000", "600000"),
         _replace(SQ, "amount_mvnd_per_year: 600,", "amount_mvnd_per_year: 600.000,")),
    Case("scenario_line_before_baseline", ["check", "--scenario", SQ], ("cấp năm 2012", "không được tính"),
         _replace(SQ, "years: 2021-2030, amount_mvnd_per_year: 600", "years: 2012, amount_mvnd_per_year: 600"),
         status=0),
    Case("scenario_lines_after_horizon", ["project", "--scenario", SQ, "--until", "2023", "--language", "en"],
         ("resources given in 2023–2030 act after 2023", "not used"), status=0),
    Case("until_past_resources", ["project", "--scenario", SQ, "--until", "2040", "--language", "en"],
         ("resources act until 2031", "2032–2040", "2025–2040: 6 units", "From 2027"), status=0),
    Case("until_past_reorganisation_without_periods",
         ["project", "--scenario", SQ, "--until", "2040", "--periods", "off", "--language", "en"],
         ("resources act until 2031", "reorganisation of 2025-07-01", "from 2027"), status=0),
    Case("until_before_baseline", ["project", "--scenario", SQ, "--until", "2019"], ("2019", "2021")),
    # 3. validate checks what it is given, or refuses it
    Case("results_cut_to_two_columns", ["validate", "data/kbang"], (RR, "row 1", "Năm", "Tổng số hộ"), _two_columns),
    Case("crosswalk_with_semicolons", ["validate", "data/kbang"], ("data/kbang/crosswalk.csv", "line 1", "';'"),
         _semicolons),
    Case("guide_sheet_first", ["validate", "ra_soat.xlsx"], ("ra_soat.xlsx", "sheet 1", "move sheet 'Kết quả rà soát'"),
         _guide_first),
    Case("household_list_named", ["validate", "ho_ngheo.csv"], ("ho_ngheo.csv", "column A", "personal data"),
         _file("ho_ngheo.csv", HOUSEHOLDS)),
    Case("household_list_as_results", ["project", "--scenario", SQ], (RR, "personal data"),
         _household_list_as_results, extra=lambda text: _no_personal_data(text)),
    Case("areas_folder_nowhere", ["validate", "params", "--areas", "data/nowhere"], ("data/nowhere", "--areas")),
    Case("validate_missing_path", ["validate", "data/nope.csv"], ("data/nope.csv", "no such file")),
    Case("validate_unknown_csv", ["validate", "notes.csv"], ("notes.csv", "does not read"),
         _file("notes.csv", "a,b\n1,2\n")),
    Case("validate_unknown_yaml", ["validate", "x.yaml"], ("x.yaml", "unknown kind"), _file("x.yaml", "colour: red\n")),
    Case("validate_named_broken_yaml", ["validate", "x.yaml"], ("x.yaml", "line 2", "invalid YAML"),
         _file("x.yaml", "a: [1,\nb: }\n")),
    Case("validate_other_extension", ["validate", "notes.docx"], ("notes.docx", "does not read"),
         _file("notes.docx", "x")),
    # 6. messages that name what is wrong
    Case("folder_where_results_belong", ["project", "--scenario", SQ], (RR, "a folder where a file belongs"),
         _folder_for_results),
    Case("password_protected_workbook", ["validate", "bao_mat.xlsx"], ("bao_mat.xlsx", "password"), _password),
    Case("broken_workbook", ["validate", "hong.xlsx"], ("hong.xlsx", "cannot be read"), _broken_zip),
    Case("formulas_without_values", ["validate", "ket_qua.xlsx"],
         ("ket_qua.xlsx", "row 2, column D", "formula =400+444", "no saved result", "row 2, column E"), _formulas),
    Case("results_not_utf8", ["validate", "data/kbang"], (RR, "UTF-8"), _latin1),
    Case("results_empty", ["validate", "data/kbang"], (RR, "empty file"), _file(RR, "")),
    Case("negative_count", ["validate", "data/kbang"], (RR, "row 2, column D 'households'", "-428"),
         _replace(RR, "kbang,dtts,2021,428,", "kbang,dtts,2021,-428,")),
    Case("poor_above_households", ["validate", "data/kbang"], (RR, "row 2", "above the 40 households"),
         _replace(RR, "kbang,dtts,2021,428,", "kbang,dtts,2021,40,")),
    Case("unknown_commune", ["validate", "data/kbang"], (RR, "row 2, column A", "unknown area 'kbangg'"),
         _replace(RR, "kbang,dtts,2021,428,", "kbangg,dtts,2021,428,")),
    Case("duplicate_row", ["validate", "data/kbang"], (RR, "row 3", "again (first on row 2)"),
         _replace(RR, "kbang,other,2021,3850,", "kbang,dtts,2021,3850,")),
    Case("year_in_words", ["validate", "data/kbang"], (RR, "row 2, column C 'year'", "'hai nghìn'"),
         _replace(RR, "kbang,dtts,2021,", "kbang,dtts,hai nghìn,")),
    Case("extra_cells", ["validate", "data/kbang"], (RR, "row 2, column N", "more than the 13 columns"),
         _replace(RR, "kbang,dtts,2021,428,90,55,,,,,true,", "kbang,dtts,2021,428,90,55,,,,,true,,,\"x\",")),
    Case("areas_duplicate_id", ["validate", "data/kbang/areas.csv"], ("data/kbang/areas.csv", "row 3", "'kbang' again"),
         _replace("data/kbang/areas.csv", "\ndak_rong,", "\nkbang,")),
    Case("areas_bad_kind", ["validate", "data/kbang/areas.csv"], ("data/kbang/areas.csv", "row 2", "'thi tran'"),
         _replace("data/kbang/areas.csv", ",town,", ",thi tran,")),
    Case("areas_id_with_spaces", ["validate", "data/kbang/areas.csv"], ("data/kbang/areas.csv", "row 3", "'Dak Rong'"),
         _replace("data/kbang/areas.csv", "\ndak_rong,", "\nDak Rong,")),
    Case("areas_file_missing", ["project", "--scenario", SQ], ("data/kbang/areas.csv", "no such file"),
         lambda ws: (ws / "data/kbang/areas.csv").unlink()),
    Case("crosswalk_unknown_area", ["validate", "data/kbang"], ("data/kbang/crosswalk.csv", "row 2", "dak_hloo"),
         _replace("data/kbang/crosswalk.csv", "\ndak_hlo,nghia_an", "\ndak_hloo,nghia_an")),
    Case("figures_bad_value", ["validate", "data/gialai/figures.csv"], ("data/gialai/figures.csv", "row 2", "many"),
         _replace("data/gialai/figures.csv", "2021,all,poor,45688,", "2021,all,poor,many,")),
    Case("many_bad_rows_grouped", ["validate", "many.csv"], ("many.csv", "rows", "the same problem", "more problem"),
         _many_bad_rows, extra=lambda text: _few_lines(text)),
    # 4. bounded resources
    Case("yaml_bomb", ["project", "--scenario", SQ], (SQ, "aliases", "200,000"), _bomb),
    Case("yaml_too_large", ["validate", "params/scenarios/big.yaml"], ("params/scenarios/big.yaml", "characters"),
         _huge_yaml),
    Case("draws_beyond_memory", ["project", "--scenario", SQ, "--draws", "1000000000"],
         ("draws = 1,000,000,000", "GiB", "draws fit", "at most")),
    Case("check_draws_beyond_memory", ["check", "--scenario", SQ, "--draws", "1000000000"], ("draws fit",)),
    # parameter files
    Case("duplicate_key", ["validate", "params"], ("params/instruments.yaml", "'cost_mvnd'", "a second"),
         _replace("params/instruments.yaml", "    eligible: [poor, near_poor]\n",
                  "    eligible: [poor, near_poor]\n    cost_mvnd: 5\n")),
    Case("yaml_syntax_error", ["project", "--scenario", SQ], (SQ, "invalid YAML"),
         _replace(SQ, "id: status_quo\n", "id: [status_quo\n")),
    Case("unknown_instrument", ["validate", "params"], (SQ, "resources.livelihoodd"),
         _replace(SQ, "  livelihood:\n", "  livelihoodd:\n")),
    Case("negative_amount", ["project", "--scenario", SQ], (SQ, "amount_mvnd_per_year", "-3000"),
         _replace(SQ, "amount_mvnd_per_year: 3000,", "amount_mvnd_per_year: -3000,")),
    Case("cost_in_vnd", ["validate", "params"], ("params/instruments.yaml", "cost_mvnd.unit", "VND per household"),
         _replace("params/instruments.yaml", "unit: million VND per household", "unit: VND per household")),
    Case("target_unknown_key", ["validate", "params"], ("params/targets.yaml", "thresold", "unknown key"),
         _replace("params/targets.yaml", "    strict: true\n", "    strict: true\n    thresold: 3\n")),
    Case("rate_above_one", ["project", "--scenario", SQ], ("params/base_rates.yaml", "pPO", "1.5"),
         _replace("params/base_rates.yaml", "      value: 0.085\n", "      value: 1.5\n")),
    Case("scenario_unknown_area", ["validate", "params"], (SQ, "nowhere"),
         _replace(SQ, "{years: 2021-2030, amount_mvnd_per_year: 600, rule: poor}",
                  "{years: 2021-2030, amount_mvnd_per_year: 600, area: nowhere}")),
    Case("commune_targets_unknown_area", ["check", "--scenario", SQ, "--commune-targets", "own_targets.yaml"],
         ("own_targets.yaml", "nowhere"), _commune_targets),
    Case("base_rates_file_missing", ["project", "--scenario", SQ, "--base-rates", "out/fitted.yaml"],
         ("out/fitted.yaml", "no such file")),
    # options
    Case("data_folder_missing", ["project", "--scenario", SQ, "--data", "data/nowhere"], ("data/nowhere", "no such folder")),
    Case("scenario_missing", ["check", "--scenario", "params/scenarios/nope.yaml"],
         ("params/scenarios/nope.yaml", "no such file")),
    Case("unknown_target", ["required", "--scenario", SQ, "--target", "nope"], ("--target 'nope'", "district_poor_rate")),
    Case("bad_cap", ["allocate", "--scenario", SQ, "--budget", "100", "--cap", "kon_pne"], ("--cap", "KEY=MILLION_VND"),
         status=2),
    Case("calibrate_year_gap", ["calibrate", "--data", "data/kbang", "--scenario", SQ, "--out", "out/fitted.yaml"],
         (RR, "2021", "consecutive years")),
    Case("calibrate_out_not_yaml", ["calibrate", "--data", "data/gialai", "--scenario", SQ, "--out", "out/x.txt"],
         ("out/x.txt", ".yaml")),
    Case("project_out_unknown_type", ["project", "--scenario", SQ, "--out", "out/x.txt"], ("out/x.txt", ".csv")),
    Case("draws_not_a_number", ["project", "--scenario", SQ, "--draws", "many"], ("--draws", "'many'"), status=2),
]


def _no_personal_data(text: str) -> None:
    assert "Nguyễn Văn A" not in text and "012345678901" not in text


def _few_lines(text: str) -> None:
    assert len(text.splitlines()) < 300, f"{len(text.splitlines())} lines printed"


def test_at_least_sixty_distinct_cases():
    assert len(CASES) >= 60
    assert len({c.id for c in CASES}) == len(CASES)
    commands = {c.argv[0] for c in CASES}
    assert commands == {"validate", "template", "project", "calibrate", "check", "required", "allocate",
                        "scoreboard", "briefs"}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_refused_clearly_and_changes_nothing(case: Case, tmp_path, monkeypatch, capsys):
    ws = make_workspace(tmp_path / "ws")
    if case.setup is not None:
        case.setup(ws)
    monkeypatch.chdir(ws)
    before = checksums(ws)
    status, text = run_in_process(case.argv, capsys)
    assert status == case.status, text
    for name in case.names:
        assert name in text, f"{name!r} not in:\n{text}"
    assert "Traceback" not in text
    assert checksums(ws) == before, "a run changed files on disk"
    if case.extra is not None:
        case.extra(text)


SUBPROCESS_CASES = ["stray_quote_project", "yaml_bomb", "draws_beyond_memory", "scoreboard_out_is_its_results"]


@pytest.mark.parametrize("case", [c for c in CASES if c.id in SUBPROCESS_CASES], ids=SUBPROCESS_CASES)
def test_bad_input_through_the_installed_command(case: Case, tmp_path):
    """As a user runs it: a separate process, exit status and stderr only."""
    from _bad_inputs import ROOT

    ws = make_workspace(tmp_path / "ws")
    if case.setup is not None:
        case.setup(ws)
    before = checksums(ws)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([python(), "-m", "thidua_sim", *case.argv], cwd=ws, capture_output=True, text=True,
                          env=env, timeout=300)
    assert done.returncode == case.status, done.stderr
    for name in case.names:
        assert name in done.stderr, f"{name!r} not in:\n{done.stderr}"
    assert "Traceback" not in done.stderr
    assert checksums(ws) == before


def test_force_replaces_an_input_on_purpose(tmp_path, monkeypatch, capsys):
    ws = make_workspace(tmp_path / "ws")
    monkeypatch.chdir(ws)
    status, text = run_in_process(["project", "--scenario", SQ, "--out", "params/projection.csv", "--force"], capsys)
    assert status == 0, text
    assert (ws / "params/projection.csv").is_file()


def test_formatted_blank_rows_are_skipped_and_rows_after_a_gap_are_kept(tmp_path):
    """A sheet formatted far below its data reads like the same sheet without the blank rows (the
    XML of empty rows is not parsed); a data row after a gap of blank rows is still read."""
    import csv

    import openpyxl
    from openpyxl.styles import Font

    from _bad_inputs import ROOT
    from thidua_sim.data import load_review_results
    from thidua_sim.io._sheets import _last_filled_row

    with open(ROOT / RR, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows[:-2]:
        sheet.append(row)
    gap = len(rows) + 50  # the last two rows after 50 blank ones
    for i, row in enumerate(rows[-2:]):
        for j, value in enumerate(row, start=1):
            sheet.cell(row=gap + i, column=j, value=value)
    for r in range(gap + 2, gap + 5002):
        sheet.cell(row=r, column=1).font = Font(bold=True)  # formatted, empty
    book.save(tmp_path / "ra_soat.xlsx")
    assert _last_filled_row(tmp_path / "ra_soat.xlsx", "xl/worksheets/sheet1.xml") == gap + 1
    from_xlsx = load_review_results(tmp_path / "ra_soat.xlsx", ROOT / "data/kbang")
    from_csv = load_review_results(ROOT / RR, ROOT / "data/kbang")
    cols = ["area_id", "group", "year", "households", "poor", "near_poor"]
    assert from_xlsx.table[cols].astype(str).values.tolist() == from_csv.table[cols].astype(str).values.tolist()
