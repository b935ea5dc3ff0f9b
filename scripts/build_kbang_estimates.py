"""Build the estimated 2021 baseline of Kbang district: data/kbang/review_results.csv.

Kbang's commune poverty figures under Decree 07/2021/NĐ-CP are not public (district
staff hold the annual review results). This script estimates them, for the 14 units
of 2021-2024, from the public facts listed in FACTS below (each with its source) and
the assumptions listed in ASSUMPTIONS (each with a one-line reason). Every row it
writes is marked ``estimate = true`` and names its method. Replace the output with the
real review results as soon as you have them (see data/kbang/README.md).

The computation is deterministic (no randomness): running it twice, on any machine,
gives the same bytes. ``tests/test_estimates.py`` runs it into a temporary directory
and compares with the shipped file.

Usage:
    python scripts/build_kbang_estimates.py                 # writes data/kbang/review_results.csv
    python scripts/build_kbang_estimates.py --out DIR       # writes DIR/review_results.csv
    python scripts/build_kbang_estimates.py --explain       # also prints the working
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from pathlib import Path

from _review_csv import render  # scripts/_review_csv.py: the loader's own columns

from thidua_sim.io import write_atomic

ROOT = Path(__file__).resolve().parents[1]
AREAS_FILE = ROOT / "data" / "kbang" / "areas.csv"
YEAR = 2021
VERSION = "build_kbang_estimates v1"

# ---------------------------------------------------------------------------------------
# Public facts (value, source). Nothing else from outside enters the estimate.
# ---------------------------------------------------------------------------------------
FACTS: dict[str, tuple[float, str]] = {
    "district_households": (17732, "online.flipbuilder.com/hlmut/gnba/files/basic-html/page7.html (14 units, undated)"),
    "district_people": (65437, "online.flipbuilder.com/hlmut/gnba/files/basic-html/page7.html (14 units, undated)"),
    "district_dtts_households": (9375, "online.flipbuilder.com/hlmut/gnba/files/basic-html/page7.html (14 units, undated)"),
    "district_people_2023": (70469, "vi.wikipedia.org/wiki/Kbang (2023)"),
    "district_urban_people_2023": (16965, "vi.wikipedia.org/wiki/Kbang (2023)"),
    "district_poor_rate_2020_old": (5.27, "baogialai.com.vn/channel/12375/202012/kbang-phan-dau-nam-2021-co-them-6-xa-7-lang-dat-chuan-nong-thon-moi-5713104/ (2016-2020 standard)"),
    "town_poor_rate_2020_old": (4.33, "gialaitv.vn (Đảng bộ thị trấn Kbang đại hội lần thứ IX; 2016-2020 standard)"),
    "son_lang_households": (1209, "kbang.gialai.gov.vn/Xa-Son-Lang/Gioi-thieu (undated)"),
    "son_lang_people": (4401, "kbang.gialai.gov.vn/Xa-Son-Lang/Gioi-thieu (undated)"),
    "son_lang_poor": (85, "kbang.gialai.gov.vn/Xa-Son-Lang/Gioi-thieu (undated)"),
    "son_lang_poor_dtts": (66, "kbang.gialai.gov.vn/Xa-Son-Lang/Gioi-thieu (undated)"),
    "son_lang_poor_dtts_rate_pct": (11.07, "kbang.gialai.gov.vn/Xa-Son-Lang/Gioi-thieu (undated)"),
    "son_lang_near_poor": (216, "kbang.gialai.gov.vn/Xa-Son-Lang/Gioi-thieu (undated)"),
    "son_lang_near_poor_dtts": (151, "kbang.gialai.gov.vn/Xa-Son-Lang/Gioi-thieu (undated)"),
    "so_pai_households": (1479, "kbang.gialai.gov.vn/Xa-So-Pai/Gioi-thieu (undated)"),
    "so_pai_people": (5633, "kbang.gialai.gov.vn/Xa-So-Pai/Gioi-thieu (undated)"),
    "so_pai_kinh_share_pct": (61.66, "kbang.gialai.gov.vn/Xa-So-Pai/Gioi-thieu (undated)"),
    "so_pai_poor_plus_near_poor_pct": (23.87, "kbang.gialai.gov.vn/Xa-So-Pai/Gioi-thieu (undated)"),
    "krong_poor_rate_pct_2025": (26.54, "baogialai.com.vn/krong-tap-trung-thuc-hien-4-nhiem-vu-trong-tam-va-3-khau-dot-pha-post564142.html (August 2025)"),
    "nghia_an_people_after_2024": (4571, "news.laodong.vn/thoi-su/sap-xep-cac-don-vi-hanh-chinh-cap-xa-tinh-gia-lai-1405241.ldo (Resolution 1195/NQ-UBTVQH15)"),
    "kong_bo_la_people_after_2024": (5889, "news.laodong.vn/thoi-su/sap-xep-cac-don-vi-hanh-chinh-cap-xa-tinh-gia-lai-1405241.ldo (Resolution 1195/NQ-UBTVQH15)"),
    "dak_hlo_people_to_nghia_an": (284, "news.laodong.vn/thoi-su/sap-xep-cac-don-vi-hanh-chinh-cap-xa-tinh-gia-lai-1405241.ldo (Resolution 1195/NQ-UBTVQH15)"),
    "dak_hlo_people_to_kong_bo_la": (2597, "news.laodong.vn/thoi-su/sap-xep-cac-don-vi-hanh-chinh-cap-xa-tinh-gia-lai-1405241.ldo (Resolution 1195/NQ-UBTVQH15)"),
    "to_tung_2025_people": (11106, "baogialai.com.vn post564313, post564459 (new Tơ Tung = Tơ Tung + Kông Lơng Khơng, 2025)"),
    "gia_lai_2021_poor": (45688, "Report 67/BC-UBND of 7/6/2022 (baogialai.com.vn/channel/8301/202206/gia-lai-con-45688-ho-ngheo-33866-ho-can-ngheo-theo-tieu-chi-moi-5779217/)"),
    "gia_lai_2021_poor_rate_pct": (12.09, "Report 67/BC-UBND of 7/6/2022"),
    "gia_lai_2021_poor_dtts": (40475, "Report 67/BC-UBND of 7/6/2022"),
    "gia_lai_2021_poor_dtts_rate_pct": (25.58, "Report 67/BC-UBND of 7/6/2022"),
    "gia_lai_2021_near_poor": (33866, "Report 67/BC-UBND of 7/6/2022"),
    "gia_lai_2021_near_poor_dtts": (24839, "Report 67/BC-UBND of 7/6/2022"),
    "gia_lai_2021_near_poor_dtts_rate_pct": (15.70, "Report 67/BC-UBND of 7/6/2022"),
    "gia_lai_2022_poor_dtts_rate_pct": (21.26, "Decision 822/QĐ-UBND of 26/12/2022 (baogialai.com.vn/gia-lai-con-38550-ho-ngheo-theo-chuan-ngheo-da-chieu-post17717.html)"),
}

# ---------------------------------------------------------------------------------------
# Assumptions (value, reason). Change one here, rerun, and the file changes with it.
# ---------------------------------------------------------------------------------------
ASSUMPTIONS: dict[str, tuple[float, str]] = {
    "district_dtts_poor_rate_pct": (
        29.0, "above Gia Lai's 25.58 % (2021): a mountain district whose dtts households live mostly in remote "
              "Bahnar villages (Kon Pne, Đak Rong, Krong), while Sơn Lang's 11 % pulls the average down"),
    "district_other_poor_rate_pct": (
        4.5, "about twice Gia Lai's non-dtts 2.37 % (2021): a rural district far from markets"),
    "dtts_share_town": (0.10, "the district centre, mostly Kinh"),
    "dtts_share_remote": (0.95, "Kon Pne, Đak Rong, Krong: remote communes of Bahnar villages"),
    "dtts_share_to_tung": (0.85, "the new Tơ Tung (Tơ Tung + Kông Lơng Khơng) is 'over 80 %' dtts"),
    "kon_pne_extra_points": (5.0, "Kon Pne is described as the most disadvantaged commune: above Krong"),
    "krong_years_back": (3, "the August 2025 figure is the end-2024 review: 3 reviews after 2021"),
}

REMOTE = ("kon_pne", "dak_rong", "krong")
TO_TUNG = ("to_tung", "kong_long_khong")
BALANCED_DTTS = ("lo_ku", "dak_smar", "dong", "nghia_an", "kong_bo_la", "dak_hlo")
REST_PEOPLE = ("dak_rong", "krong", "lo_ku", "dak_smar", "dong", "kon_pne")


SRC_DISTRICT = "online.flipbuilder.com/hlmut/gnba (district households)"
SRC_PROVINCE = "Report 67/BC-UBND 7/6/2022 (Gia Lai 2021)"
SRC_AREA = {
    "kbang": "vi.wikipedia.org/wiki/Kbang (urban people 2023); gialaitv.vn (town 4.33 % 2020)",
    "son_lang": "kbang.gialai.gov.vn/Xa-Son-Lang/Gioi-thieu (undated)",
    "so_pai": "kbang.gialai.gov.vn/Xa-So-Pai/Gioi-thieu (undated)",
    "krong": "baogialai.com.vn post564142 (Krong 26.54 % Aug 2025); Decision 822/QĐ-UBND (Gia Lai 2022)",
    "dak_rong": "kbang.gialai.gov.vn/Xa-Đak-Rong/Gioi-thieu.aspx (vùng đặc biệt khó khăn); baogialai.com.vn post564142",
    "kon_pne": "kbang.gialai.gov.vn/Xa-kon-pne/Gioi-thieu (most disadvantaged); baogialai.com.vn post564142",
    "nghia_an": "news.laodong.vn 1405241 (people 2024)",
    "kong_bo_la": "news.laodong.vn 1405241 (people 2024)",
    "dak_hlo": "news.laodong.vn 1405241 (people 2024)",
    "to_tung": "baogialai.com.vn post564313 post564459 (people 2025, dtts over 80 %)",
    "kong_long_khong": "baogialai.com.vn post564313 post564459 (people 2025, dtts over 80 %)",
}


def fact(name: str) -> float:
    return float(FACTS[name][0])


def assume(name: str) -> float:
    return float(ASSUMPTIONS[name][0])


def round_half_up(x: float) -> int:
    """Round to the nearest integer, halves up (Python's round() rounds halves to even)."""
    return int(math.floor(x + 0.5))


def largest_remainder(weights: dict[str, float], total: int) -> dict[str, int]:
    """Integers proportional to ``weights`` that sum to ``total`` exactly (Hamilton's method;
    ties go to the first key in order)."""
    s = sum(weights.values())
    exact = {k: total * w / s for k, w in weights.items()}
    out = {k: math.floor(v) for k, v in exact.items()}
    short = total - sum(out.values())
    order = sorted(weights, key=lambda k: (-(exact[k] - out[k]), list(weights).index(k)))
    for k in order[:short]:
        out[k] += 1
    return out


def read_area_ids(path: Path = AREAS_FILE) -> list[str]:
    with open(path, encoding="utf-8", newline="") as f:
        return [row["id"] for row in csv.DictReader(f)]


def province_2021() -> dict[str, float]:
    """Gia Lai 2021 by group; households derived as count / rate."""
    households = fact("gia_lai_2021_poor") / (fact("gia_lai_2021_poor_rate_pct") / 100)
    dtts = fact("gia_lai_2021_poor_dtts") / (fact("gia_lai_2021_poor_dtts_rate_pct") / 100)
    other = households - dtts
    poor_other_pct = 100 * (fact("gia_lai_2021_poor") - fact("gia_lai_2021_poor_dtts")) / other
    near_other_pct = 100 * (fact("gia_lai_2021_near_poor") - fact("gia_lai_2021_near_poor_dtts")) / other
    return {
        "poor_dtts_pct": fact("gia_lai_2021_poor_dtts_rate_pct"),
        "near_dtts_pct": fact("gia_lai_2021_near_poor_dtts_rate_pct"),
        "poor_other_pct": poor_other_pct,
        "near_other_pct": near_other_pct,
    }


def estimate(area_ids: list[str]) -> tuple[list[dict[str, object]], list[str]]:
    """The estimated rows (area x group, 2021) and a readable account of the working."""
    log: list[str] = []
    expected = {"kbang", *REMOTE, *TO_TUNG, *BALANCED_DTTS, "son_lang", "so_pai"}
    if set(area_ids) != expected:
        raise SystemExit(f"areas.csv ids {sorted(area_ids)} are not the 14 Kbang units this script knows")

    # 1. People per unit, scaled to the time of the district brochure (65,437 people).
    scale = fact("district_people") / fact("district_people_2023")
    people = {
        "son_lang": fact("son_lang_people"),
        "so_pai": fact("so_pai_people"),
        "kbang": fact("district_urban_people_2023") * scale,
        "nghia_an": (fact("nghia_an_people_after_2024") - fact("dak_hlo_people_to_nghia_an")) * scale,
        "kong_bo_la": (fact("kong_bo_la_people_after_2024") - fact("dak_hlo_people_to_kong_bo_la")) * scale,
        "dak_hlo": (fact("dak_hlo_people_to_nghia_an") + fact("dak_hlo_people_to_kong_bo_la")) * scale,
        "to_tung": fact("to_tung_2025_people") / 2 * scale,
        "kong_long_khong": fact("to_tung_2025_people") / 2 * scale,
    }
    rest = (fact("district_people") - sum(people.values())) / len(REST_PEOPLE)
    for a in REST_PEOPLE:
        people[a] = rest
    log.append(f"people scale to the brochure: {scale:.4f}; each of {', '.join(REST_PEOPLE)}: {rest:.0f}")

    # 2. Households: Sơn Lang and Sơ Pai as published, the rest proportional to people.
    households = {"son_lang": int(fact("son_lang_households")), "so_pai": int(fact("so_pai_households"))}
    remaining = int(fact("district_households")) - sum(households.values())
    households.update(largest_remainder({a: people[a] for a in area_ids if a not in households}, remaining))
    per_household = sum(people[a] for a in area_ids if a not in ("son_lang", "so_pai")) / remaining
    log.append(f"people per household outside Sơn Lang and Sơ Pai: {per_household:.3f}")

    # 3. Ethnic-minority households.
    dtts = {
        "son_lang": round_half_up(fact("son_lang_poor_dtts") / (fact("son_lang_poor_dtts_rate_pct") / 100)),
        "so_pai": round_half_up(households["so_pai"] * (1 - fact("so_pai_kinh_share_pct") / 100)),
        "kbang": round_half_up(households["kbang"] * assume("dtts_share_town")),
    }
    for a in REMOTE:
        dtts[a] = round_half_up(households[a] * assume("dtts_share_remote"))
    for a in TO_TUNG:
        dtts[a] = round_half_up(households[a] * assume("dtts_share_to_tung"))
    left = int(fact("district_dtts_households")) - sum(dtts.values())
    share = left / sum(households[a] for a in BALANCED_DTTS)
    if not 0 <= share <= 1:
        raise SystemExit(f"the dtts balance gives a share of {share:.3f} outside [0, 1]: check the assumptions")
    dtts.update(largest_remainder({a: households[a] for a in BALANCED_DTTS}, left))
    log.append(f"dtts share that balances the district's 9,375 in {', '.join(BALANCED_DTTS)}: {share:.3f}")
    other = {a: households[a] - dtts[a] for a in area_ids}

    # 4. Poor and near-poor rates (percent) by group.
    prov = province_2021()
    near_ratio = {"dtts": prov["near_dtts_pct"] / prov["poor_dtts_pct"],
                  "other": prov["near_other_pct"] / prov["poor_other_pct"]}
    log.append(f"Gia Lai 2021 non-dtts poor {prov['poor_other_pct']:.2f} %, near-poor {prov['near_other_pct']:.2f} %; "
               f"near-poor per poor: dtts {near_ratio['dtts']:.3f}, other {near_ratio['other']:.3f}")

    poor: dict[tuple[str, str], float] = {}      # counts, not yet rounded
    near: dict[tuple[str, str], float] = {}
    code: dict[tuple[str, str], str] = {}
    # Sơn Lang: as published (undated; taken as 2021).
    poor["son_lang", "dtts"] = fact("son_lang_poor_dtts")
    poor["son_lang", "other"] = fact("son_lang_poor") - fact("son_lang_poor_dtts")
    near["son_lang", "dtts"] = fact("son_lang_near_poor_dtts")
    near["son_lang", "other"] = fact("son_lang_near_poor") - fact("son_lang_near_poor_dtts")
    code["son_lang", "dtts"] = code["son_lang", "other"] = "poor=fact_undated; near=fact_undated"
    # Sơ Pai: poor + near-poor 23.87 %, split over groups and states as in the province.
    pn_ratio = (prov["poor_dtts_pct"] + prov["near_dtts_pct"]) / (prov["poor_other_pct"] + prov["near_other_pct"])
    pn_total = round_half_up(households["so_pai"] * fact("so_pai_poor_plus_near_poor_pct") / 100)
    pn_other_rate = pn_total / (dtts["so_pai"] * pn_ratio + other["so_pai"])
    for g, n, rate, p_pct, n_pct in (
        ("dtts", dtts["so_pai"], pn_ratio * pn_other_rate, prov["poor_dtts_pct"], prov["near_dtts_pct"]),
        ("other", other["so_pai"], pn_other_rate, prov["poor_other_pct"], prov["near_other_pct"]),
    ):
        poor["so_pai", g] = n * rate * p_pct / (p_pct + n_pct)
        near["so_pai", g] = n * rate * n_pct / (p_pct + n_pct)
        code["so_pai", g] = "poor=so_pai_split; near=so_pai_split"
    # Krong: the August 2025 rate, back-cast at Gia Lai's 2021->2022 dtts pace; Đak Rong like Krong;
    # Kon Pne above.
    pace = fact("gia_lai_2021_poor_dtts_rate_pct") - fact("gia_lai_2022_poor_dtts_rate_pct")
    krong_pct = fact("krong_poor_rate_pct_2025") + assume("krong_years_back") * pace
    anchored_dtts_pct = {"krong": krong_pct, "dak_rong": krong_pct,
                         "kon_pne": krong_pct + assume("kon_pne_extra_points")}
    anchored_code = {"krong": "poor=krong_2025_backcast", "dak_rong": "poor=like_krong",
                     "kon_pne": "poor=krong_plus_5"}
    log.append(f"Krong 2021 dtts poor rate: 26.54 + 3 x {pace:.2f} = {krong_pct:.2f} %")
    for a, pct in anchored_dtts_pct.items():
        poor[a, "dtts"] = dtts[a] * pct / 100
        code[a, "dtts"] = anchored_code[a] + "; near=province_ratio"
    # Everyone else: one rate per group, the town at 4.33/5.27 of it, set so that the district
    # reaches the assumed group rates.
    town_index = fact("town_poor_rate_2020_old") / fact("district_poor_rate_2020_old")
    base_rate = {}
    for g, counts, target in (("dtts", dtts, assume("district_dtts_poor_rate_pct")),
                              ("other", other, assume("district_other_poor_rate_pct"))):
        free = [a for a in area_ids if (a, g) not in poor]
        weight = {a: town_index if a == "kbang" else 1.0 for a in free}
        fixed = sum(round_half_up(poor[a, g]) for a in area_ids if (a, g) in poor)
        need = target / 100 * sum(counts.values()) - fixed
        base_rate[g] = need / sum(weight[a] * counts[a] for a in free)
        for a in free:
            poor[a, g] = counts[a] * weight[a] * base_rate[g]
            code[a, g] = ("poor=town_index" if a == "kbang" else "poor=district_balance") + "; near=province_ratio"
        log.append(f"{g}: rate of the communes without their own figure {100 * base_rate[g]:.2f} %, "
                   f"town {100 * base_rate[g] * town_index:.2f} % (index {town_index:.3f})")
    for (a, g), value in poor.items():
        if (a, g) not in near:
            near[a, g] = value * near_ratio[g]

    # 5. Rows.
    hh_code = {a: "hh=fact" if a in ("son_lang", "so_pai") else "hh=people" for a in area_ids}
    dtts_code = {a: ("dtts=fact" if a in ("son_lang", "so_pai") else "dtts=balance" if a in BALANCED_DTTS
                     else "dtts=assumed") for a in area_ids}
    rows: list[dict[str, object]] = []
    for a in area_ids:
        for g, n in (("dtts", dtts[a]), ("other", other[a])):
            p, q = round_half_up(poor[a, g]), round_half_up(near[a, g])
            if p + q > n:
                raise SystemExit(f"{a} {g}: poor + near-poor {p + q} above households {n}")
            rows.append({
                "area_id": a, "group": g, "year": YEAR, "households": n, "poor": p, "near_poor": q,
                "escaped_poverty": "", "fell_back": "", "newly_poor": "", "near_poor_to_poor": "",
                "estimate": "true",
                "method": f"{VERSION}: {hh_code[a]}; {dtts_code[a]}; {code[a, g]}",
                "source": "; ".join(s for s in (SRC_AREA.get(a), SRC_DISTRICT, SRC_PROVINCE) if s),
            })
    return rows, log



def summary(rows: list[dict[str, object]]) -> list[str]:
    def tot(key: str, group: str | None = None) -> int:
        return sum(int(r[key]) for r in rows if group is None or r["group"] == group)  # type: ignore[call-overload]

    lines = [f"households {tot('households')} (dtts {tot('households', 'dtts')})"]
    for label, g in (("district", None), ("dtts", "dtts"), ("other", "other")):
        lines.append(f"{label}: poor {tot('poor', g)} = {100 * tot('poor', g) / tot('households', g):.2f} %, "
                     f"near-poor {tot('near_poor', g)} = {100 * tot('near_poor', g) / tot('households', g):.2f} %")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=AREAS_FILE.parent, help="directory to write review_results.csv into")
    parser.add_argument("--areas", type=Path, default=AREAS_FILE, help="the areas file (default data/kbang/areas.csv)")
    parser.add_argument("--explain", action="store_true", help="print the working and the district totals")
    args = parser.parse_args(argv)
    rows, log = estimate(read_area_ids(args.areas))
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / "review_results.csv"
    write_atomic(target, render(rows).encode("utf-8"))  # the package's one atomic write (mode 0644)
    if args.explain:
        print("\n".join(log + summary(rows)))
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
