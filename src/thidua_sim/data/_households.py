"""Household records (danh sách hộ of the annual review): strict import, protection of
personal data (Decree 13/2023/NĐ-CP), and the records as a table the model layer classifies.

Import (:func:`load_households`) reads a .csv/.xlsx household list:

- columns that hold personal data (names, ID numbers, phone numbers, dates of birth, street
  addresses) are dropped before any row is read; :attr:`HouseholdRecords.dropped` names each
  such column (letter and header), never a value;
- the household code becomes a keyed pseudonym, ``h`` + 16 hex digits of HMAC-SHA256 with a
  local key (:func:`household_key`, a file created with mode 0600 outside any output); the
  code itself is kept nowhere, and no error message shows it;
- every other cell is checked; every problem names the file, the row and the column.

A file written by :meth:`HouseholdRecords.to_csv` (pseudonyms in ``household_id``) reads back
the same, without the key. Format: ``docs/households.md``.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._areas import _as_area_info, _review_day
from ._names import AreaInfo, UnknownArea, name_key, suggest_areas
from ..core.text import fold
from ._review_rows import _GROUP_WORDS, _Matchers
from ..core.types import GROUPS, Baseline
from ..errors import ErrorCollector, InputError, InputErrors
from ..io._sheets import PathLike_, _blank, _column_letter, _map_header, _read_sheet, _Row, _Sheet, _whole_number

__all__ = ["HouseholdRecords", "load_households", "household_key", "default_key_path", "pseudonym",
           "HOUSEHOLD_COLUMNS", "HOUSEHOLD_SPEC", "CAUSES", "NEEDS", "PERSONAL_PATTERNS", "INDICATOR_IDS",
           "indicator_header", "combine_records"]

# -- vocabularies ------------------------------------------------------------------------------------
CAUSES: dict[str, tuple[str, str]] = {
    # id: (Vietnamese, English) as on the review form (Circular 07/2021/TT-BLĐTBXH)
    "land": ("Thiếu đất sản xuất", "Lack of farmland"),
    "capital": ("Thiếu vốn sản xuất", "Lack of capital"),
    "labour": ("Thiếu lao động", "Lack of labour"),
    "tools": ("Thiếu công cụ, phương tiện sản xuất", "Lack of tools"),
    "knowledge": ("Thiếu kiến thức sản xuất", "Lack of know-how"),
    "skills": ("Thiếu kỹ năng lao động", "Lack of skills"),
    "illness": ("Có người ốm đau, bệnh nặng", "Illness in the household"),
    "other": ("Nguyên nhân khác", "Other cause"),
}
NEEDS: dict[str, tuple[str, str]] = {
    "health": ("Hỗ trợ y tế", "Health"),
    "education": ("Hỗ trợ giáo dục", "Education"),
    "production": ("Hỗ trợ sản xuất", "Production"),
    "credit": ("Vay vốn", "Credit"),
    "housing": ("Hỗ trợ nhà ở", "Housing"),
    "other": ("Nhu cầu khác", "Other"),
}
_STATUS_WORDS = {
    **{name_key(w): "poor" for w in ("poor", "nghèo", "hộ nghèo", "N")},
    **{name_key(w): "near_poor" for w in ("near_poor", "cận nghèo", "hộ cận nghèo", "CN")},
    **{name_key(w): "other" for w in ("other", "khác", "không nghèo", "ngoài", "K")},
    **{name_key(w): "new" for w in ("new", "mới", "hộ mới", "phát sinh mới", "tách hộ")},
}
_KIND_WORDS = {**{name_key(w): False for w in ("rural", "nông thôn", "NT")},
               **{name_key(w): True for w in ("urban", "thành thị", "TT", "đô thị")}}

# Indicator ids of every standard of params/standards.yaml, Decree 07 first then those Decree 351 adds.
# The flags of the standard of a row's year are required; the others are optional (blank = not recorded).
INDICATOR_IDS: tuple[str, ...] = (
    "employment", "dependants", "nutrition", "health_insurance", "adult_education", "child_school_attendance",
    "housing_quality", "housing_area", "drinking_water", "sanitation", "telecom_services", "information_means",
    "waste_treatment", "digital_services",
)
_INDICATOR_VI = {
    "employment": "Việc làm", "dependants": "Người phụ thuộc", "nutrition": "Dinh dưỡng",
    "health_insurance": "Bảo hiểm y tế", "adult_education": "Trình độ giáo dục người lớn",
    "child_school_attendance": "Tình trạng đi học của trẻ em", "housing_quality": "Chất lượng nhà ở",
    "housing_area": "Diện tích nhà ở", "drinking_water": "Nguồn nước sinh hoạt", "sanitation": "Nhà tiêu hợp vệ sinh",
    "telecom_services": "Dịch vụ viễn thông", "information_means": "Phương tiện tiếp cận thông tin",
    "waste_treatment": "Xử lý rác thải", "digital_services": "Dịch vụ viễn thông và internet",
}


def indicator_header(iid: str) -> str:
    """The Vietnamese header of an indicator's flag column: ``Thiếu hụt: Chất lượng nhà ở``."""
    return f"Thiếu hụt: {_INDICATOR_VI[iid]}"


