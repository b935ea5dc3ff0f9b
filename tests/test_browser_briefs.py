"""index.html and a brief opened in headless Chromium (Debian's /usr/bin/chromium, driven by
Playwright; no browser is ever downloaded): no console errors, charts present, screenshots saved
under test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest

from _browser import browser, open_page, require_chromium  # noqa: F401 (browser: a fixture)
from thidua_sim.apps.briefs.batch import run_briefs

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    require_chromium()
    out = tmp_path_factory.mktemp("briefs")
    result = run_briefs(ROOT / "params/scenarios/status_quo.yaml", ["kon_pne"], 1, out_dir=out,
                        data_dir=ROOT / "data/kbang", params_dir=ROOT / "params", draws=10, district=False,
                        progress=False)
    assert not result.failed, result.summary()
    return out


def test_index_links_the_brief(built, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page, errors = open_page(browser, (built / "index.html").as_uri())
    assert page.title() == "Bản tin kế hoạch giảm nghèo"
    rows = page.locator("#briefs tbody tr")
    assert rows.count() == 1
    link = rows.first.locator("a").first
    assert link.inner_text() == "Kon Pne"
    assert rows.first.locator(".thidua-status-ok").inner_text() == "Hoàn thành"
    page.screenshot(path=str(ARTIFACTS / "briefs_index.png"), full_page=True)
    link.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("commune_kon_pne.html")
    assert not errors, errors
    page.close()


def test_brief_has_charts_and_no_code(built, browser):
    page, errors = open_page(browser, (built / "commune_kon_pne.html").as_uri())
    charts = page.locator("img.thidua-chart")
    assert charts.count() == 2
    for i in range(charts.count()):
        # decoded and laid out: a broken data URI would have no natural size
        assert page.evaluate("(img) => img.naturalWidth", charts.nth(i).element_handle()) > 300
    assert page.locator("h1").first.inner_text() == "Bản tin kế hoạch giảm nghèo: Kon Pne"
    for title in ("Tóm tắt", "Chỉ tiêu đề xuất cho xã", "Nguồn lực cần thêm để đạt chỉ tiêu", "Thông tin lần chạy"):
        assert page.get_by_role("heading", name=title).count() == 1, title
    assert page.locator(".jp-InputArea, .jp-InputPrompt").count() == 0
    assert "brief.commune_brief" not in page.content()
    assert page.locator(".thidua-warning").count() >= 1  # the baseline is an estimate, said visibly
    page.screenshot(path=str(ARTIFACTS / "brief_kon_pne.png"), full_page=True)
    assert not errors, errors
    page.close()
