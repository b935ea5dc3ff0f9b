"""Compute once, render many: the results file a batch shares with its briefs.

A batch computes the district projection (with its Monte Carlo draws) and the
required-resources answers of every target its briefs show **once**, writes them to one
results file, and passes its path to every brief notebook as the papermill parameter
``results``; a brief then reads its slice instead of projecting and searching again. A brief
run alone (``results=""``, the default) computes everything itself, as before.

Format (docs/formats/results.md): one NumPy ``.npz`` archive, read with
``allow_pickle=False`` (no code in it, only arrays and text), holding

* ``manifest``: a JSON text: ``format`` (``"thidua-sim results"``), ``version``
  (:data:`RESULTS_VERSION`), ``inputs_hash`` (the 16-hex hash of the parameter, data and
  scenario files, the package and the run's draws, seed and horizon), ``draws``, ``seed``,
  ``until``, ``years``, ``area_ids``, ``instrument_ids`` and ``required`` (one record per
  target and lever, the numbers a brief shows);
* the projection's arrays ``expected``, ``resources``, ``beneficiaries``, ``unused``,
  ``unallocated`` and, with draws, ``draws`` (int32 counts);
* with the district brief, its recommended allocation (``allocation``, million VND a year by
  commune and instrument; the manifest's ``allocation`` record holds its axes, budget and
  expected poor households at the end).

The parts are independent (the draws' projection; the required-resources answers; the
allocation, on the expected path): :func:`compute_parts` computes one from file paths, so a
batch computes them in parallel processes and :func:`compute_results` writes them together.

Why ``.npz`` and not Parquet: the results are a handful of dense N-dimensional arrays and
a few numbers; ``.npz`` stores them as they are with NumPy alone (no new dependency), a
reader in any language with a zip and ``.npy`` reader gets them back, and a brief loads its
slice in milliseconds. A file whose hash does not match the brief's inputs is refused, so a
brief never shows numbers of other inputs.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...io._digest import inputs_hash
from ._io import write_atomic
from ...errors import ThiduaError

__all__ = ["RESULTS_VERSION", "RESULTS_NAME", "StoredRequired", "StoredAllocation", "compute_results",
           "compute_part", "results_parts", "ensure_results", "read_results", "results_hash", "results_current",
           "ResultsError"]

RESULTS_VERSION = 2  # 2: the district brief's recommended allocation
RESULTS_FORMAT = "thidua-sim results"
RESULTS_NAME = "results.npz"
ARRAYS = ("expected", "resources", "beneficiaries", "unused", "unallocated")
REQUIRED_FIELDS = ("mode", "factor", "extra_mvnd_per_year", "mvnd_per_year", "feasible", "already_met",
                   "reduction_points_per_year", "best_reduction_points_per_year")


class ResultsError(ThiduaError):
    """A results file that cannot be used: missing, another format or version, other inputs."""


@dataclass(frozen=True)
class StoredRequired:
    """The numbers of one required-resources answer that a brief shows (see RequiredResources)."""

    mode: str
    factor: float | None
    extra_mvnd_per_year: float | None
    mvnd_per_year: float
    feasible: bool
    already_met: bool
    reduction_points_per_year: float
    best_reduction_points_per_year: float


@dataclass(frozen=True)
class StoredAllocation:
    """The district brief's recommended allocation as the brief shows it (see planning.Allocation):
    ``table`` (million VND a year, communes x instruments), the budget it spends and the
    expected poor households in the end year."""

    table: object  # pandas.DataFrame
    budget_mvnd_per_year: float
    expected_poor_end: float


def results_hash(params_dir: Path, data_dir: Path, scenario: Path, draws: int, seed: int, until: int) -> str:
    """The hash a results file is valid for."""
    return inputs_hash(params_dir=params_dir, data_dir=data_dir, scenario=scenario, notebook=None,
                       parameters={"draws": int(draws), "seed": int(seed), "until": int(until)},
                       extra=(f"results-v{RESULTS_VERSION}",))


def _number(x):
    if x is None:
        return None
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, str):
        return x
    return float(x)


def _inputs(scenario: Path, data_dir: Path, params_dir: Path):
    from ...data import load_baseline
    from ...params import load_params, load_scenario

    baseline = load_baseline(data_dir)
    params = load_params(params_dir)
    return baseline, params, load_scenario(scenario, params=params, areas=baseline.areas)


def _wanted_targets(baseline, params, areas: list[str] | None, district: bool) -> list:
    """The targets whose required resources the briefs show: the district's (district brief) and
    each chosen commune's share of the district target (commune briefs)."""
    from .sections import SPLIT_RULE
    from ...core.types import GROUPS
    from ...planning.targets import split_district_target

    wanted = []
    district_targets = [x for x in params.targets if x.population in ("district", *GROUPS)]
    if district:
        wanted.extend(district_targets)
    district_target = next((x for x in district_targets if x.population == "district"), None)
    if district_target is not None and (areas is None or areas):
        chosen = set(areas) if areas is not None else None
        for x in split_district_target(baseline, district_target, SPLIT_RULE, params=params):
            if chosen is None or x.population.split(":")[1] in chosen:
                wanted.append(x)
    return wanted