# column id -> (Vietnamese header of the template, accepted headers, required)
HOUSEHOLD_SPEC: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "household_code": ("Mã hộ", ("household_code", "Mã hộ gia đình", "Mã số hộ", "Mã HGĐ"), False),
    "household_id": ("Mã ẩn danh", ("household_id", "pseudonym", "Mã hộ ẩn danh"), False),
    "area_id": ("Xã/thị trấn", ("area", "area_id", "commune", "unit", "Xã", "Thị trấn", "Xã, thị trấn", "Đơn vị",
                                "Tên xã", "Mã xã"), True),
    "village": ("Thôn/làng", ("village", "Thôn", "Làng", "Thôn, làng", "Thôn/làng/tổ dân phố", "Tổ dân phố"), True),
    "group": ("Nhóm hộ", ("group", "Nhóm", "Hộ DTTS"), True),
    "ethnicity": ("Dân tộc", ("ethnicity", "Dân tộc của hộ"), False),
    "members": ("Số nhân khẩu", ("members", "Số người", "Nhân khẩu", "Số thành viên"), True),
    "area_kind": ("Khu vực", ("area_kind", "Thành thị/nông thôn", "Khu vực thành thị/nông thôn"), False),
    "income": ("Thu nhập bình quân đầu người/tháng (đồng)",
               ("income", "income_per_person_month_vnd", "Thu nhập bình quân đầu người/tháng",
                "Thu nhập BQ/người/tháng", "Thu nhập bình quân"), True),
    **{iid: (indicator_header(iid), (iid, _INDICATOR_VI[iid]), False) for iid in INDICATOR_IDS},
    "no_labour": ("Không có khả năng lao động", ("no_labour", "Hộ không có khả năng lao động",
                                                 "Không có lao động"), False),
    "merit": ("Hộ có người có công", ("merit", "Người có công", "Hộ người có công với cách mạng"), False),
    "causes": ("Nguyên nhân nghèo", ("causes", "Nguyên nhân nghèo, cận nghèo"), False),
    "needs": ("Nhu cầu hỗ trợ", ("needs", "Nhu cầu cần hỗ trợ"), False),
    "status_before": ("Phân loại đầu kỳ", ("status_before", "Phân loại năm trước", "Tình trạng đầu kỳ"), False),
    "previously_poor": ("Đã từng là hộ nghèo", ("previously_poor", "Từng nghèo", "Đã từng nghèo"), False),
    "year": ("Năm", ("year", "Năm rà soát"), True),
    "synthetic": ("Giả lập", ("synthetic", "Dữ liệu giả lập"), False),
}

HOUSEHOLD_COLUMNS: tuple[str, ...] = (
    "household_id", "area_id", "village", "group", "ethnicity", "members", "urban", "income", "year",
    *(f"dep_{i}" for i in INDICATOR_IDS), "no_labour", "merit", "causes", "needs", "status_before",
    "previously_poor", "synthetic",
)
"""Columns of :attr:`HouseholdRecords.table`: ``dep_<indicator>`` is 1 (deprived), 0, or -1 (not recorded)."""

# Headers that hold personal data, as phrases of whole words (ASCII, lower case): dropped at import.
PERSONAL_PATTERNS: dict[str, tuple[str, ...]] = {
    "name": ("ho va ten", "ho ten", "ten chu ho", "chu ho", "ten nguoi", "name", "full name", "hoten"),
    "ID number": ("cccd", "cmnd", "can cuoc", "chung minh", "dinh danh", "id number", "id card", "passport",
                  "ho chieu", "so the", "bhxh", "so bhyt", "ma bhyt", "the bhyt", "ma so thue", "mst"),
    "phone number": ("dien thoai", "sdt", "phone", "mobile", "so dt", "email", "e mail", "thu dien tu", "zalo"),
    "date of birth": ("ngay sinh", "nam sinh", "birth", "dob", "ngay thang nam sinh"),
    "street address": ("dia chi", "so nha", "address", "street", "duong pho", "thuong tru", "tam tru"),
}
_PSEUDONYM = re.compile(r"^h[0-9a-f]{16}$")


