"""The batch's results file (apps/briefs/_results.py): a brief reading its slice shows what a
brief computing alone shows; a file of other inputs, another version or no file is refused."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from thidua_sim.apps.briefs import sections as brief
from thidua_sim.apps.briefs._results import RESULTS_VERSION, compute_results

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "params/scenarios/status_quo.yaml"
DATA, PARAMS = ROOT / "data/kbang", ROOT / "params"


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    path = tmp_path_factory.mktemp("results") / "results.npz"
    compute_results(path, scenario=SCENARIO, data_dir=DATA, params_dir=PARAMS, draws=60, seed=3, until=2025,
                    areas=["kon_pne", "krong"], district=True)
    return path


def _kw(**extra):
    return {"scenario": str(SCENARIO), "data_dir": str(DATA), "params_dir": str(PARAMS), "draws": 60, "seed": 3,
            **extra}


def test_a_brief_reading_the_results_shows_what_it_computes_alone(results):
    for area in ("kon_pne", "krong"):
        alone, shared = brief.commune_brief(area, **_kw()), brief.commune_brief(area, **_kw(results=str(results)))
        np.testing.assert_array_equal(shared.projection.draws, alone.projection.draws)
        np.testing.assert_array_equal(shared.projection.expected, alone.projection.expected)
        for name in ("summary", "trajectory", "targets", "resources", "required"):
            assert getattr(brief, name)(shared).text() == getattr(brief, name)(alone).text(), (area, name)
        # the required answers came from the file, not from a new search
        assert shared.cache[("required", shared.own_target.id)][0].__class__.__name__ == "StoredRequired"
    district_alone, district_shared = brief.district_brief(**_kw()), brief.district_brief(**_kw(results=str(results)))
    for name in ("summary", "targets", "communes", "required"):
        assert getattr(brief, name)(district_shared).text() == getattr(brief, name)(district_alone).text(), name


def test_the_district_brief_shows_the_allocation_of_the_file_as_computed_alone(results, monkeypatch):
    """The recommended allocation is a shared result: the district brief reading it shows what
    it computes alone, and does not search again."""
    alone = brief.district_brief(**_kw())
    expected = brief.allocation(alone).text()
    shared = brief.district_brief(**_kw(results=str(results)))
    stored = shared.cache[("stored_allocation",)]
    assert type(stored).__name__ == "StoredAllocation"
    # a second method: the planning search itself, on the budget the brief shows
    steps = len(alone.projection.years) - 1
    budget = float((alone.projection.resources.sum(axis=(0, 2)) / steps).sum())
    assert stored.budget_mvnd_per_year == budget
    assert abs(stored.table.to_numpy().sum() - budget) <= 1e-6 * budget
    monkeypatch.setattr(brief, "recommended_allocation", lambda *a, **k: pytest.fail("searched again"))
    assert brief.allocation(shared).text() == expected


def test_parts_computed_apart_make_the_same_file(results, tmp_path):
    """The batch computes the parts in parallel processes: the file they make holds the same
    arrays and manifest as one computed in one go."""
    from thidua_sim.apps.briefs._results import compute_part, results_parts

    inputs = dict(scenario=SCENARIO, data_dir=DATA, params_dir=PARAMS, draws=60, seed=3, until=2025,
                  areas=["kon_pne", "krong"], district=True)
    parts = {part: compute_part(part, **inputs) for part in results_parts(True)}
    apart = compute_results(tmp_path / "apart.npz", parts=parts, **inputs)
    with np.load(results, allow_pickle=False) as one, np.load(apart, allow_pickle=False) as other:
        assert sorted(one.files) == sorted(other.files)
        for name in one.files:
            np.testing.assert_array_equal(one[name], other[name], err_msg=name)


def test_a_commune_not_in_the_file_computes_its_own_answer(results):
    shared = brief.commune_brief("son_lang", **_kw(results=str(results)))
    alone = brief.commune_brief("son_lang", **_kw())
    assert brief.required(shared).text() == brief.required(alone).text()


def test_results_of_other_inputs_are_refused(results, tmp_path):
    with pytest.raises(brief.BriefError, match="computed from other inputs"):
        brief.commune_brief("kon_pne", **_kw(results=str(results), seed=4))
    params = tmp_path / "params"
    shutil.copytree(PARAMS, params)
    with (params / "base_rates.yaml").open("a", encoding="utf-8") as f:
        f.write("\n# changed\n")
    with pytest.raises(brief.BriefError, match="computed from other inputs"):
        brief.commune_brief("kon_pne", scenario=str(params / "scenarios/status_quo.yaml"), data_dir=str(DATA),
                            params_dir=str(params), draws=60, seed=3, results=str(results))
    with pytest.raises(brief.BriefError, match="no such file"):
        brief.commune_brief("kon_pne", **_kw(results=str(tmp_path / "none.npz")))


def test_another_version_is_refused(results, tmp_path):
    with np.load(results, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    manifest = json.loads(str(arrays.pop("manifest")))
    manifest["version"] = RESULTS_VERSION + 1
    path = tmp_path / "future.npz"
    np.savez(path, manifest=np.array(json.dumps(manifest)), **arrays)
    with pytest.raises(brief.BriefError, match=f"version {RESULTS_VERSION + 1}"):
        brief.commune_brief("kon_pne", **_kw(results=str(path)))
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    with pytest.raises(brief.BriefError, match="not a thidua-sim results file"):
        brief.commune_brief("kon_pne", **_kw(results=str(tmp_path / "junk.npz")))


def test_a_file_without_the_allocation_is_read_but_not_kept_by_a_batch(results, tmp_path):
    """A batch writes the file first without the allocation (the commune briefs start on it): a
    brief reads it and computes the allocation itself; a batch finding such a file (a run killed
    between the two writes) does not take it as complete."""
    from thidua_sim.apps.briefs._results import results_current

    inputs = dict(scenario=SCENARIO, data_dir=DATA, params_dir=PARAMS, draws=60, seed=3, until=2025)
    partial = compute_results(tmp_path / "partial.npz", areas=["kon_pne", "krong"], district=True, complete=False,
                              **inputs)
    with np.load(partial, allow_pickle=False) as npz:
        assert "allocation" not in npz.files
        assert json.loads(str(npz["manifest"]))["parts"] == ["projection", "required"]
    assert not results_current(partial, district=True, **inputs)
    assert results_current(partial, district=False, **inputs)
    assert results_current(results, district=True, **inputs)
    district = brief.district_brief(**_kw(results=str(partial)))
    assert district.cache[("stored_allocation",)] is None
    assert brief.allocation(district).text() == brief.allocation(brief.district_brief(**_kw(results=str(results)))).text()