def results_parts(district: bool) -> tuple[str, ...]:
    """The parts of a results file: ``projection`` (the draws), ``required`` and, with the
    district brief, ``allocation``."""
    return ("projection", "required", *(("allocation",) if district else ()))


def compute_part(part: str, *, scenario: Path, data_dir: Path, params_dir: Path, draws: int, seed: int, until: int,
                 areas: list[str] | None, district: bool, scheduler: str | None = None) -> dict:
    """One part of the results file (:func:`results_parts`), from the inputs' paths alone (so
    a batch computes the parts in parallel processes): a dict of arrays and manifest entries."""
    from ...model.projection import project

    baseline, params, scen = _inputs(scenario, data_dir, params_dir)
    if part == "projection":
        projection = project(baseline, scen, params, until=until, draws=draws, seed=seed, keep_draws=True,
                             scheduler=scheduler)
        arrays = {name: np.asarray(getattr(projection, name)) for name in ARRAYS}
        if projection.draws is not None:
            arrays["draws"] = np.asarray(projection.draws)
        return {"arrays": arrays, "manifest": {
            "years": list(projection.years), "area_ids": [a.id for a in projection.areas],
            "instrument_ids": list(projection.instrument_ids)}}
    # required resources and the allocation act on the expected path: no draws needed
    path = project(baseline, scen, params, until=until, draws=0, seed=seed)
    end = path.years[-1]
    if part == "required":
        from ...planning import required_resources

        required = []
        for target in _wanted_targets(baseline, params, areas, district):
            for mode in ("scale", "extra"):
                r = required_resources(baseline, scen, params, target, mode=mode, rule="poor", until=end)
                required.append({"target": target.id, "population": target.population,
                                 "threshold_points": float(target.threshold_points),
                                 **{k: _number(getattr(r, k)) for k in REQUIRED_FIELDS}})
        return {"arrays": {}, "manifest": {"required": required}}
    if part == "allocation":
        from .sections import recommended_allocation

        result = recommended_allocation(baseline, scen, params, path.resources, end)
        return {"arrays": {"allocation": result.table.to_numpy(float)}, "manifest": {"allocation": {
            "area_ids": [str(a) for a in result.table.index], "instrument_ids": [str(k) for k in result.table.columns],
            "budget_mvnd_per_year": float(result.budget_mvnd_per_year),
            "expected_poor_end": float(result.expected_poor_end)}}}
    raise ValueError(f"results part {part!r}: expected one of projection, required, allocation")


def compute_results(path: Path, *, scenario: Path, data_dir: Path, params_dir: Path, draws: int, seed: int,
                    until: int, areas: list[str] | None, district: bool, scheduler: str | None = None,
                    parts: dict | None = None, complete: bool = True) -> Path:
    """Project once, answer every target's required resources once, allocate the district's
    money once, and write the results file atomically; returns its path. ``parts``: parts
    already computed (by :func:`compute_part`, e.g. in other processes), by name; with
    ``complete=False`` the file holds only those (a brief computes what the file lacks itself,
    with the same rule: a batch writes the draws and required resources for the commune briefs
    first, then the whole file)."""
    inputs = dict(scenario=scenario, data_dir=data_dir, params_dir=params_dir, draws=draws, seed=seed, until=until,
                  areas=areas, district=district, scheduler=scheduler)
    done = dict(parts or {})
    for part in results_parts(district):
        if part not in done and (complete or part in ("projection", "required")):
            done[part] = compute_part(part, **inputs)
    manifest = {
        "format": RESULTS_FORMAT, "version": RESULTS_VERSION,
        "inputs_hash": results_hash(params_dir, data_dir, scenario, draws, seed, until),
        "draws": int(draws), "seed": int(seed), "until": int(until),
        "parts": [part for part in results_parts(district) if part in done],
    }
    arrays: dict = {}
    for part in results_parts(district):
        if part in done:
            manifest.update(done[part]["manifest"])
            arrays.update(done[part]["arrays"])
    buffer = io.BytesIO()
    np.savez(buffer, manifest=np.array(json.dumps(manifest, ensure_ascii=False)), **arrays)
    write_atomic(Path(path), buffer.getvalue())
    return Path(path)