_key = lru_cache(maxsize=8192)(name_key)   # the cells of a list repeat the same few words


def _personal_kind(header: str) -> str | None:
    words = " " + " ".join(re.findall(r"[a-z0-9]+", fold(header))) + " "
    for kind, patterns in PERSONAL_PATTERNS.items():
        if any(f" {p} " in words for p in patterns):
            return kind
    return None


# -- the key and pseudonyms ---------------------------------------------------------------------------
def default_key_path() -> Path:
    """``$THIDUA_SIM_KEY_FILE``, else ``~/.config/thidua_sim/households.key``: a local file outside any output."""
    env = os.environ.get("THIDUA_SIM_KEY_FILE")
    return Path(env) if env else Path.home() / ".config" / "thidua_sim" / "households.key"


def household_key(path: PathLike_ | None = None, create: bool = True) -> bytes:
    """The pseudonymisation key from ``path`` (default :func:`default_key_path`), created on
    first use with 32 random bytes and mode 0600 (readable by its owner only).

    Keep the same key for every year's list: the same household then gets the same pseudonym,
    which is how flows between review years are found. Never put the key beside the outputs.
    """
    path = Path(path) if path is not None else default_key_path()
    if not path.exists():
        if not create:
            raise InputErrors([InputError(str(path), "file", "no key file", "the pseudonymisation key",
                                          "run 'thidua-sim households import' once, which creates it")])
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32) + "\n")
    text = path.read_text(encoding="ascii", errors="replace").strip()
    if not re.fullmatch(r"[0-9a-f]{64}", text):
        raise InputErrors([InputError(str(path), "file", "a file that is not a key made by thidua-sim",
                                      "64 hexadecimal digits", "point --key to the key file made by the import, "
                                      "or to a new path (a new key is then made)")])
    if os.name == "posix" and path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)
    return bytes.fromhex(text)


def pseudonym(code: str, key: bytes) -> str:
    """The keyed pseudonym of a household code: ``h`` + 16 hex digits of HMAC-SHA256."""
    return "h" + hmac.new(key, str(code).strip().upper().encode("utf-8"), hashlib.sha256).hexdigest()[:16]


