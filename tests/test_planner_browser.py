"""End to end: the planner notebook in JupyterLab, in headless Chromium.

Starts a private JupyterLab (tests/_jupyter_server.py) on a temporary copy of the project's
notebook, params and data, opens ``notebooks/planner.ipynb`` in Debian's chromium driven by
Playwright (never a downloaded browser), runs all cells, moves a budget slider with the
keyboard and checks that the target status and the chart change, switches the language, and
saves a screenshot under ``test-artifacts/``. The server and its kernel are stopped in all cases.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _project_copy(tmp: Path) -> Path:
    """notebooks/planner.ipynb, params/ (copied: the test may save a scenario) and data/ (linked)."""
    project = tmp / "project"
    (project / "notebooks").mkdir(parents=True)
    shutil.copy2(ROOT / "notebooks" / "planner.ipynb", project / "notebooks" / "planner.ipynb")
    shutil.copytree(ROOT / "params", project / "params")
    (project / "data").symlink_to(ROOT / "data", target_is_directory=True)
    return project


def _status_numbers(text: str) -> list[str]:
    return re.findall(r"\d+,\d+", text)


def _accept_kernel_dialog(page) -> None:
    """Should JupyterLab still ask which kernel to start, take the one it proposes (this venv's)."""
    dialog = page.locator(".jp-Dialog button.jp-mod-accept")
    try:
        dialog.wait_for(timeout=2_000)
    except Exception:  # no dialog: the kernel started by itself
        return
    dialog.click()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (Debian's chromium; never a downloaded browser)")
    from _jupyter_server import running_jupyterlab

    tmp = tmp_path_factory.mktemp("planner_lab")
    project = _project_copy(tmp)
    with running_jupyterlab(project, tmp / "jupyter", timeout=60) as server:
        yield server


def test_planner_in_jupyterlab(lab):
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1800})
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(lab.lab_url("notebooks/planner.ipynb"), wait_until="domcontentloaded", timeout=45_000)
            # the notebook is open and its kernel is idle
            page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=45_000)
            expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first).to_be_attached(
                timeout=45_000)
            _accept_kernel_dialog(page)
            page.locator(".jp-Notebook .jp-Cell").first.click()

            # Run > Run All Cells
            page.locator(".lm-MenuBar-item", has_text="Run").first.click()
            page.locator(".lm-Menu-item[data-command='runmenu:run-all']").click()

            planner = page.locator(".thidua-planner")
            planner.wait_for(timeout=60_000)
            status = page.locator(".thidua-planner .thidua-status").first
            expect(status).to_contain_text("Tỷ lệ hộ nghèo", timeout=30_000)
            chart = page.locator(".thidua-planner img.thidua-chart, .thidua-planner .thidua-chart img").first
            expect(chart).to_be_visible(timeout=30_000)
            status_before = status.inner_text()
            chart_before = chart.get_attribute("src")
            png_before = chart.screenshot()

            # move the livelihoods slider to its top end with the keyboard
            handle = page.locator(".thidua-budget-livelihood .noUi-handle").first
            handle.focus()
            handle.press("End")
            expect(status).not_to_have_text(status_before, timeout=30_000)
            expect(chart).not_to_have_attribute("src", chart_before or "", timeout=30_000)
            page.wait_for_timeout(300)
            status_after = status.inner_text()
            png_after = chart.screenshot()
            assert png_after != png_before
            # more money: the district's projected fall (first number of the first row) rises
            before, after = _status_numbers(status_before), _status_numbers(status_after)
            assert float(after[0].replace(",", ".")) > float(before[0].replace(",", "."))
            page.screenshot(path=str(ARTIFACTS / "planner_vi.png"), full_page=True)

            # switch to English: the labels follow, and the chart is redrawn
            chart_vi = chart.get_attribute("src")
            page.locator(".thidua-language button", has_text="English").click()
            expect(status).to_contain_text("Target", timeout=30_000)
            expect(planner).to_contain_text("Poverty reduction planner")
            expect(chart).not_to_have_attribute("src", chart_vi or "", timeout=30_000)
            page.screenshot(path=str(ARTIFACTS / "planner_en.png"), full_page=True)
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "planner_failure.png"), full_page=True)
            raise
        finally:
            browser.close()
    assert not errors, f"errors in the page: {errors}"