def read_results(path: str | Path, *, baseline, scenario, params, scenario_path: Path, data_dir: Path,
                 params_dir: Path, draws: int, seed: int, until: int):
    """``(Projection, {(target population, threshold, mode): StoredRequired}, StoredAllocation or
    None)`` from a results file, after checking its format, version and that it was computed from
    these very inputs."""
    from ...model.engine import compile_model
    from ...model.projection import Projection

    path = Path(path)
    if not path.is_file():
        raise ResultsError(f"results = {str(path)!r}: no such file; run the batch (thidua-sim briefs) to make it, "
                           "or pass results=\"\" to compute the brief on its own")
    try:
        with np.load(path, allow_pickle=False) as npz:
            manifest = json.loads(str(npz["manifest"]))
            arrays = {name: npz[name] for name in (*ARRAYS, "draws", "allocation") if name in npz.files}
    except (OSError, ValueError, KeyError) as exc:
        raise ResultsError(f"results = {str(path)!r}: not a thidua-sim results file ({type(exc).__name__}); "
                           "rebuild it with thidua-sim briefs") from None
    if manifest.get("format") != RESULTS_FORMAT or manifest.get("version") != RESULTS_VERSION:
        raise ResultsError(f"results = {str(path)!r}: format {manifest.get('format')!r} version "
                           f"{manifest.get('version')!r}; this version reads {RESULTS_FORMAT!r} version "
                           f"{RESULTS_VERSION}: rebuild it with thidua-sim briefs")
    expected_hash = results_hash(params_dir, data_dir, scenario_path, draws, seed, until)
    if manifest.get("inputs_hash") != expected_hash:
        raise ResultsError(f"results = {str(path)!r} was computed from other inputs (hash {manifest.get('inputs_hash')}, "
                           f"these inputs {expected_hash}: data, params, scenario, draws, seed or until differ); "
                           "rebuild it with thidua-sim briefs, or pass results=\"\"")
    model = compile_model(baseline, scenario, params, until)
    if [a.id for a in model.areas] != manifest["area_ids"]:  # pragma: no cover - covered by the hash
        raise ResultsError(f"results = {str(path)!r}: its communes differ from the data's; rebuild it")
    projection = Projection(baseline=baseline, scenario=scenario, params=params, model=model,
                            draws=arrays.get("draws"), seed=int(seed) if draws else None,
                            **{name: arrays[name] for name in ARRAYS})
    required = {}
    for rec in manifest["required"]:
        key = (rec["population"], rec["threshold_points"], rec["mode"])
        required[key] = StoredRequired(**{k: rec[k] for k in REQUIRED_FIELDS})
    allocation = None
    if "allocation" in arrays and manifest.get("allocation"):
        import pandas as pd

        rec = manifest["allocation"]
        table = pd.DataFrame(arrays["allocation"], index=pd.Index(rec["area_ids"], name="area_id"),
                             columns=list(rec["instrument_ids"]))
        allocation = StoredAllocation(table, float(rec["budget_mvnd_per_year"]), float(rec["expected_poor_end"]))
    return projection, required, allocation


def _stored_manifest(path: Path) -> dict | None:
    """A results file's manifest, or None (no file, unreadable, other version)."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            manifest = json.loads(str(npz["manifest"]))
    except (OSError, ValueError, KeyError):
        return None
    if manifest.get("format") != RESULTS_FORMAT or manifest.get("version") != RESULTS_VERSION:
        return None
    return manifest


def stored_hash(path: Path) -> str | None:
    """The inputs hash in a results file's manifest, or None (no file, unreadable, other version)."""
    manifest = _stored_manifest(path)
    return None if manifest is None else manifest.get("inputs_hash")


def results_current(path: Path, *, scenario: Path, data_dir: Path, params_dir: Path, draws: int, seed: int,
                    until: int, district: bool = True) -> bool:
    """True when the results file at ``path`` was computed from these inputs (by this version)
    and holds every part (:func:`results_parts`; a run killed between its two writes leaves a
    file without the allocation)."""
    manifest = _stored_manifest(path)
    return (manifest is not None and manifest.get("inputs_hash") == results_hash(params_dir, data_dir, scenario, draws,
                                                                                 seed, until)
            and set(results_parts(district)) <= set(manifest.get("parts", ())))


def ensure_results(path: Path, *, scenario: Path, data_dir: Path, params_dir: Path, draws: int, seed: int,
                   until: int, areas: list[str] | None, district: bool, scheduler: str | None = None) -> Path:
    """The results file at ``path``: kept when it was computed from these inputs, else computed."""
    if results_current(path, scenario=scenario, data_dir=data_dir, params_dir=params_dir, draws=draws, seed=seed,
                       until=until, district=district):
        return Path(path)
    return compute_results(path, scenario=scenario, data_dir=data_dir, params_dir=params_dir, draws=draws,
                           seed=seed, until=until, areas=areas, district=district, scheduler=scheduler)