# -- the records ----------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class HouseholdRecords:
    """A household list as imported: pseudonymised, checked, one row per household and review year.

    ``table``: columns :data:`HOUSEHOLD_COLUMNS`. ``areas``: the known areas (for names, order,
    towns). ``dropped``: ``(column letter, header, kind)`` of each personal-data column left out.
    ``synthetic``: True when any row is synthetic (the shipped list).
    """

    table: pd.DataFrame
    areas: tuple[AreaInfo, ...]
    source: str = ""
    dropped: tuple[tuple[str, str, str], ...] = ()
    pseudonymised: bool = False

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted(int(y) for y in self.table["year"].unique()))

    @property
    def synthetic(self) -> bool:
        return bool(self.table["synthetic"].any())

    def __len__(self) -> int:
        return len(self.table)

    def for_year(self, year: int | None = None) -> HouseholdRecords:
        """The rows of one review year (default: the last)."""
        year = self.years[-1] if year is None else int(year)
        if year not in self.years:
            raise InputErrors([InputError(self.source, f"year {year}", "no households of that year",
                                          "one of " + ", ".join(map(str, self.years)), "choose a year the list has")])
        return replace(self, table=self.table[self.table["year"] == year].reset_index(drop=True))

    def flags(self, indicators: Sequence[str]) -> np.ndarray:
        """Deprivation flags (n, K) as int8: 1 deprived, 0 not, -1 not recorded."""
        return self.table[[f"dep_{i}" for i in indicators]].to_numpy(dtype=np.int8)

    def area_order(self) -> list[str]:
        present = set(self.table["area_id"])
        return [a.id for a in self.areas if a.id in present]

    def to_csv(self, path: PathLike_, overwrite: bool = False) -> Path:
        """Save the pseudonymised records (no household code, no personal column), atomically."""
        from ..io._atomic import write_atomic

        path = Path(path)
        if path.exists() and not overwrite:
            raise InputErrors([InputError(str(path), "file", "a file that already exists", "a new file name",
                                          "choose another name, or pass --force to replace it")])
        table = self.table.copy()
        for c in ("no_labour", "merit", "previously_poor", "synthetic"):
            table[c] = table[c].map(lambda v: "true" if v else "false")
        table["urban"] = table["urban"].map(lambda v: "urban" if v else "rural")
        table = table.rename(columns={"urban": "area_kind", **{f"dep_{i}": i for i in INDICATOR_IDS}})
        for i in INDICATOR_IDS:
            table[i] = table[i].map(lambda v: "" if v < 0 else str(int(v)))
        table["income"] = table["income"].map(lambda v: f"{v:.0f}")
        buffer = io.StringIO()
        table.to_csv(buffer, index=False, lineterminator="\n")
        write_atomic(path, buffer.getvalue().encode("utf-8"))
        return path

    def baseline_counts(self, codes: np.ndarray) -> tuple[list[str], np.ndarray]:
        """Households per area, group and state (A, 2, 3) from state codes (0 poor, 1 near-poor, 2 other)."""
        order = self.area_order()
        index = {a: i for i, a in enumerate(order)}
        a = self.table["area_id"].map(index).to_numpy()
        g = (self.table["group"] == "other").to_numpy().astype(int)
        counts = np.zeros((len(order), len(GROUPS), 3))
        np.add.at(counts, (a, g, np.asarray(codes, dtype=int)), 1.0)
        return order, counts

    def baseline(self, codes: np.ndarray, year: int) -> Baseline:
        """The engine's Baseline of these households classified as ``codes`` (one review year)."""
        order, counts = self.baseline_counts(codes)
        info = {a.id: a for a in self.areas}
        estimated = np.full((len(order), len(GROUPS)), self.synthetic)
        what = "synthetic household records" if self.synthetic else "household records"
        provenance = {a: f"{what} ({self.source})" for a in order}
        return Baseline(int(year), tuple(info[a].area for a in order), counts, estimated, provenance,
                        f"{self.source} ({what}, classified)")


# -- import ---------------------------------------------------------------------------------------------
def load_households(path: PathLike_, areas: Sequence[AreaInfo] | PathLike_ | None = None,
                    key: bytes | PathLike_ | None = None, standards: Any = None) -> HouseholdRecords:
    """Read a household list (.csv UTF-8 or .xlsx), strictly; see the module text.

    ``areas``: known areas (AreaInfo objects, or an areas file / data folder; default: the areas
    beside the file, else the shipped Kbang ones). ``key``: the pseudonymisation key (bytes) or
    its file (default :func:`default_key_path`, created when missing); only needed when the file
    has household codes. ``standards``: the poverty standards (default: params/standards.yaml),
    which say which indicator flags each review year needs.

    Raises :class:`InputErrors` listing every problem (file, row, column, found, expected, fix);
    nothing is written on failure (the key file is created only after the rows are read cleanly).
    """
    from ..params.standards import load_standards, StandardsError

    path = Path(path)
    info = _as_area_info(areas, path)
    std = standards if standards is not None else load_standards()
    sheet = _read_sheet(path)
    sheet, dropped = _drop_personal(sheet)
    errors = ErrorCollector(sheet.file)
    columns = _map_header(sheet, HOUSEHOLD_SPEC, errors)
    if "household_code" not in columns and "household_id" not in columns:
        errors.add("row 1", f"no column {HOUSEHOLD_SPEC['household_code'][0]!r}", "the household code of the review",
                   f"add a column headed {HOUSEHOLD_SPEC['household_code'][0]!r} (household_code)")
    if "household_code" in columns and "household_id" in columns:
        errors.add("row 1", "both a household code and a pseudonym column", "one of the two",
                   "delete the column 'Mã ẩn danh' or the column 'Mã hộ'")
    if errors:
        errors.raise_if_any()
    if not sheet.rows:
        errors.add("row 2", "no data rows", "one row per household", "fill in the rows under the header")
        errors.raise_if_any()
    id_col = "household_id" if "household_id" in columns else "household_code"
    fast = _fast_rows(sheet, columns, info, std, id_col)
    codes, out = fast if fast is not None else _slow_rows(sheet, columns, info, std, errors)
    if id_col == "household_code":
        secret = key if isinstance(key, bytes) else household_key(key)
        ids = [pseudonym(c, secret) for c in codes]  # type: ignore[arg-type]
    else:
        ids = list(codes)
    del codes
    table = pd.DataFrame({"household_id": ids, **out}, columns=list(HOUSEHOLD_COLUMNS))
    table = _typed(table)
    order = {a.id: i for i, a in enumerate(info)}
    table = table.sort_values(["year", "area_id", "village", "household_id"],
                              key=lambda s: s.map(order) if s.name == "area_id" else s,
                              kind="stable").reset_index(drop=True)
    return HouseholdRecords(table, tuple(info), str(path), tuple(dropped), id_col == "household_code")


