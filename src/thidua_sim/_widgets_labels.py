"""Labels of the planner in Vietnamese and English.

Labels come from the report layer (:func:`thidua_sim.report.i18n.t`) so that the planner and
the briefs speak the same words; the planner's own keys that the report layer does not carry
(controls, buttons, messages) live in :data:`PLANNER_LABELS` here. A key missing from both is
a bug (KeyError), never a silently English label.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["LANGUAGES", "PLANNER_LABELS", "label", "number", "percent"]

LANGUAGES: tuple[str, ...] = ("vi", "en")

PLANNER_LABELS: Mapping[str, Mapping[str, str]] = {
    "planner_title": {"vi": "Lập kế hoạch giảm nghèo", "en": "Poverty reduction planner"},
    "planner_subtitle": {
        "vi": "Phong trào thi đua “Vì người nghèo – Không để ai bị bỏ lại phía sau” 2021–2025",
        "en": "Emulation movement “For the poor – Leave no one behind” 2021–2025",
    },
    "planner_area": {"vi": "Địa bàn", "en": "Area"},
    "planner_whole_district": {"vi": "Toàn huyện", "en": "Whole district"},
    "planner_scenario": {"vi": "Kịch bản", "en": "Scenario"},
    "planner_language": {"vi": "Ngôn ngữ", "en": "Language"},
    "planner_horizon": {"vi": "Đến năm", "en": "Until"},
    "planner_budget": {"vi": "Kinh phí toàn huyện (triệu đồng/năm)",
                       "en": "District budget (million VND per year)"},
    "planner_budget_flat": {"vi": "Như nhau các năm", "en": "Same every year"},
    "planner_budget_per_year": {"vi": "Theo từng năm", "en": "Year by year"},
    "planner_budget_varies": {"vi": "thay đổi theo năm; giá trị hiện là bình quân",
                              "en": "varies by year; the value shown is the average"},
    "planner_rule": {"vi": "Cách phân bổ", "en": "Allocation"},
    "planner_rule_scenario": {"vi": "Theo kịch bản", "en": "As in the scenario"},
    "planner_rule_poor": {"vi": "Theo số hộ nghèo", "en": "By poor households"},
    "planner_rule_poor_dtts": {"vi": "Theo số hộ nghèo DTTS", "en": "By poor ethnic-minority households"},
    "planner_rule_equal": {"vi": "Chia đều các xã", "en": "Equal per commune"},
    "planner_uncertainty": {"vi": "Tính đến bất định (Monte Carlo)", "en": "Uncertainty (Monte Carlo)"},
    "planner_draws": {"vi": "Số lần mô phỏng", "en": "Draws"},
    "planner_targets": {"vi": "Chỉ tiêu", "en": "Targets"},
    "planner_target_district": {"vi": "Huyện: giảm (điểm %/năm)", "en": "District: down (points/yr)"},
    "planner_target_dtts": {"vi": "DTTS: giảm (điểm %/năm)", "en": "Ethnic minority: down (points/yr)"},
    "planner_outputs": {"vi": "Kết quả", "en": "Results"},
    "planner_status": {"vi": "Tình trạng chỉ tiêu", "en": "Target status"},
    "planner_coverage": {"vi": "Kinh phí và độ bao phủ theo chính sách",
                         "en": "Money and coverage per instrument"},
    "planner_col_target": {"vi": "Chỉ tiêu", "en": "Target"},
    "planner_col_reduction": {"vi": "Giảm bình quân (điểm %/năm)", "en": "Average fall (points/yr)"},
    "planner_col_threshold": {"vi": "Yêu cầu (điểm %/năm)", "en": "Required (points/yr)"},
    "planner_col_met": {"vi": "Đánh giá", "en": "Status"},
    "planner_col_margin_points": {"vi": "Chênh lệch (điểm %/năm)", "en": "Margin (points/yr)"},
    "planner_col_margin_households": {"vi": "Số hộ cần thoát nghèo thêm mỗi năm",
                                      "en": "More households out of poverty needed per year"},
    "planner_col_probability": {"vi": "Xác suất đạt", "en": "Probability of meeting it"},
    "planner_met": {"vi": "Đạt", "en": "Met"},
    "planner_not_met": {"vi": "Chưa đạt", "en": "Not met"},
    "planner_col_instrument": {"vi": "Chính sách hỗ trợ", "en": "Instrument"},
    "planner_col_money": {"vi": "Kinh phí {period} (triệu đồng)", "en": "Money {period} (million VND)"},
    "planner_col_beneficiaries": {"vi": "Lượt hộ được hỗ trợ", "en": "Household-years supported"},
    "planner_col_coverage": {"vi": "Bao phủ hộ đủ điều kiện", "en": "Coverage of eligible households"},
    "planner_col_unused": {"vi": "Kinh phí chưa dùng được (triệu đồng)", "en": "Money left unused (million VND)"},
    "planner_unallocated_note": {
        "vi": "Kinh phí toàn huyện không phân bổ được (không còn hộ nghèo): {amount} triệu đồng.",
        "en": "District money that could not be allocated (no poor households left): {amount} million VND.",
    },
    "planner_required": {"vi": "Tính kinh phí cần thêm", "en": "Extra budget required"},
    "planner_required_hint": {"vi": "Bấm để tính kinh phí cần bổ sung cho từng chỉ tiêu chưa đạt.",
                              "en": "Click to compute the extra budget each unmet target needs."},
    "planner_required_met": {"vi": "{target}: đã đạt, không cần thêm kinh phí.",
                             "en": "{target}: met, no extra money needed."},
    "planner_required_amount": {
        "vi": "{target}: cần thêm {amount} triệu đồng/năm ({rule}){probability}.",
        "en": "{target}: needs {amount} million VND more per year ({rule}){probability}.",
    },
    "planner_required_probability": {"vi": " để đạt với xác suất {p}", "en": " to meet it with probability {p}"},
    "planner_required_infeasible": {
        "vi": "{target}: không thể đạt dù hỗ trợ mọi hộ đủ điều kiện; mức giảm tối đa {best} điểm %/năm.",
        "en": "{target}: cannot be met even with every eligible household supported; "
              "best reachable fall {best} points/yr.",
    },
    "planner_computing": {"vi": "Đang tính…", "en": "Computing…"},
    "planner_save_name": {"vi": "Tên kịch bản mới", "en": "New scenario name"},
    "planner_save": {"vi": "Lưu kịch bản", "en": "Save scenario"},
    "planner_saved": {"vi": "Đã lưu {file}.", "en": "Saved {file}."},
    "planner_overwrite_question": {"vi": "Tệp {file} đã có. Ghi đè lên tệp này?",
                                   "en": "{file} already exists. Overwrite it?"},
    "planner_overwrite": {"vi": "Ghi đè", "en": "Overwrite"},
    "planner_cancel": {"vi": "Hủy", "en": "Cancel"},
    "planner_save_cancelled": {"vi": "Không lưu; tệp cũ được giữ nguyên.",
                               "en": "Not saved; the existing file is kept."},
    "planner_bad_name": {
        "vi": "Tên kịch bản “{name}” không dùng được: chỉ dùng chữ thường không dấu (a–z), số, “_” hoặc “-”, "
              "bắt đầu bằng chữ hoặc số, tối đa 60 ký tự (ví dụ: tang_sinh_ke_2024).",
        "en": "Scenario name “{name}” cannot be used: use lower-case letters without accents (a–z), digits, "
              "“_” or “-”, starting with a letter or digit, at most 60 characters (e.g. more_livelihoods_2024).",
    },
    "planner_save_failed": {"vi": "Không lưu được kịch bản: {error}", "en": "The scenario was not saved: {error}"},
    "planner_no_scenario_dir": {"vi": "Chưa có thư mục kịch bản để lưu.",
                                "en": "There is no scenario folder to save into."},
    "planner_brief": {"vi": "Tạo báo cáo", "en": "Render brief"},
    "planner_brief_needs_save": {
        "vi": "Các thiết lập hiện tại chưa được lưu: hãy lưu kịch bản trước khi tạo báo cáo.",
        "en": "The current settings are not saved: save the scenario before rendering a brief.",
    },
    "planner_brief_running": {"vi": "Đang tạo báo cáo cho {area} (có thể mất một phút)…",
                              "en": "Rendering the brief for {area} (this may take a minute)…"},
    "planner_brief_ready": {"vi": "Báo cáo đã sẵn sàng:", "en": "The brief is ready:"},
    "planner_brief_failed": {"vi": "Không tạo được báo cáo: {error}", "en": "The brief could not be rendered: {error}"},
    "planner_error": {"vi": "Lỗi: {error}", "en": "Error: {error}"},
    "planner_scenario_error": {"vi": "Không đọc được kịch bản {file}: {error}",
                               "en": "Could not read scenario {file}: {error}"},
    "planner_mc_unavailable": {"vi": "Chưa chạy được mô phỏng Monte Carlo: {error}",
                               "en": "Monte Carlo is not available: {error}"},
    "planner_estimates_note": {
        "vi": "Số liệu gốc năm {year} của {n} địa bàn là số ước tính, không phải kết quả rà soát.",
        "en": "The {year} baseline figures of {n} areas are estimates, not review results.",
    },
    "planner_all_households": {"vi": "Tất cả hộ", "en": "All households"},
    "planner_group_dtts": {"vi": "Hộ DTTS", "en": "Ethnic-minority households"},
    "planner_group_other": {"vi": "Hộ khác", "en": "Other households"},
    "planner_poor_rate": {"vi": "Tỷ lệ hộ nghèo", "en": "Poor rate"},
    "planner_near_poor_rate": {"vi": "Tỷ lệ hộ cận nghèo", "en": "Near-poor rate"},
    "planner_band": {"vi": "Khoảng 90 %", "en": "90 % band"},
    "planner_year": {"vi": "Năm", "en": "Year"},
    "planner_rate_axis": {"vi": "Tỷ lệ (%)", "en": "Rate (%)"},
    "planner_target_district_name": {"vi": "Tỷ lệ hộ nghèo toàn huyện", "en": "District poor rate"},
    "planner_target_dtts_name": {"vi": "Tỷ lệ hộ nghèo DTTS", "en": "Ethnic-minority poor rate"},
    "planner_target_area_name": {"vi": "Tỷ lệ hộ nghèo {area} (chỉ tiêu huyện giao)",
                                 "en": "{area} poor rate (target set by the district)"},
}


def _report_label(key: str, lang: str, values: Mapping[str, object]) -> str | None:
    try:
        from .report import i18n
    except ImportError:
        return None
    try:
        return i18n.t(key, lang, **values)
    except KeyError:
        return None


def label(key: str, lang: str, **values: object) -> str:
    """The label ``key`` in ``lang``: the planner's own keys first, then the report layer's.

    Raises KeyError for a key neither knows, ValueError for an unknown language.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r}: expected one of {', '.join(LANGUAGES)}")
    entry = PLANNER_LABELS.get(key)
    if entry is not None:
        text = entry[lang]
        return text.format(**values) if values else text
    text = _report_label(key, lang, values)
    if text is None:
        raise KeyError(f"no label {key!r} in the planner or the report layer")
    return text


def number(x: float | None, lang: str, decimals: int = 0) -> str:
    """A number written the way ``lang`` writes it (vi ``1.234,5``; en ``1,234.5``)."""
    try:
        from .report.i18n import format_number
    except ImportError:  # pragma: no cover - the report layer ships with the package
        format_number = None
    if format_number is not None:
        return format_number(x, lang, decimals)
    if x is None or x != x:  # pragma: no cover
        return "–"
    text = f"{x:,.{decimals}f}"  # pragma: no cover
    return text.replace(",", "_").replace(".", ",").replace("_", ".") if lang == "vi" else text  # pragma: no cover


def percent(x: float | None, lang: str, decimals: int = 1) -> str:
    """A percentage (``x`` already in percent): vi ``12,3 %``, en ``12.3%``."""
    text = number(x, lang, decimals)
    if text == "–":
        return text
    return f"{text} %" if lang == "vi" else f"{text}%"
