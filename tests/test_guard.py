"""The one output guard (thidua_sim.io._guard): an output never replaces an input of its run, nor
a file under data/ or params/, without force; a folder or a file-as-parent is always refused."""

from __future__ import annotations

import pytest

from thidua_sim.errors import InputErrors
from thidua_sim.io import check_output, check_output_folder


@pytest.fixture
def tree(tmp_path, monkeypatch):
    for folder in ("project/data/kbang", "project/params/scenarios", "project/out", "elsewhere"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "project/data/kbang/review_results.csv").write_text("x\n")
    (tmp_path / "project/params/scenarios/s.yaml").write_text("id: s\n")
    (tmp_path / "project/ra_soat.xlsx").write_bytes(b"x")
    monkeypatch.chdir(tmp_path / "elsewhere")  # not the project folder: only the inputs protect
    return tmp_path / "project"


def _refused(path, **kwargs) -> str:
    with pytest.raises(InputErrors) as info:
        check_output(path, **kwargs)
    return str(info.value)


def test_an_input_file_is_never_replaced(tree):
    text = _refused(tree / "ra_soat.xlsx", inputs=[tree / "ra_soat.xlsx"])
    assert "ra_soat.xlsx" in text and "same file as the input" in text and "--force" in text
    assert check_output(tree / "ra_soat.xlsx", inputs=[tree / "ra_soat.xlsx"], force=True) == tree / "ra_soat.xlsx"


def test_a_symlink_to_an_input_is_the_input(tree):
    link = tree / "out/link.csv"
    link.symlink_to(tree / "data/kbang/review_results.csv")
    assert "same file" in _refused(link, inputs=[tree / "data/kbang/review_results.csv"])


def test_nothing_is_written_into_an_input_folder_or_its_data_params_parent(tree):
    assert "inside the input folder" in _refused(tree / "data/kbang/new.csv", inputs=[tree / "data/kbang"])
    # a new file beside the data folder's siblings: the enclosing data/ folder is protected too
    assert "data/ folder" in _refused(tree / "data/other.csv", inputs=[tree / "data/kbang"])
    # the scenario's params/ folder (two levels up) is protected, even given as a generator
    assert "params/ folder" in _refused(tree / "params/x.yaml",
                                        inputs=(p for p in [tree / "params/scenarios/s.yaml"]))
    assert check_output(tree / "out/x.csv", inputs=[tree / "data/kbang", tree / "params/scenarios/s.yaml"])


def test_a_far_ancestor_named_data_is_not_protected(tmp_path, monkeypatch):
    deep = tmp_path / "data/projects/thidua/data/kbang"  # e.g. a server's /data mount
    deep.mkdir(parents=True)
    (tmp_path / "data/projects/out").mkdir()
    monkeypatch.chdir(tmp_path / "data/projects")
    assert check_output(tmp_path / "data/projects/out/x.csv", inputs=[deep])
    assert "data/ folder" in _refused(tmp_path / "data/projects/thidua/data/x.csv", inputs=[deep])


def test_the_working_folders_data_and_params_are_protected(tree, monkeypatch):
    monkeypatch.chdir(tree)
    assert "params/ folder" in _refused("params/anything.csv")
    assert check_output("out/anything.csv")


def test_a_folder_or_a_file_as_parent_is_refused_even_with_force(tree):
    assert "a folder" in _refused(tree / "out", force=True)
    (tree / "out/taken").write_text("file")
    assert "is a file, not a folder" in _refused(tree / "out/taken/x.csv", force=True)


def test_output_folders(tree):
    with pytest.raises(InputErrors, match="input folder"):
        check_output_folder(tree / "data/kbang/briefs", inputs=[tree / "data/kbang"])
    with pytest.raises(InputErrors, match="a file"):
        check_output_folder(tree / "ra_soat.xlsx")
    assert check_output_folder(tree / "out/briefs", inputs=[tree / "data/kbang", tree / "params"])