def _fast_rows(sheet: _Sheet, columns: Mapping[str, int], info: Sequence[AreaInfo], std: Any,
               id_col: str) -> tuple[list[Any], dict[str, list[Any]]] | None:
    """The rows read column by column when every cell is in its plain form (digits, 0/1,
    true/false, known words): the common case of a list exported by software, and what makes a
    province's list quick to read. None as soon as anything is not plain: then
    :func:`_slow_rows` reads the file cell by cell and reports every problem."""
    from ..params.standards import StandardsError

    width = len(sheet.header)
    if any(len(cells) != width for _, cells in sheet.rows):   # ragged rows: read cell by cell
        return None
    frame = pd.DataFrame([cells for _, cells in sheet.rows])

    def col(cid: str) -> pd.Series | None:
        return frame[columns[cid]] if cid in columns else None

    def text(cid: str) -> pd.Series | None:
        c = col(cid)
        if c is None:
            return None
        if pd.api.types.infer_dtype(c, skipna=True) in ("string", "empty"):   # a CSV: text cells only
            return c.fillna("").str.strip()
        return c.map(lambda v: "" if _blank(v) else (str(int(v)) if isinstance(v, float) and v.is_integer()
                                                       else str(v).strip()))

    def words(cid: str, table: Mapping[str, Any]) -> pd.Series | None:
        t = text(cid)
        if t is None:
            return None
        mapping = {v: table.get(_key(v), _MISSING) for v in t.unique()}
        return t.map(mapping)

    def whole(cid: str) -> np.ndarray | None:
        t = text(cid)
        if t is None or not t.str.fullmatch(r"\d{1,9}").all():
            return None
        return t.astype("int64").to_numpy()

    code = text(id_col)
    if code is None or (code == "").any():
        return None
    if id_col == "household_id" and not code.str.fullmatch(r"h[0-9a-f]{16}").all():
        return None
    year = whole("year")
    if year is None:
        return None
    standards = {}
    for y in np.unique(year):
        try:
            standards[int(y)] = std.for_year(int(y))
        except StandardsError:
            return None
    if pd.Series(list(zip(code.str.upper(), year, strict=True))).duplicated().any():
        return None
    names = text("area_id")
    area_ids = np.empty(len(frame), dtype=object)
    matchers = _Matchers(info)
    for (name, y), idx in pd.Series(range(len(frame))).groupby([names, year]).groups.items():
        if name == "":
            return None
        try:
            area_ids[np.asarray(idx)] = matchers.on(_review_day(int(y))).match(name).id
        except UnknownArea:
            return None
    village = text("village")
    group = words("group", _GROUP_WORDS)
    members = whole("members")
    if (village == "").any() or group is None or group.isin([_MISSING, "total"]).any() or members is None \
            or (members < 1).any():
        return None
    kinds = {a.id: a.kind for a in info}
    town = np.array([kinds.get(a) == "town" for a in area_ids])
    if "area_kind" in columns:
        kind_text = text("area_kind")
        kind = words("area_kind", _KIND_WORDS)
        if ((kind == _MISSING) & (kind_text != "")).any():
            return None
        urban = np.where(kind_text == "", town, kind.map(lambda v: v is True))
    else:
        urban = town
    raw_income = col("income")
    income = pd.to_numeric(raw_income.map(lambda v: v if not isinstance(v, str) else v.strip()), errors="coerce")
    plain = raw_income.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
                           or isinstance(v, str) and re.fullmatch(r"\d+(\.\d+)?", v.strip()) is not None)
    if not plain.all() or income.isna().any() or (income < 0).any():
        return None
    out: dict[str, list[Any]] = {}
    for iid in INDICATOR_IDS:
        needed = np.isin(year, [y for y, st in standards.items() if any(i.id == iid for i in st.indicators)])
        c = col(iid)
        if c is None:
            if needed.any():
                return None
            out[f"dep_{iid}"] = [-1] * len(frame)
            continue
        flags = c.map({"0": 0, "1": 1, 0: 0, 1: 1, "": -1, None: -1})
        if flags.isna().any() or ((flags == -1) & needed).any():
            return None
        out[f"dep_{iid}"] = flags.astype("int8").tolist()
    for cid in ("no_labour", "merit", "previously_poor", "synthetic"):
        c = col(cid)
        if c is None:
            out[cid] = [False] * len(frame)
            continue
        flags = c.map({"true": True, "false": False, True: True, False: False, "": False, None: False})
        if flags.isna().any():
            return None
        out[cid] = flags.astype(bool).tolist()
    for cid, vocabulary in (("causes", CAUSES), ("needs", NEEDS)):
        t = text(cid)
        if t is None:
            out[cid] = [""] * len(frame)
            continue
        index = _index(cid)
        mapping = {}
        for v in t.unique():
            parts = [p for p in re.split(r"[;,|]", v) if p.strip()]
            found = [index.get(_key(p)) for p in parts]
            if None in found:
                return None
            mapping[v] = ";".join(dict.fromkeys(found))  # type: ignore[arg-type]
        out[cid] = t.map(mapping).tolist()
    status = words("status_before", _STATUS_WORDS)
    if status is not None:
        status_text = text("status_before")
        if ((status == _MISSING) & (status_text != "")).any():
            return None
        out["status_before"] = status.where(status_text != "", "").tolist()
    else:
        out["status_before"] = [""] * len(frame)
    ethnicity = text("ethnicity")
    out.update({"area_id": area_ids.tolist(), "village": village.tolist(), "group": group.tolist(),
                "ethnicity": ethnicity.tolist() if ethnicity is not None else [""] * len(frame),
                "members": members.tolist(), "urban": np.asarray(urban, dtype=bool).tolist(),
                "income": income.astype(float).tolist(), "year": year.tolist()})
    return code.tolist(), {c: out[c] for c in HOUSEHOLD_COLUMNS if c != "household_id"}


