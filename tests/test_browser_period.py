"""The 2026-2030 briefs (6 new communes and the former district area) and the tổng kết brief in
headless Chromium (Debian's /usr/bin/chromium through Playwright): no console error, the right
Vietnamese labels, the standard break marked, no 'chỉ tiêu huyện giao' for a commune's own or a
proposed target; screenshots under test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest

from _browser import browser, open_page, require_chromium  # noqa: F401 (browser: a fixture)
from thidua_sim.apps.briefs.batch import run_briefs
from thidua_sim.apps.cli import main

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
NEW = ("kbang_2025", "kong_bo_la_2025", "to_tung_2025", "son_lang_2025", "dak_rong_2025", "krong_2025")

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    require_chromium()
    root = tmp_path_factory.mktemp("out")
    first = run_briefs(ROOT / "params/scenarios/status_quo.yaml", [], 1, out_dir=root / "briefs",
                       data_dir=ROOT / "data/kbang", params_dir=ROOT / "params", draws=10, district=False,
                       progress=False)
    result = run_briefs(ROOT / "params/scenarios/programme_2026_2030.yaml", None, 2, out_dir=root / "briefs_2026_2030",
                        data_dir=ROOT / "data/kbang", params_dir=ROOT / "params", draws=10, progress=False,
                        period="2026-2030")
    assert not result.failed, result.summary()
    # the 2021-2025 index, rebuilt now that the 2026-2030 set exists, links to it
    again = run_briefs(ROOT / "params/scenarios/status_quo.yaml", [], 1, out_dir=root / "briefs",
                       data_dir=ROOT / "data/kbang", params_dir=ROOT / "params", draws=10, district=False,
                       progress=False)
    assert not first.failed and not again.failed
    return root


def test_period_index_lists_six_communes_and_the_former_district(built, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page, errors = open_page(browser, (built / "briefs_2026_2030" / "index.html").as_uri())
    assert page.title() == "Bản tin kế hoạch giảm nghèo giai đoạn 2026–2030: 6 xã mới và địa bàn huyện Kbang cũ"
    rows = page.locator("#briefs tbody tr")
    assert rows.count() == 7
    labels = [rows.nth(i).locator("a").first.inner_text() for i in range(7)]
    assert labels == ["Địa bàn huyện Kbang cũ", "Kbang", "Kông Bơ La", "Tơ Tung", "Sơn Lang", "Đak Rong", "Krong"]
    page.screenshot(path=str(ARTIFACTS / "briefs_2026_2030_index.png"), full_page=True)
    assert not errors, errors
    page.close()


def test_the_2021_2025_index_links_to_the_period(built, browser):
    page, errors = open_page(browser, (built / "briefs" / "index.html").as_uri())
    link = page.locator(".thidua-period-link a")
    assert link.inner_text() == "Bản tin giai đoạn 2026–2030"
    link.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("briefs_2026_2030/index.html")
    assert not errors, errors
    page.close()


@pytest.mark.parametrize("area", NEW)
def test_commune_brief_of_the_period(built, browser, area):
    page, errors = open_page(browser, (built / "briefs_2026_2030" / f"commune_{area}.html").as_uri())
    text = page.locator("body").inner_text()
    assert "quy đổi theo chuẩn mới" in text and "Chuẩn nghèo" in text and "NĐ 351/2025" in text
    assert "Từ năm 2027 số hộ nghèo, cận nghèo tính theo NĐ 351/2025" in text
    assert "gồm các đơn vị cũ" in text or area == "krong_2025"
    assert "huyện giao" not in text.lower()
    assert page.locator("img.thidua-chart").count() == 2
    assert "def " not in text and "import " not in text
    if area == "to_tung_2025":
        assert "Chỉ tiêu của xã" in text and "được giao (Nghị quyết Đại hội Đảng bộ xã Tơ Tung" in text
        page.screenshot(path=str(ARTIFACTS / "brief_2026_2030_to_tung.png"), full_page=True)
    assert not errors, errors
    page.close()


def test_former_district_brief(built, browser):
    page, errors = open_page(browser, (built / "briefs_2026_2030" / "district.html").as_uri())
    text = page.locator("body").inner_text()
    assert "Bản tin kế hoạch giảm nghèo: địa bàn huyện Kbang cũ (6 xã) 2026–2030" in text
    assert "Tỷ lệ hộ nghèo đồng bào DTTS dưới 10% vào năm 2030" in text and "< 10,00 % (2030)" in text
    assert "Xã nghèo giảm tỷ lệ hộ nghèo ít nhất 3%/năm (Krong, Đak Rong)" in text
    assert "huyện giao" not in text.lower()
    page.screenshot(path=str(ARTIFACTS / "brief_2026_2030_district.png"), full_page=True)
    assert not errors, errors
    page.close()


def test_final_review_brief(built, browser, monkeypatch):
    monkeypatch.chdir(ROOT)
    out, brief = built / "tk.xlsx", built / "tk.html"
    assert main(["review-final", "--out", str(out), "--brief", str(brief)]) == 0
    page, errors = open_page(browser, brief.as_uri())
    assert page.title().startswith("Tổng kết phong trào thi đua")
    assert page.locator(".thidua-note.thidua-warning", has_text="số ước tính").count() == 6  # every section
    assert page.locator("section").count() == 6
    page.screenshot(path=str(ARTIFACTS / "tong_ket.png"), full_page=True)
    assert not errors, errors
    page.close()