_MISSING = object()


def _slow_rows(sheet: _Sheet, columns: Mapping[str, int], info: Sequence[AreaInfo], std: Any,
               errors: ErrorCollector) -> tuple[list[Any], dict[str, list[Any]]]:
    """Every row read and checked cell by cell; every problem recorded, then raised together."""
    from ..params.standards import StandardsError

    labels = {c: s[0] for c, s in HOUSEHOLD_SPEC.items()}
    matchers = _Matchers(info)
    kinds = {a.id: a.kind for a in info}
    n = len(sheet.rows)
    codes: list[str | None] = [None] * n
    out: dict[str, list[Any]] = {c: [None] * n for c in HOUSEHOLD_COLUMNS if c != "household_id"}
    missing_flags: dict[tuple[str, int], None] = {}
    standard_of_year: dict[int, Any] = {}
    for k, (number, cells) in enumerate(sheet.rows):
        row = _Row(sheet, number, cells, columns, labels, errors)
        year = row.year()
        std_y = None
        if year is not None:
            if year not in standard_of_year:
                try:
                    standard_of_year[year] = std.for_year(year)
                except StandardsError as exc:
                    standard_of_year[year] = exc
            std_y = standard_of_year[year]
            if isinstance(std_y, StandardsError):
                row.fail("year", str(year), "a review year a poverty standard covers", str(std_y))
                std_y = None
        code = row.text("household_id" if "household_id" in columns else "household_code", required=True)
        if code is not None and "household_id" in columns and not _PSEUDONYM.fullmatch(code):
            row.fail("household_id", "a value that is not a pseudonym of thidua-sim",
                     "h followed by 16 hexadecimal digits", "import the list with its household codes instead")
        codes[k] = code
        area_id = _area(row, info, matchers, year)
        village = row.text("village", required=True)
        group = None
        gtext = row.text("group", required=True)
        if gtext is not None:
            group = _GROUP_WORDS.get(_key(gtext))
            if group not in GROUPS:
                row.fail("group", repr(gtext), "DTTS (dân tộc thiểu số) or Khác (other)", "write DTTS or Khác")
                group = None
        members = row.count("members", required=True)
        if members is not None and members < 1:
            row.fail("members", str(members), "at least 1 member", "count the members of the household")
        kind_text = row.text("area_kind")
        if kind_text is None:
            urban = kinds.get(area_id) == "town" if area_id else False
        else:
            urban = _KIND_WORDS.get(_key(kind_text))
            if urban is None:
                row.fail("area_kind", repr(kind_text), "nông thôn (rural) or thành thị (urban)",
                         "write nông thôn or thành thị, or leave it empty (towns are urban)")
        income = _income(row)
        for iid in INDICATOR_IDS:
            needed = std_y is not None and any(i.id == iid for i in std_y.indicators)
            value = row.raw(iid)
            if iid not in columns or _blank(value):
                if needed:
                    if iid not in columns:
                        missing_flags.setdefault((iid, year), None)  # type: ignore[arg-type]
                    else:
                        row.fail(iid, "an empty cell", f"1 or 0 (deprived or not) under {std_y.id}",
                                 "fill in the flag of the review form")
                out[f"dep_{iid}"][k] = -1
            else:
                out[f"dep_{iid}"][k] = _flag01(row, iid)
        out["no_labour"][k] = _bool(row, "no_labour") if "no_labour" in columns else False
        out["merit"][k] = _bool(row, "merit") if "merit" in columns else False
        out["previously_poor"][k] = _bool(row, "previously_poor") if "previously_poor" in columns else False
        out["synthetic"][k] = _bool(row, "synthetic") if "synthetic" in columns else False
        out["causes"][k] = _vocabulary(row, "causes", CAUSES)
        out["needs"][k] = _vocabulary(row, "needs", NEEDS)
        status = row.text("status_before")
        if status is not None:
            s = _STATUS_WORDS.get(_key(status))
            if s is None:
                row.fail("status_before", repr(status), "nghèo, cận nghèo, khác or mới (a new household)",
                         "write the classification at the start of the period")
            status = s
        out["status_before"][k] = status or ""
        out["area_id"][k], out["village"][k], out["group"][k] = area_id, village, group
        out["ethnicity"][k] = row.text("ethnicity") or ""
        out["members"][k], out["urban"][k], out["income"][k], out["year"][k] = members, urban, income, year
    for iid, year in missing_flags:
        errors.add("row 1", f"no column {indicator_header(iid)!r} ({iid})",
                   f"the flag of every indicator of the standard in force in {year}",
                   f"add a column headed {indicator_header(iid)!r} with 1 (deprived) or 0")
    # one row per household and year; the message never shows the code
    seen: dict[tuple[str, Any], int] = {}
    id_col = "household_id" if "household_id" in columns else "household_code"
    for k, (number, _cells) in enumerate(sheet.rows):
        if codes[k] is None:
            continue
        slot = (codes[k].strip().upper(), out["year"][k])  # type: ignore[union-attr]
        if slot in seen:
            errors.add(f"row {number}, column {_column_letter(columns[id_col])} {sheet.header[columns[id_col]]!r}",
                       f"the same household code as row {seen[slot]} in the same year", "each household once a year",
                       "delete the repeated row or correct its code (the code is not shown here)")
        else:
            seen[slot] = number
    errors.raise_if_any()
    return codes, out


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    for c in ("members", "year"):
        table[c] = table[c].astype("int64")
    table["income"] = table["income"].astype("float64")
    for i in INDICATOR_IDS:
        table[f"dep_{i}"] = table[f"dep_{i}"].astype("int8")
    for c in ("urban", "no_labour", "merit", "previously_poor", "synthetic"):
        table[c] = table[c].astype(bool)
    return table


def _drop_personal(sheet: _Sheet) -> tuple[_Sheet, list[tuple[str, str, str]]]:
    """The sheet without its personal-data columns, and which were dropped (letter, header, kind)."""
    drop = [(i, _personal_kind(h)) for i, h in enumerate(sheet.header)]
    drop = [(i, k) for i, k in drop if k is not None]
    if not drop:
        return sheet, []
    gone = {i for i, _ in drop}
    keep = [i for i in range(len(sheet.header)) if i not in gone]
    header = [sheet.header[i] for i in keep]
    rows = []
    for number, cells in sheet.rows:
        kept = [cells[i] if i < len(cells) else None for i in keep]
        kept += [c for c in cells[len(sheet.header):]]  # extra cells past the header stay an error
        rows.append((number, kept))
    dropped = [(_column_letter(i), sheet.header[i], kind) for i, kind in drop]
    return _Sheet(sheet.file, header, rows), dropped


def _area(row: _Row, info: Sequence[AreaInfo], matchers: _Matchers, year: int | None) -> str | None:
    name = row.text("area_id", required=True)
    if name is None:
        return None
    day = _review_day(year) if year is not None else None
    try:
        return matchers.on(day).match(name).id
    except UnknownArea as exc:
        if exc.ambiguous:
            row.fail("area_id", f"{name!r}, which fits {' and '.join(exc.ambiguous)}", "one area",
                     "write the area id instead")
        else:
            sugg = exc.suggestions or suggest_areas(name, info)
            row.fail("area_id", f"unknown area {name!r} (or not in force in {year})",
                     "an area of the areas file (id or name) that exists in the review year",
                     f"did you mean {' or '.join(repr(s) for s in sugg)}?" if sugg
                     else "check the spelling or add the area to areas.csv")
    return None


def _income(row: _Row) -> float | None:
    value = row.raw("income")
    if _blank(value):
        row.fail("income", "an empty cell", "the income per person per month in VND", "fill in the income")
        return None
    number: float | None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, (int, float)):
        number = float(value)
    else:
        whole = _whole_number(value)
        number = float(whole) if whole is not None else None
    if number is None or not np.isfinite(number) or number < 0:
        row.fail("income", repr(value) if isinstance(value, str) else str(value),
                 "a number of VND >= 0 per person per month", "type digits only, e.g. 1250000")
        return None
    return number


def _flag01(row: _Row, cid: str) -> int:
    value = row.raw(cid)
    if value == "0" or value == "1":
        return int(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)) and value in (0, 1):
        return int(value)
    key = _key(str(value))
    if key in {"1", "x", "co", "true", "yes", "thieuhut", "10"}:
        return 1
    if key in {"0", "khong", "false", "no"}:
        return 0
    row.fail(cid, repr(value), "1 (deprived, thiếu hụt) or 0", "write 1 or 0")
    return -1


@lru_cache(maxsize=4)
def _index(which: str) -> dict[str, str]:
    words = CAUSES if which == "causes" else NEEDS
    index = {name_key(k): k for k in words}
    index.update({name_key(vi): k for k, (vi, _en) in words.items()})
    index.update({name_key(en): k for k, (_vi, en) in words.items()})
    return index


def _bool(row: _Row, cid: str) -> bool:
    value = row.raw(cid)
    if value == "false" or value == "true":
        return value == "true"
    return row.flag(cid)


def _vocabulary(row: _Row, cid: str, words: Mapping[str, tuple[str, str]]) -> str:
    text = row.text(cid)
    if text is None:
        return ""
    index = _index(cid)
    found: list[str] = []
    for part in re.split(r"[;,|]", text):
        if not part.strip():
            continue
        k = index.get(_key(part))
        if k is None:
            row.fail(cid, repr(part.strip()), "one of " + ", ".join(f"{vi} ({k})" for k, (vi, _en) in words.items()),
                     "separate several with ';'")
        elif k not in found:
            found.append(k)
    return ";".join(found)


def records_from_table(table: pd.DataFrame, areas: Iterable[AreaInfo], source: str = "") -> HouseholdRecords:
    """Records from an already-checked table (tests, benchmarks, the synthetic builder)."""
    full = table.copy()
    for c in HOUSEHOLD_COLUMNS:
        if c not in full:
            full[c] = -1 if c.startswith("dep_") else ("" if c in ("causes", "needs", "status_before", "ethnicity",
                                                                    "village") else False)
    return HouseholdRecords(_typed(full[list(HOUSEHOLD_COLUMNS)].reset_index(drop=True)), tuple(areas), source)


def combine_records(parts: Sequence[HouseholdRecords]) -> HouseholdRecords:
    """Several lists read as one (e.g. two review years, imported with the same key); a household
    that is in two of them for the same year is an error naming the two files."""
    table = pd.concat([p.table for p in parts], ignore_index=True)
    dup = table.duplicated(["household_id", "year"], keep=False)
    if dup.any():
        where = [p.source for p in parts if p.table["household_id"].isin(table.loc[dup, "household_id"]).any()]
        raise InputErrors([InputError(" and ".join(where), "files", f"{int(dup.sum()) // 2} households in two files "
                                      "for the same review year", "each household once a year",
                                      "give each review year's list once")])
    areas = parts[0].areas
    order = {a.id: i for i, a in enumerate(areas)}
    table = table.sort_values(["year", "area_id", "village", "household_id"],
                              key=lambda s: s.map(order) if s.name == "area_id" else s,
                              kind="stable").reset_index(drop=True)
    dropped = tuple(d for p in parts for d in p.dropped)
    return HouseholdRecords(table, areas, ", ".join(p.source for p in parts), dropped,
                            any(p.pseudonymised for p in parts))
