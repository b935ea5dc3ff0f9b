"""The one label table of the package, behind :func:`thidua_sim.report.i18n.t`: key -> {"vi": ..., "en": ...}.

Every word a planner reads comes from here: the briefs, the command line (check, required,
allocate, scoreboard, project, calibrate) and the JupyterLab planner. One key per meaning: a
word that the briefs, the command line and the planner all show is one entry, used by all.
Sections follow where the labels are used; the first sections are shared.

Vietnamese with its diacritics (Unicode NFC), in the planners' own terms (hộ nghèo, hộ cận
nghèo, đồng bào DTTS, chỉ tiêu huyện giao, sơ kết, tổng kết). ``{name}`` fields are filled by
``t(key, lang, name=...)`` and are the same in both languages (tests/test_i18n.py checks this,
and that every key the source uses is here).
"""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    # -- populations, groups, states -------------------------------------------------------
    "district": {"vi": "Toàn huyện", "en": "District"},
    "district_name": {"vi": "Huyện {name}", "en": "{name} district"},
    "commune": {"vi": "Xã, thị trấn", "en": "Commune or town"},
    "area": {"vi": "Địa bàn", "en": "Area"},
    "group": {"vi": "Nhóm hộ", "en": "Group"},
    "group_all": {"vi": "Tất cả hộ", "en": "All households"},
    "group_dtts": {"vi": "Hộ đồng bào DTTS", "en": "Ethnic-minority households"},
    "group_other": {"vi": "Hộ khác", "en": "Other households"},
    "group_dtts_in_sentence": {"vi": "đồng bào DTTS", "en": "ethnic-minority households"},
    "group_dtts_short": {"vi": "DTTS", "en": "Ethnic minority"},
    "group_other_short": {"vi": "Khác", "en": "Other"},
    "poor": {"vi": "Hộ nghèo", "en": "Poor households"},
    "near_poor": {"vi": "Hộ cận nghèo", "en": "Near-poor households"},
    "other_state": {"vi": "Hộ khác (không nghèo)", "en": "Other (not poor) households"},
    "households": {"vi": "Tổng số hộ", "en": "Households"},
    "poor_rate": {"vi": "Tỷ lệ hộ nghèo", "en": "Poverty rate"},
    "near_poor_rate": {"vi": "Tỷ lệ hộ cận nghèo", "en": "Near-poverty rate"},
    "year": {"vi": "Năm", "en": "Year"},
    "kind_town": {"vi": "Thị trấn", "en": "Town"},
    "kind_commune": {"vi": "Xã", "en": "Commune"},
    # -- units ----------------------------------------------------------------------------
    "unit_points": {"vi": "điểm %", "en": "points"},
    "unit_points_per_year": {"vi": "điểm %/năm", "en": "points/year"},
    "unit_households": {"vi": "hộ", "en": "households"},
    "unit_households_per_year": {"vi": "hộ/năm", "en": "households/year"},
    "unit_mvnd": {"vi": "triệu đồng", "en": "million VND"},
    "unit_percent": {"vi": "%", "en": "%"},
    # -- charts ---------------------------------------------------------------------------
    "chart_trajectory_title": {"vi": "Tỷ lệ hộ nghèo và cận nghèo: {population}",
                               "en": "Poverty and near-poverty rates: {population}"},
    "axis_rate_percent": {"vi": "Tỷ lệ (% số hộ)", "en": "Rate (% of households)"},
    "legend_poor": {"vi": "Nghèo – {group}", "en": "Poor – {group}"},
    "legend_near_poor": {"vi": "Cận nghèo – {group}", "en": "Near-poor – {group}"},
    "legend_band": {"vi": "Khoảng 90 % (mô phỏng)", "en": "90 % band (simulation)"},
    "legend_estimated_baseline": {"vi": "Năm gốc là số ước tính", "en": "Baseline year is an estimate"},
    "chart_ranking_title": {"vi": "Giảm tỷ lệ hộ nghèo bình quân/năm, {start}–{end}",
                            "en": "Average yearly fall of the poverty rate, {start}–{end}"},
    "axis_reduction": {"vi": "Giảm bình quân (điểm %/năm)", "en": "Average fall (points/year)"},
    "legend_commune_target": {"vi": "Chỉ tiêu huyện giao", "en": "Target set by the district"},
    "legend_district_target": {"vi": "Chỉ tiêu toàn huyện", "en": "District target"},
    "chart_resources_title": {"vi": "Nguồn lực theo chính sách, {start}–{end}",
                              "en": "Resources by instrument, {start}–{end}"},
    "axis_mvnd": {"vi": "Triệu đồng", "en": "Million VND"},
    "legend_used": {"vi": "Đã sử dụng", "en": "Used"},
    "legend_unused": {"vi": "Chưa sử dụng được", "en": "Unused"},
    "chart_allocation_title": {"vi": "Phân bổ ngân sách: đề xuất và kịch bản",
                               "en": "Budget allocation: recommended and scenario"},
    "legend_scenario": {"vi": "Theo kịch bản", "en": "Scenario"},
    "legend_recommended": {"vi": "Đề xuất", "en": "Recommended"},
    # -- brief titles ---------------------------------------------------------------------
    "brief_commune_title": {"vi": "Bản tin kế hoạch giảm nghèo: {area}",
                            "en": "Poverty-reduction planning brief: {area}"},
    "brief_district_title": {"vi": "Bản tin kế hoạch giảm nghèo toàn huyện",
                             "en": "District poverty-reduction planning brief"},
    "brief_movement": {"vi": "Phong trào thi đua “Vì người nghèo – Không để ai bị bỏ lại phía sau” 2021–2025",
                       "en": "Emulation movement “For the poor – leave no one behind” 2021–2025"},
    "brief_scenario": {"vi": "Kịch bản", "en": "Scenario"},
    "brief_horizon": {"vi": "Giai đoạn dự báo", "en": "Projection period"},
    "brief_draws": {"vi": "Số lần mô phỏng", "en": "Simulation draws"},
    "brief_seed": {"vi": "Hạt giống ngẫu nhiên", "en": "Random seed"},
    "brief_date": {"vi": "Ngày lập", "en": "Date"},
    "brief_estimate_warning": {
        "vi": "Lưu ý: số liệu năm gốc của {areas} là số ước tính, không phải kết quả rà soát chính thức.",
        "en": "Note: the baseline figures of {areas} are estimates, not official review results."},
    "section_summary": {"vi": "Tóm tắt", "en": "Summary"},
    "section_baseline": {"vi": "Tình hình năm gốc {year}", "en": "Baseline {year}"},
    "section_trajectory": {"vi": "Dự báo đến năm {year}", "en": "Projection to {year}"},
    "section_target": {"vi": "Chỉ tiêu huyện giao", "en": "Target set by the district"},
    "section_targets": {"vi": "Chỉ tiêu của huyện", "en": "District targets"},
    "section_resources": {"vi": "Nguồn lực theo chính sách", "en": "Resources by instrument"},
    "section_required": {"vi": "Nguồn lực cần thêm để đạt chỉ tiêu", "en": "What more it would take"},
    "section_assumptions": {"vi": "Giả định và nguồn số liệu", "en": "Assumptions and data sources"},
    "section_provenance": {"vi": "Thông tin lần chạy", "en": "About this run"},
    "section_communes": {"vi": "Các xã, thị trấn", "en": "Communes and town"},
    "section_ranking": {"vi": "Xếp hạng giảm nghèo", "en": "Poverty-reduction ranking"},
    "section_split": {"vi": "Phân bổ chỉ tiêu cho các xã", "en": "Commune target split"},
    "section_allocation": {"vi": "Phân bổ ngân sách đề xuất", "en": "Recommended budget allocation"},
    "section_scoreboard": {"vi": "Bảng theo dõi thi đua", "en": "Emulation scoreboard"},
    "section_unavailable": {"vi": "Phần này chưa có: {reason}", "en": "This section is not available: {reason}"},
    # -- summary sentences ----------------------------------------------------------------
    "summary_rate_path": {"vi": "Tỷ lệ hộ nghèo {population}: {start} ({y0}) → {end} ({y1}), giảm bình quân {points}/năm.",
                          "en": "Poverty rate, {population}: {start} ({y0}) → {end} ({y1}), an average fall of {points}/year."},
    "summary_target_met": {"vi": "Chỉ tiêu “{target}”: ĐẠT trên đường kỳ vọng (dư {margin}).",
                           "en": "Target “{target}”: MET on the expected path (margin {margin})."},
    "summary_target_not_met": {"vi": "Chỉ tiêu “{target}”: CHƯA ĐẠT trên đường kỳ vọng (thiếu {margin}, tức {households}).",
                               "en": "Target “{target}”: NOT MET on the expected path (short by {margin}, i.e. {households})."},
    "summary_probability": {"vi": "Xác suất đạt: {p}.", "en": "Probability of meeting it: {p}."},
    "summary_households": {"vi": "Số hộ nghèo {population}: {start} ({y0}) → {end} ({y1}).",
                           "en": "Poor households, {population}: {start} ({y0}) → {end} ({y1})."},
    # -- target checks --------------------------------------------------------------------
    "target": {"vi": "Chỉ tiêu", "en": "Target"},
    "target_threshold": {"vi": "Mức giảm yêu cầu (điểm %/năm)", "en": "Required fall (points/year)"},
    "target_reduction": {"vi": "Mức giảm dự báo (điểm %/năm)", "en": "Projected fall (points/year)"},
    "target_met": {"vi": "Đạt?", "en": "Met?"},
    "target_margin_points": {"vi": "Chênh lệch (điểm %/năm)", "en": "Margin (points/year)"},
    "target_margin_households": {"vi": "Số hộ cần thoát nghèo thêm mỗi năm",
                                 "en": "More households out of poverty needed per year"},
    "target_probability": {"vi": "Xác suất đạt", "en": "Probability"},
    "target_period": {"vi": "Giai đoạn", "en": "Period"},
    "target_more_than": {"vi": "giảm trên {points}/năm", "en": "down more than {points}/year"},
    "target_at_least": {"vi": "giảm ít nhất {points}/năm", "en": "down at least {points}/year"},
    "yes": {"vi": "Đạt", "en": "Yes"},
    "no": {"vi": "Chưa đạt", "en": "No"},
    "target_status": {"vi": "Tình trạng chỉ tiêu", "en": "Target status"},
    "target_status_met": {"vi": "đạt", "en": "met"},
    "target_status_not_met": {"vi": "chưa đạt", "en": "not met"},
    "target_status_at_risk": {"vi": "có nguy cơ không đạt", "en": "at risk"},
    "not_simulated": {"vi": "chưa mô phỏng (draws = 0)", "en": "not simulated (draws = 0)"},
    "margin_note": {
        "vi": "Chênh lệch dương: vượt chỉ tiêu; âm: còn thiếu. Số hộ cần thoát nghèo thêm mỗi năm để đạt chỉ tiêu là 0 khi đã đạt.",
        "en": "A positive margin is above the target, a negative one short of it. More households out of poverty needed per year is 0 when the target is met."},
    "rate_start": {"vi": "Tỷ lệ nghèo {year}", "en": "Poverty rate {year}"},
    "rate_end": {"vi": "Tỷ lệ nghèo {year}", "en": "Poverty rate {year}"},
    "poor_start": {"vi": "Hộ nghèo {year}", "en": "Poor {year}"},
    "poor_end": {"vi": "Hộ nghèo {year}", "en": "Poor {year}"},
    "rank": {"vi": "Hạng", "en": "Rank"},
    "estimate": {"vi": "Ước tính?", "en": "Estimate?"},
    "estimate_yes": {"vi": "ước tính", "en": "estimate"},
    "estimate_no": {"vi": "số rà soát", "en": "reported"},
    "share_of_district": {"vi": "Tỷ trọng hộ nghèo của huyện", "en": "Share of district poor"},
    "split_rule": {"vi": "Cách phân bổ: {rule}", "en": "Split rule: {rule}"},
    # -- trajectory table -----------------------------------------------------------------
    "statistic": {"vi": "Chỉ số", "en": "Measure"},
    "expected": {"vi": "Kỳ vọng", "en": "Expected"},
    "q05": {"vi": "Cận dưới 5 %", "en": "5 % point"},
    "q95": {"vi": "Cận trên 95 %", "en": "95 % point"},
    "band_90": {"vi": "Khoảng 90 %", "en": "90 % band"},
    # -- resources ------------------------------------------------------------------------
    "instrument": {"vi": "Chính sách hỗ trợ", "en": "Instrument"},
    "programme": {"vi": "Chương trình", "en": "Programme"},
    "cost_per_household": {"vi": "Định mức (triệu đồng/hộ)", "en": "Cost (million VND/household)"},
    "resources_mvnd": {"vi": "Kinh phí (triệu đồng)", "en": "Money (million VND)"},
    "beneficiaries": {"vi": "Lượt hộ được hỗ trợ", "en": "Household-years supported"},
    "coverage": {"vi": "Độ bao phủ", "en": "Coverage"},
    "unused_mvnd": {"vi": "Chưa sử dụng được (triệu đồng)", "en": "Unused (million VND)"},
    "unallocated_mvnd": {"vi": "Không phân bổ được (triệu đồng)", "en": "Unallocated (million VND)"},
    "eligible_states": {"vi": "Đối tượng", "en": "Eligible"},
    "lag_years": {"vi": "Độ trễ (năm)", "en": "Lag (years)"},
    "total": {"vi": "Tổng cộng", "en": "Total"},
    "coverage_note": {
        "vi": "Độ bao phủ: số lượt hộ được hỗ trợ chia cho số lượt hộ thuộc đối tượng, cộng dồn các năm. Kinh phí vượt quá số hộ thuộc đối tượng được ghi là chưa sử dụng được.",
        "en": "Coverage: household-years supported over eligible household-years, summed over the years. Money beyond the eligible households is reported as unused."},
    # -- required resources and allocation ------------------------------------------------
    "required_factor": {"vi": "Hệ số nhân kinh phí cần có", "en": "Scaling factor needed"},
    "required_extra_mvnd": {"vi": "Kinh phí cần thêm mỗi năm (toàn huyện, chia theo số hộ nghèo)",
                            "en": "Extra money a year (district-wide, spread by poor households)"},
    "split_rule_proportional": {"vi": "tỷ lệ thuận với tỷ lệ hộ nghèo năm gốc của từng xã",
                                "en": "in proportion to each commune's baseline poverty rate"},
    "split_rule_equal": {"vi": "cùng mức giảm ở mọi xã", "en": "the same fall in every commune"},
    "split_rule_dtts_weighted": {"vi": "tăng theo tỷ trọng hộ DTTS",
                                 "en": "weighted up by the share of ethnic-minority households"},
    "required_total_mvnd": {"vi": "Tổng kinh phí cần có (triệu đồng)", "en": "Total money needed (million VND)"},
    "required_feasible": {"vi": "Có thể đạt?", "en": "Attainable?"},
    "required_infeasible": {
        "vi": "Không thể đạt chỉ tiêu này chỉ bằng thêm kinh phí: {reason}",
        "en": "No amount of extra money meets this target: {reason}"},
    "required_already_met": {"vi": "Kịch bản hiện tại đã đạt chỉ tiêu; không cần thêm kinh phí.",
                             "en": "The scenario already meets the target; no extra money is needed."},
    "required_method": {"vi": "Phương pháp", "en": "Method"},
    "allocation_scenario": {"vi": "Theo kịch bản (triệu đồng/năm)", "en": "Scenario (million VND/year)"},
    "allocation_recommended": {"vi": "Đề xuất (triệu đồng/năm)", "en": "Recommended (million VND/year)"},
    "allocation_difference": {"vi": "Chênh lệch (triệu đồng/năm)", "en": "Difference (million VND/year)"},
    "allocation_gain": {"vi": "Số hộ nghèo giảm thêm so với kịch bản: {households}",
                        "en": "Poor households fewer than under the scenario: {households}"},
    # -- scoreboard -----------------------------------------------------------------------
    "scoreboard_review": {"vi": "Xếp hạng tổng kết {start}–{end}", "en": "Final review ranking {start}–{end}"},
    "scoreboard_review_annual": {"vi": "Xếp hạng sơ kết năm {year}", "en": "Annual review ranking {year}"},
    "scoreboard_basis": {"vi": "Căn cứ", "en": "Basis"},
    "scoreboard_on_track": {"vi": "Đạt chỉ tiêu?", "en": "On track?"},
    "scoreboard_dtts_reduction": {"vi": "Giảm nghèo DTTS (điểm %/năm)", "en": "Ethnic-minority fall (points/year)"},
    "basis_planned": {"vi": "kế hoạch (dự báo)", "en": "planned (projected)"},
    "basis_actual": {"vi": "kết quả rà soát", "en": "review results"},
    "scoreboard_note": {"vi": "Kết quả thực hiện so với chỉ tiêu từng năm.",
                        "en": "Results against each year's target."},
    # -- assumptions and provenance -------------------------------------------------------
    "assumption": {"vi": "Giả định", "en": "Assumption"},
    "assumption_untranslated": {"vi": "Giả định (chỉ có bản tiếng Anh)", "en": "Assumption"},
    "source": {"vi": "Nguồn", "en": "Source"},
    "provenance_estimate": {"vi": "Ước tính", "en": "estimate"},
    "provenance_reported": {"vi": "Số liệu báo cáo", "en": "reported"},
    "value": {"vi": "Giá trị", "en": "Value"},
    "interval_90": {"vi": "Khoảng 90 %", "en": "90 % interval"},
    "parameter": {"vi": "Tham số", "en": "Parameter"},
    "rate_pPN": {"vi": "Nghèo → cận nghèo", "en": "Poor → near-poor"},
    "rate_pPO": {"vi": "Thoát nghèo (nghèo → không nghèo)", "en": "Poor → not poor"},
    "rate_pNP": {"vi": "Cận nghèo → nghèo (tái nghèo)", "en": "Near-poor → poor (falling back)"},
    "rate_pNO": {"vi": "Thoát cận nghèo", "en": "Near-poor → not poor"},
    "rate_pOP": {"vi": "Phát sinh nghèo mới", "en": "Newly poor"},
    "rate_pON": {"vi": "Phát sinh cận nghèo mới", "en": "Newly near-poor"},
    "rate_gamma": {"vi": "Tỷ lệ hộ mới (tách hộ, nhập cư)", "en": "New households (splits, in-migration)"},
    "data_provenance": {"vi": "Nguồn số liệu năm gốc", "en": "Baseline data sources"},
    "base_rates": {"vi": "Tỷ lệ chuyển đổi cơ sở (mỗi năm, chưa có hỗ trợ)",
                   "en": "Base transition rates (per year, without support)"},
    "instruments": {"vi": "Chính sách hỗ trợ và định mức", "en": "Instruments and costs"},
    "estimated_flag": {"vi": "⚠ ước tính", "en": "⚠ estimate"},
    "reported_flag": {"vi": "số rà soát", "en": "reported"},
    "model_note": {
        "vi": "Mô hình chuyển đổi trạng thái hộ theo năm (nghèo, cận nghèo, khác); nguồn lực tác động qua độ bao phủ từng chính sách. Số liệu ước tính được đánh dấu ⚠.",
        "en": "A yearly model of households moving between poor, near-poor and other; resources act through each instrument's coverage. Estimated figures are marked ⚠."},
    "provenance_inputs_hash": {"vi": "Mã băm dữ liệu đầu vào", "en": "Hash of all inputs"},
    "provenance_version": {"vi": "Phiên bản thidua_sim", "en": "thidua_sim version"},
    "provenance_data_dir": {"vi": "Thư mục số liệu", "en": "Data folder"},
    "provenance_params_dir": {"vi": "Thư mục tham số", "en": "Parameters folder"},
    "provenance_scenario_file": {"vi": "Tệp kịch bản", "en": "Scenario file"},
    "provenance_language": {"vi": "Ngôn ngữ", "en": "Language"},
    # -- batch index ----------------------------------------------------------------------
    "index_title": {"vi": "Bản tin kế hoạch giảm nghèo", "en": "Poverty-reduction planning briefs"},
    "index_brief": {"vi": "Bản tin", "en": "Brief"},
    "index_status": {"vi": "Trạng thái", "en": "Status"},
    "index_error": {"vi": "Lỗi", "en": "Error"},
    "index_notebook": {"vi": "Sổ tính đã chạy", "en": "Executed notebook"},
    "index_duration": {"vi": "Thời gian (giây)", "en": "Time (s)"},
    "index_generated": {"vi": "Lập lúc {date}; {ok}/{total} bản tin thành công.",
                        "en": "Built {date}; {ok} of {total} briefs succeeded."},
    "status_ok": {"vi": "Hoàn thành", "en": "Done"},
    "status_skipped": {"vi": "Không đổi (dùng lại)", "en": "Unchanged (reused)"},
    "status_failed": {"vi": "Lỗi", "en": "Failed"},
    "status_pending": {"vi": "Chưa chạy xong", "en": "Not finished"},
    "district_brief_link": {"vi": "Bản tin toàn huyện", "en": "District brief"},
    # -- estimates (command line and planner) ---------------------------------------------
    "baseline_estimate_note": {
        "vi": "⚠ Số liệu năm gốc {year} của {n}/{total} xã là số ước tính, không phải kết quả rà soát.",
        "en": "⚠ The {year} baseline of {n} of {total} communes is an estimate, not review results."},
    "review_results_estimated": {"vi": "⚠ Có số ước tính trong kết quả rà soát được dùng.",
                                 "en": "⚠ Some review results used are estimates, not reported figures."},
    # -- spread of money over communes (planner and `thidua-sim required --rule`) ----------
    "spread_rule_scenario": {"vi": "Theo kịch bản", "en": "As in the scenario"},
    "spread_rule_poor": {"vi": "Theo số hộ nghèo", "en": "By poor households"},
    "spread_rule_poor_dtts": {"vi": "Theo số hộ nghèo DTTS", "en": "By poor ethnic-minority households"},
    "spread_rule_equal": {"vi": "Chia đều các xã", "en": "Equal per commune"},
    # -- command line: shared by the commands ----------------------------------------------
    "run_scenario_line": {"vi": "Kịch bản: {name} ({id}); năm gốc {year}; {draws}",
                          "en": "Scenario: {name} ({id}); baseline {year}; {draws}"},
    "run_draws": {"vi": "{n} lần mô phỏng Monte Carlo, hạt giống {seed}", "en": "{n} Monte Carlo draws, seed {seed}"},
    "run_no_draws": {"vi": "đường kỳ vọng (không mô phỏng)", "en": "expected path only (no draws)"},
    "file_written": {"vi": "Đã ghi {path}", "en": "Wrote {path}"},
    "commune_targets": {"vi": "Chỉ tiêu huyện giao từng xã ({how})", "en": "Each commune's own target ({how})"},
    "commune_targets_from_file": {"vi": "theo tệp {file}", "en": "from {file}"},
    "commune_targets_proposed": {"vi": "đề xuất, {rule}", "en": "proposed, {rule}"},
    "money_mvnd_per_year": {"vi": "Kinh phí (triệu đồng/năm)", "en": "Money (million VND/year)"},
    # -- command line: required ------------------------------------------------------------
    "required_title": {"vi": "Kinh phí cần có để đạt: {name}", "en": "Resources needed to meet: {name}"},
    "required_mode_scale": {"vi": "nhân toàn bộ kinh phí của kịch bản", "en": "scale every resource of the scenario"},
    "required_mode_extra": {"vi": "thêm kinh phí mỗi năm, {rule}", "en": "extra money a year, {rule}"},
    "required_on_expected_path": {"vi": "trên đường kỳ vọng", "en": "on the expected path"},
    "required_with_probability": {"vi": "với xác suất {p}", "en": "with probability {p}"},
    "required_extra_mvnd_per_year": {"vi": "Kinh phí cần thêm (triệu đồng/năm)", "en": "Extra money (million VND/year)"},
    "required_total_mvnd_per_year": {"vi": "Tổng kinh phí (triệu đồng/năm)", "en": "All money (million VND/year)"},
    "required_answer_scale": {
        "vi": "Đạt chỉ tiêu {how} khi nhân kinh phí của kịch bản với {factor} ({total} triệu đồng/năm bình quân).",
        "en": "The target is met {how} with the scenario's money times {factor} ({total} million VND a year on average)."},
    "required_answer_extra": {"vi": "Đạt chỉ tiêu {how} khi thêm {extra} triệu đồng/năm.",
                              "en": "The target is met {how} with {extra} million VND a year more."},
    "required_answer_none": {
        "vi": "Không mức kinh phí nào đạt được chỉ tiêu {how}: kể cả khi mọi hộ thuộc đối tượng đều được hỗ trợ, "
              "mức giảm kỳ vọng chỉ là {best} điểm %/năm (yêu cầu {threshold}){prob}.",
        "en": "No amount of money meets the target {how}: even with every eligible household supported, "
              "the expected fall is only {best} points/year (required {threshold}){prob}."},
    "required_answer_none_probability": {"vi": ", xác suất đạt {p}", "en": ", probability of meeting it {p}"},
    "required_answer_nothing_to_scale": {"vi": "Kịch bản không có kinh phí nào để nhân lên; hãy dùng --mode extra.",
                                         "en": "The scenario has no money to scale; use --mode extra."},
    "required_answer_already": {"vi": "Đã đạt chỉ tiêu {how} {what}.", "en": "The target is already met {how} {what}."},
    "required_answer_already_scale": {"vi": "ngay cả khi không có kinh phí", "en": "even with no money at all"},
    "required_answer_already_extra": {"vi": "mà không cần thêm kinh phí", "en": "without extra money"},
    # -- command line: allocate ------------------------------------------------------------
    "allocate_title": {
        "vi": "Phân bổ {budget} triệu đồng/năm cho các xã và chính sách (thêm vào kịch bản {scenario}), năm {first}–{last}",
        "en": "Allocating {budget} million VND a year over communes and instruments (on top of scenario {scenario}), "
              "{first}–{last}"},
    "allocate_dtts_weight": {"vi": "Hộ nghèo DTTS được tính {w} lần.", "en": "Poor ethnic-minority households count {w} times."},
    "allocate_poor_end": {
        "vi": "Hộ nghèo kỳ vọng năm {year}: {best} (phân bổ theo số hộ nghèo, chia đều các chính sách: {prop}); "
              "ít hơn {gain} hộ.",
        "en": "Expected poor households in {year}: {best} (by poor households, instruments equally: {prop}); "
              "{gain} fewer."},
    "allocate_not_proportional": {
        "vi": "Phân bổ theo số hộ nghèo không thỏa các mức trần/sàn đã cho; chỉ dùng để so sánh.",
        "en": "The allocation by poor households breaks the caps or minimums given; it is shown for comparison only."},
    # -- command line: scoreboard ----------------------------------------------------------
    "scoreboard_results_file": {"vi": "Kết quả rà soát: {file} (các năm {years})",
                                "en": "Review results: {file} (years {years})"},
    "scoreboard_no_results": {"vi": "Không có kết quả rà soát.", "en": "No review results."},
    # -- command line: calibrate -----------------------------------------------------------
    "calibrate_data_used": {
        "vi": "Số liệu dùng để ước lượng: {file}; các năm {steps}; {areas} địa bàn; kịch bản {scenario}",
        "en": "Data fitted: {file}; transitions {steps}; {areas} area(s); scenario {scenario}"},
    "calibrate_rates_title": {"vi": "Tỷ lệ chuyển đổi cơ sở: tiên nghiệm và sau ước lượng (khoảng 90 %)",
                              "en": "Base transition rates: prior and fitted (90 % interval)"},
    "calibrate_fit_title": {"vi": "Số quan sát và số mô hình tái tạo", "en": "Observed figures and the fit"},
    "calibrate_ess": {"vi": "Cỡ mẫu hiệu dụng: {values}", "en": "Effective sample size: {values}"},
    "calibrate_prior": {"vi": "Tiên nghiệm", "en": "Prior"},
    "calibrate_fitted": {"vi": "Ước lượng", "en": "Fitted"},
    "calibrate_fixed": {"vi": "cố định", "en": "fixed"},
    "calibrate_observed": {"vi": "Quan sát", "en": "Observed"},
    "calibrate_model_fitted": {"vi": "Mô hình (ước lượng)", "en": "Model (fitted)"},
    "calibrate_model_prior": {"vi": "Mô hình (tiên nghiệm)", "en": "Model (prior)"},
    "calibrate_gap_percent": {"vi": "Chênh lệch (%)", "en": "Gap (%)"},
    # -- planner (JupyterLab) --------------------------------------------------------------
    # The planner also shows shared keys: district, area, brief_scenario, provenance_language,
    # brief_movement, brief_draws, section_targets, section_resources, target_*, yes/no,
    # instrument, beneficiaries, coverage, unused_mvnd, total, unit_points_per_year.
    "planner_title": {"vi": "Lập kế hoạch giảm nghèo", "en": "Poverty reduction planner"},
    "planner_budget": {"vi": "Kinh phí toàn huyện (triệu đồng/năm)", "en": "District budget (million VND per year)"},
    "planner_budget_flat": {"vi": "Như nhau các năm", "en": "Same every year"},
    "planner_budget_per_year": {"vi": "Theo từng năm", "en": "Year by year"},
    "planner_budget_varies": {"vi": "thay đổi theo năm; giá trị hiện là bình quân",
                              "en": "varies by year; the value shown is the average"},
    "planner_rule": {"vi": "Cách phân bổ", "en": "Allocation"},
    "planner_uncertainty": {"vi": "Tính đến bất định (Monte Carlo)", "en": "Uncertainty (Monte Carlo)"},
    "planner_target_district": {"vi": "Huyện: giảm (điểm %/năm)", "en": "District: down (points/year)"},
    "planner_target_dtts": {"vi": "DTTS: giảm (điểm %/năm)", "en": "Ethnic minority: down (points/year)"},
    "planner_default_target_district": {"vi": "Tỷ lệ hộ nghèo toàn huyện", "en": "District poverty rate"},
    "planner_default_target_dtts": {"vi": "Tỷ lệ hộ nghèo đồng bào DTTS", "en": "Ethnic-minority poverty rate"},
    "planner_outputs": {"vi": "Kết quả", "en": "Results"},
    "planner_col_money": {"vi": "Kinh phí {period} (triệu đồng)", "en": "Money {period} (million VND)"},
    "planner_unallocated_note": {
        "vi": "Kinh phí toàn huyện không phân bổ được (không còn hộ nghèo): {amount} triệu đồng.",
        "en": "District money that could not be allocated (no poor households left): {amount} million VND."},
    "planner_required": {"vi": "Tính kinh phí cần thêm", "en": "Extra budget required"},
    "planner_required_hint": {"vi": "Bấm để tính kinh phí cần bổ sung cho từng chỉ tiêu chưa đạt.",
                              "en": "Click to compute the extra budget each unmet target needs."},
    "planner_required_met": {"vi": "{target}: đã đạt, không cần thêm kinh phí.",
                             "en": "{target}: met, no extra money needed."},
    "planner_required_amount": {"vi": "{target}: cần thêm {amount} triệu đồng/năm ({rule}){probability}.",
                                "en": "{target}: needs {amount} million VND more per year ({rule}){probability}."},
    "planner_required_probability": {"vi": " để đạt với xác suất {p}", "en": " to meet it with probability {p}"},
    "planner_required_infeasible": {
        "vi": "{target}: không thể đạt dù hỗ trợ mọi hộ đủ điều kiện; mức giảm tối đa {best} điểm %/năm.",
        "en": "{target}: cannot be met even with every eligible household supported; "
              "best reachable fall {best} points/year."},
    "planner_computing": {"vi": "Đang tính…", "en": "Computing…"},
    "planner_save_name": {"vi": "Tên kịch bản mới", "en": "New scenario name"},
    "planner_save": {"vi": "Lưu kịch bản", "en": "Save scenario"},
    "planner_saved": {"vi": "Đã lưu {file}.", "en": "Saved {file}."},
    "planner_overwrite_question": {"vi": "Tệp {file} đã có. Ghi đè lên tệp này?",
                                   "en": "{file} already exists. Overwrite it?"},
    "planner_overwrite": {"vi": "Ghi đè", "en": "Overwrite"},
    "planner_cancel": {"vi": "Hủy", "en": "Cancel"},
    "planner_save_cancelled": {"vi": "Không lưu; tệp cũ được giữ nguyên.", "en": "Not saved; the existing file is kept."},
    "planner_bad_name": {
        "vi": "Tên kịch bản “{name}” không dùng được: chỉ dùng chữ thường không dấu (a–z), số, “_” hoặc “-”, "
              "bắt đầu bằng chữ hoặc số, tối đa 60 ký tự (ví dụ: tang_sinh_ke_2024).",
        "en": "Scenario name “{name}” cannot be used: use lower-case letters without accents (a–z), digits, "
              "“_” or “-”, starting with a letter or digit, at most 60 characters (e.g. more_livelihoods_2024)."},
    "planner_save_failed": {"vi": "Không lưu được kịch bản: {error}", "en": "The scenario was not saved: {error}"},
    "planner_no_scenario_dir": {"vi": "Chưa có thư mục kịch bản để lưu.", "en": "There is no scenario folder to save into."},
    "planner_brief": {"vi": "Tạo bản tin", "en": "Render brief"},
    "planner_brief_needs_save": {
        "vi": "Các thiết lập hiện tại chưa được lưu: hãy lưu kịch bản trước khi tạo bản tin.",
        "en": "The current settings are not saved: save the scenario before rendering a brief."},
    "planner_brief_running": {"vi": "Đang tạo bản tin cho {area} (có thể mất một phút)…",
                              "en": "Rendering the brief for {area} (this may take a minute)…"},
    "planner_brief_ready": {"vi": "Bản tin đã sẵn sàng:", "en": "The brief is ready:"},
    "planner_brief_failed": {"vi": "Không tạo được bản tin: {error}", "en": "The brief could not be rendered: {error}"},
    "planner_error": {"vi": "Lỗi: {error}", "en": "Error: {error}"},
    "planner_scenario_error": {"vi": "Không đọc được kịch bản {file}: {error}", "en": "Could not read scenario {file}: {error}"},
    "planner_mc_unavailable": {"vi": "Chưa chạy được mô phỏng Monte Carlo: {error}",
                               "en": "Monte Carlo is not available: {error}"},
    # -- required resources: a search that does not assume more money always helps (issue 9) --
    "required_not_monotone": {
        "vi": "Lưu ý: ở đây thêm kinh phí không phải lúc nào cũng giảm thêm hộ nghèo: từ khoảng {amount} trở lên, "
              "mức giảm kỳ vọng lại thấp đi, nên mức kinh phí lớn hơn mức trên có thể không đạt chỉ tiêu.",
        "en": "Note: here more money does not always mean fewer poor households: from about {amount} on, the "
              "expected reduction falls again, so more money than the amount above may miss the target."},
    # -- issue 12: periods (units in force, standard switch), target kinds, tổng kết --------
    "standard": {"vi": "Chuẩn nghèo", "en": "Poverty standard"},
    "standard_decree_07_2021": {"vi": "NĐ 07/2021", "en": "Decree 07/2021"},
    "standard_decree_351_2025": {"vi": "NĐ 351/2025", "en": "Decree 351/2025"},
    "period_units": {"vi": "Năm {years}: {n} đơn vị ({names})", "en": "{years}: {n} units ({names})"},
    "period_break": {
        "vi": "Từ năm {year} số hộ nghèo, cận nghèo tính theo {new} (trước đó theo {old}): số liệu hai bên mốc "
              "không so sánh được, không tính mức giảm qua mốc này. Năm {base} quy đổi sang chuẩn mới "
              "(ước tính, params/rebasing.yaml): tỷ lệ hộ nghèo toàn địa bàn {rate}.",
        "en": "From {year} poor and near-poor households are counted under {new} (before: {old}): figures on "
              "either side of the break are not comparable and no fall is computed across it. {base} re-based "
              "to the new standard (estimate, params/rebasing.yaml): poverty rate of the whole area {rate}."},
    "chart_standard_break": {"vi": "Chuyển chuẩn nghèo ({year})", "en": "Standard switch ({year})"},
    "former_district": {"vi": "Địa bàn huyện Kbang cũ", "en": "Former Kbang district area"},
    "target_kind_reduction": {"vi": "giảm (điểm %/năm)", "en": "fall (points a year)"},
    "target_kind_level": {"vi": "mức cần đạt (%)", "en": "level to reach (%)"},
    "target_kind_communes": {"vi": "giảm ở từng xã được nêu (điểm %/năm)", "en": "fall in each named commune (points a year)"},
    "target_level_programme": {"vi": "Chương trình MTQG", "en": "National programme"},
    "target_level_province": {"vi": "Tỉnh", "en": "Province"},
    "target_level_district": {"vi": "Huyện", "en": "District"},
    "target_level_commune": {"vi": "Xã", "en": "Commune"},
    "target_status_assigned": {"vi": "được giao ({decision})", "en": "assigned ({decision})"},
    "target_status_proposed": {"vi": "đề xuất (công cụ tính, chưa được giao)", "en": "proposed (computed, not assigned)"},
    "section_target_proposed": {"vi": "Chỉ tiêu đề xuất cho xã (công cụ tính, chưa được giao)",
                                "en": "Target proposed for the commune (computed, not assigned)"},
    "legend_commune_target_proposed": {"vi": "Chỉ tiêu đề xuất", "en": "Proposed target"},
    "proposed_target_name": {"vi": "Chỉ tiêu đề xuất – {name}", "en": "Proposed target – {name}"},
    "commune_targets_heading": {"vi": "Chỉ tiêu từng xã ({how})", "en": "Each commune's own target ({how})"},
    "target_kind": {"vi": "Loại chỉ tiêu", "en": "Kind"},
    "section_targets_file": {"vi": "Chỉ tiêu của chương trình, tỉnh và toàn địa bàn",
                             "en": "Targets of the programme, the province and the whole area"},
    "target_rate_end": {"vi": "Tỷ lệ cuối kỳ (%)", "en": "Rate at the end (%)"},
    "planner_period": {"vi": "Giai đoạn", "en": "Period"},
    "planner_period_note": {
        "vi": "6 xã mới từ năm 2025; năm 2027 chuyển sang chuẩn nghèo NĐ 351/2025 (không tính mức giảm qua mốc); "
              "kinh phí theo các dòng của kịch bản, chỉ tiêu theo params/targets_2026_2030.yaml.",
        "en": "The 6 new communes from 2025; the Decree 351/2025 standard from 2027 (no fall computed across the "
              "break); money as the scenario's lines, targets from params/targets_2026_2030.yaml."},
    "index_other_period": {"vi": "Bản tin giai đoạn {period}", "en": "Briefs {period}"},
    "index_title_period": {"vi": "Bản tin kế hoạch giảm nghèo giai đoạn {period}: 6 xã mới và địa bàn huyện Kbang cũ",
                           "en": "Poverty-reduction briefs {period}: the 6 new communes and the former Kbang district"},
    "section_target_commune": {"vi": "Chỉ tiêu của xã", "en": "The commune's target"},
    "brief_former_district_title": {"vi": "Bản tin kế hoạch giảm nghèo: địa bàn huyện Kbang cũ (6 xã) 2026–2030",
                                    "en": "Poverty-reduction brief: the former Kbang district area (6 communes) 2026–2030"},
    "brief_programme_2026_2030": {
        "vi": "Chương trình mục tiêu quốc gia giai đoạn 2026–2035 (giai đoạn I: 2026–2030) trên 6 xã mới của tỉnh Gia Lai "
              "thuộc địa bàn huyện Kbang cũ",
        "en": "National Target Programme 2026–2035 (phase I: 2026–2030) on the 6 new communes of Gia Lai in the former "
              "Kbang district area"},
    "summary_rebased_year": {"vi": "{year}, quy đổi theo chuẩn mới", "en": "{year}, re-based to the new standard"},
    "period_baseline_note": {
        "vi": "Số hộ năm {year} là số dự báo của mô hình (từ số ước tính năm gốc 2021 qua các lần sắp xếp đơn vị), "
              "không phải kết quả rà soát: hãy nhập kết quả rà soát năm {year} của các xã mới.",
        "en": "The {year} households are the model's projection (from the estimated 2021 baseline through the "
              "reorganisations), not review results: import the new communes' {year} review."},
    "period_history": {"vi": "Xã {name} (từ 1/7/2025) gồm các đơn vị cũ: {units}.",
                       "en": "{name} commune (from 1 July 2025) was formed from: {units}."},
    "period_section_unavailable": {
        "vi": "Phần này chưa tính cho giai đoạn 2026–2030 (qua mốc chuyển chuẩn nghèo năm 2027).",
        "en": "This part is not yet computed for 2026–2030 (across the 2027 change of poverty standard)."},
    "period_scoreboard_note": {
        "vi": "Bảng theo dõi thi đua giai đoạn 2026–2030 sẽ có khi có kết quả rà soát theo các xã mới; "
              "tổng kết giai đoạn 2021–2025: lệnh thidua-sim review-final.",
        "en": "The 2026–2030 scoreboard needs review results on the new communes; the 2021–2025 final review: "
              "thidua-sim review-final."},
    "period_model_note": {
        "vi": "Giai đoạn 2026–2030: số hộ của các đơn vị cũ được chuyển sang xã mới theo bảng chuyển đổi (giữ nguyên "
              "tổng số hộ); tỷ lệ chuyển đổi của xã mới là bình quân theo số hộ của các đơn vị cũ; năm 2027 số hộ "
              "được quy đổi sang chuẩn nghèo Nghị định 351/2025/NĐ-CP theo tỷ lệ giả định có khoảng bất định "
              "(params/rebasing.yaml).",
        "en": "2026–2030: the old units' households move to the new communes by the crosswalk (households "
              "conserved); a new commune's rates are its former units' household-weighted average; in 2027 the "
              "stocks are re-based to the Decree 351/2025 standard by assumed shares with their uncertainty "
              "(params/rebasing.yaml)."},
    "fr_title": {"vi": "Tổng kết phong trào thi đua “Vì người nghèo – Không để ai bị bỏ lại phía sau” giai đoạn {start}–{end}",
                 "en": "Final review of the emulation movement “For the poor – No one left behind” {start}–{end}"},
    "fr_estimates_only": {
        "vi": "⚠ Toàn bộ số liệu của bản tổng kết này là số ước tính, không phải kết quả rà soát chính thức: "
              "chỉ dùng để chuẩn bị, không dùng để bình xét thi đua.",
        "en": "⚠ Every figure of this final review is an estimate, not official review results: for preparation "
              "only, not for the emulation assessment."},
    "fr_some_estimates": {"vi": "⚠ Một phần số liệu là số ước tính (xem cột “Ước tính”).",
                          "en": "⚠ Some figures are estimates (see the “Estimate” column)."},
    "fr_section_district": {"vi": "Chỉ tiêu của huyện (toàn địa bàn huyện cũ)",
                            "en": "The district's targets (the whole former district area)"},
    "fr_section_years": {"vi": "Kết quả giảm nghèo từng năm của từng đơn vị",
                         "en": "Each unit's poverty reduction year by year"},
    "fr_section_ranking": {"vi": "Xếp hạng thi đua cả giai đoạn", "en": "Ranking over the period"},
    "fr_section_new": {"vi": "Các xã mới từ 1/7/2025: lịch sử qua bảng chuyển đổi đơn vị",
                       "en": "The communes formed on 1 July 2025: their history through the crosswalk"},
    "fr_section_commend": {"vi": "Đề xuất khen thưởng theo tiêu chí của kế hoạch",
                           "en": "Commendation proposals by the plan's criteria"},
    "fr_col_rate_start": {"vi": "Tỷ lệ hộ nghèo {year}", "en": "Poverty rate {year}"},
    "fr_col_rate_end": {"vi": "Tỷ lệ hộ nghèo {year}", "en": "Poverty rate {year}"},
    "fr_col_rate_first": {"vi": "Tỷ lệ đầu kỳ", "en": "Rate at the start"},
    "fr_col_rate_last": {"vi": "Tỷ lệ cuối kỳ", "en": "Rate at the end"},
    "fr_col_fall": {"vi": "Mức giảm so với năm trước (điểm %)", "en": "Fall from the year before (points)"},
    "fr_col_actual_fall": {"vi": "Mức giảm thực tế bình quân (điểm %/năm)", "en": "Actual average fall (points/year)"},
    "fr_col_target": {"vi": "Chỉ tiêu (điểm %/năm)", "en": "Target (points/year)"},
    "fr_col_target_status": {"vi": "Loại chỉ tiêu", "en": "Target"},
    "fr_col_span": {"vi": "Các năm", "en": "Years"},
    "fr_col_met_period": {"vi": "Đạt cả giai đoạn?", "en": "Met over the period?"},
    "fr_col_met_each_year": {"vi": "Đạt từng năm?", "en": "Met every year?"},
    "fr_col_history": {"vi": "Gồm các đơn vị cũ", "en": "Formed from"},
    "fr_col_proposed": {"vi": "Đề nghị khen thưởng", "en": "Proposed for commendation"},
    "fr_proposed_yes": {"vi": "Đề nghị", "en": "Proposed"},
    "fr_proposed_no": {"vi": "Chưa đủ tiêu chí", "en": "Criteria not all met"},
    "fr_crit_1": {"vi": "(1) Đạt chỉ tiêu giảm nghèo được giao hằng năm", "en": "(1) Assigned reduction met every year"},
    "fr_crit_2": {"vi": "(2) Huy động được nguồn lực", "en": "(2) Resources mobilised"},
    "fr_crit_3": {"vi": "(3) Sử dụng kinh phí đúng quy định, quyết toán đúng hạn",
                  "en": "(3) Funds used as regulated and settled on time"},
    "fr_crit_4": {"vi": "(4) Báo cáo đúng thời gian", "en": "(4) Reporting on time"},
    "fr_criteria_rule": {
        "vi": "Một đơn vị được đề nghị khi đạt cả 4 tiêu chí. Tiêu chí (1) tính từ kết quả rà soát; (2)–(4) từ "
              "phiếu tiêu chí của người đánh giá (“–”: chưa có phiếu).",
        "en": "A unit is proposed when it meets all 4 criteria. (1) comes from the review results; (2)–(4) from "
              "the reviewers' criteria sheet (“–”: no sheet row)."},
    "fr_criteria_missing": {
        "vi": "Chưa có phiếu tiêu chí của người đánh giá (--criteria): tiêu chí (2)–(4) chưa xét, chưa đơn vị nào được đề nghị.",
        "en": "No reviewers' criteria sheet (--criteria): criteria (2)–(4) not assessed, no unit proposed yet."},
    "fr_target_proposed_note": {
        "vi": "Chỉ tiêu của từng xã ở đây là chỉ tiêu đề xuất (công cụ tính, chưa được giao): tiêu chí (1) đang xét "
              "theo chỉ tiêu đề xuất; hãy nhập chỉ tiêu được giao (kèm số quyết định) để bình xét.",
        "en": "Each commune's target here is a proposal (computed, not assigned): criterion (1) is read against "
              "the proposal; enter the assigned targets (with their decision numbers) for the assessment."},
    "fr_new_communes_note": {
        "vi": "Kết quả năm {year} rà soát theo các xã mới; năm đầu kỳ của mỗi xã mới là tổng các đơn vị cũ hợp thành.",
        "en": "The {year} review is on the new communes; each new commune's start year adds up its former units."},
    "fr_district_sentence": {
        "vi": "{name}: {r0} ({start}) → {r1} ({end}), giảm bình quân {fall} điểm %/năm: {verdict}.",
        "en": "{name}: {r0} ({start}) → {r1} ({end}), an average fall of {fall} points a year: {verdict}."},
    "fr_verdict_met": {"vi": "ĐẠT", "en": "MET"},
    "fr_verdict_not_met": {"vi": "CHƯA ĐẠT", "en": "NOT MET"},
    "fr_commend_sentence": {"vi": "Đề nghị khen thưởng: {n}/{total} đơn vị đạt cả 4 tiêu chí.",
                            "en": "Proposed for commendation: {n} of {total} units meet all 4 criteria."},
    "fr_written": {"vi": "Đã ghi bản tổng kết: {workbook} và {brief}", "en": "Final review written: {workbook} and {brief}"},
    "fr_template_written": {"vi": "Đã ghi phiếu tiêu chí để điền: {path}", "en": "Criteria sheet to fill in written: {path}"},
    # -- household records (issue 13): import, tables, microsimulation, 2027 switch ------------
    "hh_village": {"vi": "Thôn, làng", "en": "Village"},
    "hh_ethnicity": {"vi": "Dân tộc", "en": "Ethnicity"},
    "hh_not_recorded": {"vi": "Không ghi", "en": "Not recorded"},
    "hh_indicator": {"vi": "Chỉ số thiếu hụt", "en": "Deprivation indicator"},
    "hh_poor_deprived": {"vi": "Hộ nghèo thiếu hụt", "en": "Poor households deprived"},
    "hh_poor_share": {"vi": "Tỷ lệ trong hộ nghèo (%)", "en": "Share of poor households (%)"},
    "hh_near_deprived": {"vi": "Hộ cận nghèo thiếu hụt", "en": "Near-poor households deprived"},
    "hh_near_share": {"vi": "Tỷ lệ trong hộ cận nghèo (%)", "en": "Share of near-poor households (%)"},
    "hh_cause": {"vi": "Nguyên nhân nghèo", "en": "Cause of poverty"},
    "hh_poor_start": {"vi": "Hộ nghèo đầu kỳ", "en": "Poor, start"},
    "hh_poor_escaped": {"vi": "Thoát nghèo", "en": "Escaped poverty"},
    "hh_poor_left": {"vi": "Giảm khác (không còn trong danh sách)", "en": "Left the list"},
    "hh_poor_newly": {"vi": "Phát sinh nghèo mới", "en": "Newly poor"},
    "hh_poor_fell_back": {"vi": "Tái nghèo", "en": "Fell back into poverty"},
    "hh_poor_end": {"vi": "Hộ nghèo cuối kỳ", "en": "Poor, end"},
    "hh_near_start": {"vi": "Hộ cận nghèo đầu kỳ", "en": "Near-poor, start"},
    "hh_near_out_other": {"vi": "Thoát cận nghèo", "en": "Left near-poverty"},
    "hh_near_out_poor": {"vi": "Cận nghèo chuyển nghèo", "en": "Near-poor became poor"},
    "hh_near_left": {"vi": "Giảm khác (cận nghèo)", "en": "Left the list (near-poor)"},
    "hh_near_in_poor": {"vi": "Từ hộ nghèo chuyển sang", "en": "From poor"},
    "hh_near_in_new": {"vi": "Phát sinh cận nghèo mới", "en": "Newly near-poor"},
    "hh_near_end": {"vi": "Hộ cận nghèo cuối kỳ", "en": "Near-poor, end"},
    "hh_cause_land": {"vi": "Thiếu đất sản xuất", "en": "Lack of farmland"},
    "hh_cause_capital": {"vi": "Thiếu vốn sản xuất", "en": "Lack of capital"},
    "hh_cause_labour": {"vi": "Thiếu lao động", "en": "Lack of labour"},
    "hh_cause_tools": {"vi": "Thiếu công cụ, phương tiện sản xuất", "en": "Lack of tools"},
    "hh_cause_knowledge": {"vi": "Thiếu kiến thức sản xuất", "en": "Lack of know-how"},
    "hh_cause_skills": {"vi": "Thiếu kỹ năng lao động", "en": "Lack of skills"},
    "hh_cause_illness": {"vi": "Có người ốm đau, bệnh nặng", "en": "Illness in the household"},
    "hh_cause_other": {"vi": "Nguyên nhân khác", "en": "Other cause"},
    "hh_cause_none": {"vi": "Không ghi nguyên nhân", "en": "No cause recorded"},
    "hh_sheet_movement": {"vi": "Diễn biến", "en": "Movement"},
    "hh_sheet_deprivation": {"vi": "Thiếu hụt", "en": "Deprivations"},
    "hh_sheet_groups": {"vi": "Nhóm hộ", "en": "Groups"},
    "hh_sheet_ethnicity": {"vi": "Dân tộc", "en": "Ethnicity"},
    "hh_sheet_causes": {"vi": "Nguyên nhân", "en": "Causes"},
    "hh_sheet_villages": {"vi": "Thôn, làng", "en": "Villages"},
    "hh_title_movement": {"vi": "Diễn biến hộ nghèo, hộ cận nghèo theo đơn vị, năm {year}",
                          "en": "Movement of poor and near-poor households by unit, {year}"},
    "hh_title_deprivation": {"vi": "Số hộ và tỷ lệ thiếu hụt theo từng chỉ số, năm {year}",
                             "en": "Households deprived in each indicator, {year}"},
    "hh_title_groups": {"vi": "Hộ nghèo, hộ cận nghèo theo đơn vị và nhóm hộ, năm {year}",
                        "en": "Poor and near-poor households by unit and group, {year}"},
    "hh_title_ethnicity": {"vi": "Hộ nghèo, hộ cận nghèo theo dân tộc, năm {year}",
                           "en": "Poor and near-poor households by ethnicity, {year}"},
    "hh_title_causes": {"vi": "Hộ nghèo, hộ cận nghèo theo nguyên nhân nghèo, năm {year} (một hộ có thể có nhiều nguyên nhân)",
                        "en": "Poor and near-poor households by cause of poverty, {year} (a household may cite several)"},
    "hh_title_villages": {"vi": "Hộ nghèo, hộ cận nghèo theo thôn, làng, năm {year}",
                          "en": "Poor and near-poor households by village, {year}"},
    "hh_synthetic_mark": {"vi": "DỮ LIỆU GIẢ LẬP, không phải hộ thật", "en": "SYNTHETIC DATA, not real households"},
    "hh_note_aggregates": {"vi": "Chỉ có số tổng hợp; không có thông tin của từng hộ.",
                           "en": "Aggregates only; no household's own data."},
    "hh_note_suppressed": {"vi": "Ô có từ 1 đến dưới {n} hộ được ẩn (ghi “<{n}”) để không nhận diện được hộ; "
                                 "một ô nữa có thể được ẩn để tổng không làm lộ ô đã ẩn.",
                           "en": "Cells of 1 to fewer than {n} households are hidden (shown “<{n}”) so that no "
                                 "household can be recognised; one more cell may be hidden so that totals do not reveal it."},
    "hh_personal_name": {"vi": "họ tên", "en": "name"},
    "hh_personal_id": {"vi": "số giấy tờ tùy thân", "en": "ID number"},
    "hh_personal_phone": {"vi": "số điện thoại", "en": "phone number"},
    "hh_personal_birth": {"vi": "ngày sinh", "en": "date of birth"},
    "hh_personal_address": {"vi": "địa chỉ", "en": "street address"},
    "hh_dropped_column": {"vi": "Đã bỏ cột {column} “{header}” ({kind}: dữ liệu cá nhân, Nghị định 13/2023/NĐ-CP); "
                                "không đọc giá trị nào của cột này.",
                          "en": "Dropped column {column} “{header}” ({kind}: personal data, Decree 13/2023/ND-CP); "
                                "none of its values was read."},
    "hh_imported": {"vi": "Đã nhập {n} hộ (năm {years}) của {areas} đơn vị; mã hộ được thay bằng mã ẩn danh.",
                    "en": "Imported {n} households ({years}) of {areas} units; household codes replaced by pseudonyms."},
    "hh_key_note": {"vi": "Khóa ẩn danh: {path} (giữ kín trên máy này, không gửi kèm kết quả).",
                    "en": "Pseudonymisation key: {path} (keep it on this machine, never send it with results)."},
    "hh_synthetic_warning": {"vi": "DỮ LIỆU GIẢ LẬP: danh sách hộ do script tạo ra, không phải hộ thật; thay bằng danh sách rà soát thật.",
                             "en": "SYNTHETIC DATA: this household list was made by a script, not real households; replace it with the real review list."},
    "hh_aggregate_title": {"vi": "Phân loại hộ theo chuẩn nghèo năm {year}", "en": "Households classified under the {year} standard"},
    "hh_rule_nearest_line": {"vi": "gần chuẩn thu nhập nhất", "en": "nearest to the income line"},
    "hh_rule_fewest_deprivations": {"vi": "ít chỉ số thiếu hụt cần khắc phục nhất", "en": "fewest deprivations to close"},
    "hh_rule_dtts_first": {"vi": "ưu tiên hộ đồng bào DTTS", "en": "ethnic-minority households first"},
    "hh_rule_cheapest_per_move": {"vi": "chi phí thấp nhất cho mỗi hộ chuyển lên", "en": "cheapest per household moved"},
    "hh_simulate_title": {"vi": "Hỗ trợ có mục tiêu: {package}; chọn hộ {rule}; {draws} lần rút thu nhập",
                          "en": "Targeted support: {package}; households chosen {rule}; {draws} income draws"},
    "hh_selected": {"vi": "Hộ được hỗ trợ: {n} trong {eligible} hộ đủ điều kiện; kinh phí {cost} triệu đồng.",
                    "en": "Households supported: {n} of {eligible} eligible; cost {cost} million VND."},
    "hh_move": {"vi": "Chuyển đổi", "en": "Move"},
    "hh_move_PN": {"vi": "Nghèo → cận nghèo", "en": "Poor → near-poor"},
    "hh_move_PO": {"vi": "Nghèo → thoát nghèo", "en": "Poor → out of poverty"},
    "hh_move_NO": {"vi": "Cận nghèo → thoát cận nghèo", "en": "Near-poor → out"},
    "hh_with_support": {"vi": "Có hỗ trợ (kỳ vọng)", "en": "With support (expected)"},
    "hh_band": {"vi": "Khoảng 90 %", "en": "90 % band"},
    "hh_without_support": {"vi": "Không hỗ trợ", "en": "Without support"},
    "hh_attributable": {"vi": "Do hỗ trợ", "en": "Due to support"},
    "hh_effects": {"vi": "Hiệu ứng ước tính cho mô hình nhóm hộ (thay cho mức tăng đặt tay): uPN {uPN}, uPO {uPO}, uNO {uNO}. Nguồn: {source}.",
                   "en": "Estimated effects for the cohort model (instead of hand-set uplifts): uPN {uPN}, uPO {uPO}, uNO {uNO}. Source: {source}."},
    "hh_list_size": {"vi": "Số hộ trong danh sách hỗ trợ theo thôn, làng", "en": "List size by village"},
    "hh_optimise_title": {"vi": "Phân bổ tối ưu ngân sách {budget} triệu đồng cho từng hộ (scipy.optimize.milp)",
                          "en": "Optimal use of a {budget} million VND budget, household by household (scipy.optimize.milp)"},
    "hh_optimise_result": {"vi": "Dự kiến {moves} hộ chuyển lên nhờ hỗ trợ, kinh phí {cost} triệu đồng.",
                           "en": "Expected {moves} households moved by the support, cost {cost} million VND."},
    "hh_option": {"vi": "Hình thức hỗ trợ", "en": "Support"},
    "hh_supported": {"vi": "Số hộ được hỗ trợ", "en": "Households supported"},
    "hh_expected_moves": {"vi": "Số hộ chuyển lên (kỳ vọng)", "en": "Households moved (expected)"},
    "hh_switch_title": {"vi": "Chuyển sang {standard} năm {year}: hộ nghèo, hộ cận nghèo theo từng đơn vị",
                        "en": "Switch to {standard} in {year}: poor and near-poor households by unit"},
    "hh_switch_growth": {"vi": "Thu nhập ghi nhận năm {year} tăng {growth} mỗi năm đến {target} (giả định).",
                         "en": "Incomes recorded in {year} grown {growth} a year to {target} (assumption)."},
    "hh_switch_assumed": {"vi": "Giả định cho chỉ số {indicator}: {text}", "en": "Assumption for indicator {indicator}: {text}"},
    "hh_poor_now": {"vi": "Hộ nghèo (chuẩn hiện hành)", "en": "Poor (current standard)"},
    "hh_poor_new": {"vi": "Hộ nghèo (chuẩn mới)", "en": "Poor (new standard)"},
    "hh_poor_jump": {"vi": "Tăng/giảm hộ nghèo", "en": "Change in poor"},
    "hh_near_now": {"vi": "Hộ cận nghèo (chuẩn hiện hành)", "en": "Near-poor (current standard)"},
    "hh_near_new": {"vi": "Hộ cận nghèo (chuẩn mới)", "en": "Near-poor (new standard)"},
    "hh_near_jump": {"vi": "Tăng/giảm hộ cận nghèo", "en": "Change in near-poor"},
    "hh_section_title": {"vi": "Danh sách hộ: phân loại và thiếu hụt", "en": "Household list: classification and deprivations"},
    "hh_tab": {"vi": "Hỗ trợ có mục tiêu", "en": "Targeted support"},
    "hh_budget": {"vi": "Ngân sách (triệu đồng)", "en": "Budget (million VND)"},
    "hh_rule": {"vi": "Cách chọn hộ", "en": "Targeting rule"},
    "hh_run": {"vi": "Mô phỏng", "en": "Simulate"},
    "hh_no_records": {"vi": "Chưa có danh sách hộ ({file}).", "en": "No household list ({file})."},
    "hh_no_movement": {"vi": "Không có bảng diễn biến: cần danh sách năm trước (cùng khóa) hoặc cột “Phân loại đầu kỳ” ở mọi dòng.",
                       "en": "No movement table: it needs the list of the year before (same key) or the column "
                             "“Phân loại đầu kỳ” (status_before) on every row."},
    "hh_one_away": {"vi": "Hộ nghèo chỉ còn thiếu hụt đúng {n} chỉ số (khắc phục 1 chỉ số là thành hộ cận nghèo)",
                    "en": "Poor households deprived in exactly {n} indicators (one fixed makes them near-poor)"},
    # -- issue 11: backtest on published history, sensitivity, Monte Carlo error of probabilities --
    "backtest_title": {"vi": "Kiểm tra dự báo trên kết quả rà soát đã công bố (ước lượng đến năm gốc, dự báo các năm sau)",
                       "en": "Backtest on published review results (fitted up to the origin year, forecasting the next years)"},
    "backtest_source": {"vi": "Số liệu: {file} ({n} chỉ tiêu đã công bố, đến kỳ rà soát {last}).",
                        "en": "Data: {file} ({n} published figures, reviews up to {last})."},
    "backtest_fit_line": {"vi": "Năm gốc {origin}: ước lượng trên {series} chuỗi số liệu; R-hat lớn nhất {rhat}, "
                                "cỡ mẫu hiệu dụng nhỏ nhất {ess}.",
                          "en": "Origin {origin}: fitted on {series} series; largest R-hat {rhat}, smallest "
                                "effective sample size {ess}."},
    "backtest_fit_refused": {"vi": "Năm gốc {origin}: ước lượng không hội tụ, không dùng để dự báo ({note}).",
                             "en": "Origin {origin}: the fit did not converge and is not used ({note})."},
    "backtest_measure": {"vi": "Chỉ tiêu", "en": "Measure"},
    "backtest_horizon": {"vi": "Số năm dự báo trước", "en": "Years ahead"},
    "backtest_horizon_all": {"vi": "tất cả", "en": "all"},
    "backtest_n": {"vi": "Số điểm", "en": "Points"},
    "backtest_mae_model": {"vi": "Sai số TB mô hình", "en": "MAE model"},
    "backtest_mae_linear": {"vi": "Sai số TB xu hướng tuyến tính", "en": "MAE linear trend"},
    "backtest_mae_ratio": {"vi": "Sai số TB tỷ lệ giảm không đổi", "en": "MAE constant ratio"},
    "backtest_bias_model": {"vi": "Độ lệch TB mô hình", "en": "Bias model"},
    "backtest_cover80": {"vi": "Trong khoảng 80 %", "en": "Inside 80 % interval"},
    "backtest_cover90": {"vi": "Trong khoảng 90 %", "en": "Inside 90 % interval"},
    "backtest_cover80_p": {"vi": "p (khoảng 80 % trung thực)", "en": "p (honest 80 %)"},
    "backtest_cover80_judge": {"vi": "Đủ điểm để đánh giá 65-95 %", "en": "Points can judge 65-95 %"},
    "backtest_coverage_note": {
        "vi": "p: xác suất (nhị thức, hai phía) thấy số điểm nằm trong khoảng 80 % lệch như vậy nếu khoảng là trung "
              "thực; nhỏ (dưới 0,1) nghĩa là khoảng quá hẹp hoặc quá rộng. Đủ điểm để đánh giá: xác suất một khoảng "
              "80 % trung thực cho tỷ lệ trong 65-95 % với số điểm này; dưới 50 % là quá ít điểm để đánh giá.",
        "en": "p: the probability (binomial, two-sided) of a count inside the 80 % interval this far off if the "
              "intervals were honest; small (below 0.1) means too narrow or too wide. Points can judge: the "
              "probability that honest 80 % intervals cover 65-95 % of this many points; below 50 %, too few "
              "points to judge."},
    "backtest_units": {"vi": "Sai số và độ lệch tính bằng điểm phần trăm (độ lệch = dự báo − thực tế).",
                       "en": "Errors and bias in percentage points (bias = forecast − actual)."},
    "measure_poor_rate": {"vi": "Tỷ lệ hộ nghèo", "en": "Poor rate"},
    "measure_dtts_poor_rate": {"vi": "Tỷ lệ hộ nghèo DTTS", "en": "Poor rate, dtts households"},
    "measure_near_poor_rate": {"vi": "Tỷ lệ hộ cận nghèo", "en": "Near-poor rate"},
    "measure_all": {"vi": "Cả ba chỉ tiêu", "en": "All three measures"},
    "backtest_actual": {"vi": "Thực tế (đã công bố)", "en": "Actual (published)"},
    "backtest_forecast": {"vi": "Dự báo của mô hình (trung vị)", "en": "Model forecast (median)"},
    "backtest_band80": {"vi": "Khoảng 80 %", "en": "80 % interval"},
    "backtest_band90": {"vi": "Khoảng 90 %", "en": "90 % interval"},
    "backtest_linear": {"vi": "Xu hướng tuyến tính", "en": "Linear trend"},
    "backtest_ratio": {"vi": "Tỷ lệ giảm không đổi", "en": "Constant ratio"},
    "backtest_chart_title": {"vi": "Dự báo so với thực tế (kiểm tra trên kết quả rà soát đã công bố)",
                             "en": "Forecast against actual (backtest on published reviews)"},
    "backtest_chart_y": {"vi": "Tỷ lệ dự báo và thực tế (%)", "en": "Forecast and actual rate (%)"},
    "backtest_chart_x": {"vi": "Thực tế (%)", "en": "Actual (%)"},
    "backtest_box_title": {"vi": "Mô hình đã dự báo các năm trước tốt đến đâu",
                           "en": "How well this model forecast past years"},
    "backtest_box_text": {
        "vi": "Dự báo trước 1 năm tỷ lệ hộ nghèo trên {n} kỳ rà soát đã công bố ({years}): sai số trung bình "
              "của mô hình {mae_model} điểm %, của xu hướng tuyến tính {mae_linear}, của tỷ lệ giảm không đổi "
              "{mae_ratio}. Ở mọi khoảng dự báo, {cover80} giá trị thực tế nằm trong khoảng 80 % của mô hình. "
              "{verdict} Nguồn: {file}.",
        "en": "One-year-ahead forecasts of the poor rate on {n} published reviews ({years}): mean absolute error "
              "of the model {mae_model} points, of a linear trend {mae_linear}, of a constant-ratio decline "
              "{mae_ratio}. Over all horizons, {cover80} of the actual values fell inside the model's 80 % "
              "interval. {verdict} Source: {file}."},
    "backtest_verdict_better": {"vi": "Mô hình dự báo tốt hơn cả hai cách ngoại suy đơn giản.",
                                "en": "The model forecast better than both simple extrapolations."},
    "backtest_verdict_worse": {"vi": "Mô hình chưa dự báo tốt hơn cách ngoại suy đơn giản tốt nhất: hãy đọc "
                                     "các con số dự báo với sự thận trọng đó.",
                               "en": "The model did not forecast better than the best simple extrapolation: read "
                                     "its forecasts with that in mind."},
    "backtest_box_scope": {
        "vi": "Kiểm tra này dùng cùng mô hình nhóm hộ (nghèo, cận nghèo, khác) ước lượng trên kết quả rà soát đã "
              "công bố của cả nước và các tỉnh đến năm 2022; các tỷ lệ chuyển trạng thái dùng trong bản tin này là "
              "giả định ghi trong params/, không phải số ước lượng đó.",
        "en": "This check uses the same cohort model (poor, near-poor, other) fitted to the published reviews of the "
              "country and provinces up to 2022; the transition rates used in this brief are the assumptions "
              "written in params/, not those fitted ones."},
    "backtest_box_missing": {"vi": "Chưa có kết quả kiểm tra dự báo (chạy thidua-sim backtest).",
                             "en": "No backtest results yet (run thidua-sim backtest)."},
    "backtest_flows_title": {"vi": "Các dòng chuyển trong năm đã công bố, so với khoảng 90 % của mô hình (ước lượng trên "
                                   "toàn bộ số liệu)",
                             "en": "Published flows of the year against the model's 90 % interval (fitted on the whole "
                                   "history)"},
    "backtest_series": {"vi": "Chuỗi số liệu", "en": "Series"},
    "backtest_flow": {"vi": "Dòng chuyển", "en": "Flow"},
    "backtest_published": {"vi": "Đã công bố", "en": "Published"},
    "backtest_interval90": {"vi": "Mô hình: trung vị [khoảng 90 %]", "en": "Model: median [90 % interval]"},
    "backtest_inside": {"vi": "Nằm trong khoảng", "en": "Inside"},
    "backtest_inside_yes": {"vi": "trong khoảng", "en": "yes"},
    "backtest_inside_no": {"vi": "ngoài khoảng", "en": "no"},
    "flow_escaped_poverty": {"vi": "Thoát nghèo", "en": "Escaped poverty"},
    "flow_near_poor_to_poor": {"vi": "Cận nghèo chuyển nghèo", "en": "Near-poor became poor"},
    "flow_entered_from_other": {"vi": "Phát sinh mới và tái nghèo", "en": "Newly poor and fell back"},
    "flow_left_near_poverty": {"vi": "Thoát cận nghèo", "en": "Left near-poverty"},
    "project_support_differs": {
        "vi": "⚠ Tỷ lệ chuyển trạng thái trong {file} được ước lượng với nguồn lực của kịch bản {fit_scenario} nhân "
              "{scale} ({fit_amount} triệu đồng các năm {years}); lần chạy này dùng kịch bản {scenario} ({amount} "
              "triệu đồng các năm đó). Tỷ lệ ước lượng là tỷ lệ khi không có hỗ trợ của mô hình: nếu nguồn lực "
              "khi ước lượng khác thực tế, kết quả dự báo bị lệch.",
        "en": "⚠ The rates in {file} were fitted with the resources of scenario {fit_scenario} times {scale} "
              "({fit_amount} million VND in {years}); this run uses scenario {scenario} ({amount} million VND in "
              "those years). Fitted rates are rates without the modelled support: if the support assumed in the fit "
              "differs from what acted, the projection is biased."},
    "band_80": {"vi": "Khoảng 80 %", "en": "80 % band"},
    "run_level_province": {"vi": "Toàn tỉnh", "en": "Province"},
    "run_level_country": {"vi": "Cả nước", "en": "Country"},
    "run_level_district": {"vi": "Toàn huyện", "en": "District"},
    "project_fixed_parameters": {"vi": "Độ bất định của tham số đã tắt: mọi lần mô phỏng dùng giá trị trung tâm; "
                                       "dải chỉ còn phản ánh biến động ngẫu nhiên của hộ.",
                                 "en": "Parameter uncertainty is off: every draw uses the central values; the band "
                                       "shows only the chance moves of households."},
    "project_posterior_used": {"vi": "Dùng {n} bộ tham số hậu nghiệm đồng thời từ {file} (giữ tương quan giữa các tỷ lệ).",
                               "en": "Using {n} joint posterior draws from {file} (the correlations between rates are kept)."},
    "calibrate_history_title": {
        "vi": "Ước lượng gộp trên {file}: {series} chuỗi số liệu, {transitions} lần chuyển giữa các kỳ rà soát, {k} tham số.",
        "en": "Pooled fit on {file}: {series} series, {transitions} transitions between reviews, {k} parameters."},
    "calibrate_history_diagnostics": {
        "vi": "Hội tụ: R-hat lớn nhất {rhat}, cỡ mẫu hiệu dụng nhỏ nhất {ess} ({chains} chuỗi Metropolis × {draws} lần rút).",
        "en": "Convergence: largest R-hat {rhat}, smallest effective sample size {ess} ({chains} Metropolis chains × "
              "{draws} draws)."},
    "calibrate_history_budget": {"vi": "Hỗ trợ đều hằng năm: % hộ nghèo kỳ đầu được đưa ra khỏi nghèo mỗi năm "
                                       "[khoảng 90 %]",
                                 "en": "Steady support: % of the first review's poor lifted each year [90 % interval]"},
    "calibrate_history_spending_title": {
        "vi": "Kinh phí chương trình giảm nghèo 2016-2020 đã công bố và chi phí cho mỗi hộ được hỗ trợ thoát nghèo mà "
              "ước lượng ngụ ý (kiểm tra, không dùng trong ước lượng)",
        "en": "Published poverty-programme spending 2016-2020 and the cost per household lifted that the fit implies "
              "(a check, not used in the fit)"},
    "calibrate_history_spending": {"vi": "Kinh phí 2016-2020 (tỷ đồng)", "en": "Spending 2016-2020 (billion VND)"},
    "calibrate_history_lifted": {"vi": "Hộ được hỗ trợ thoát nghèo mỗi năm (trung vị)",
                                 "en": "Households lifted by the support a year (median)"},
    "calibrate_history_cost": {"vi": "Triệu đồng/hộ thoát nghèo [khoảng 90 %]",
                               "en": "Million VND per household lifted [90 % interval]"},
    "probability_mc": {"vi": "{p} ± {e}", "en": "{p} ± {e}"},
    "probability_mc_error": {"vi": "± (sai số Monte Carlo, điểm %)", "en": "± (Monte Carlo error, points)"},
    "probability_conditional": {
        "vi": "Xác suất là có điều kiện: chỉ phản ánh độ bất định đã nêu của các giả định (khoảng 90 % của tỷ lệ "
              "chuyển trạng thái, chi phí, hiệu quả); ± là sai số Monte Carlo (một độ lệch chuẩn).",
        "en": "Probabilities are conditional: they reflect only the stated uncertainty of the assumptions "
              "(the 90 % intervals of transition rates, costs and effects); ± is the Monte Carlo error (one "
              "standard error)."},
    "sensitivity_title": {"vi": "Kết quả phụ thuộc vào điều gì: chỉ số Sobol của mức giảm tỷ lệ hộ nghèo bình quân năm",
                          "en": "What the answer depends on: Sobol indices of the average yearly fall of the poor rate"},
    "sensitivity_parameter": {"vi": "Tham số", "en": "Parameter"},
    "sensitivity_first": {"vi": "Chỉ số bậc 1 (S1)", "en": "First order (S1)"},
    "sensitivity_total": {"vi": "Chỉ số toàn phần (ST)", "en": "Total (ST)"},
    "sensitivity_conf": {"vi": "± (khoảng 95 %)", "en": "± (95 % interval)"},
    "sensitivity_setup": {"vi": "{target}: {n} lần tính đường kỳ vọng (Saltelli, {base} mẫu gốc, {k} tham số), "
                                "xác suất đạt chỉ tiêu {p}.",
                          "en": "{target}: {n} expected-path runs (Saltelli, {base} base samples, {k} parameters); "
                                "probability of meeting the target {p}."},
    "sensitivity_prim_title": {"vi": "Khi nào chỉ tiêu không đạt: vùng giả định (PRIM)",
                               "en": "When the target fails: ranges of assumptions (PRIM)"},
    "sensitivity_prim_box": {"vi": "Trong vùng này {density} số lần tính không đạt chỉ tiêu; vùng chứa {coverage} "
                                   "số lần không đạt và {mass} mọi lần tính.",
                             "en": "Inside this box {density} of the runs miss the target; the box holds {coverage} of "
                                   "all misses and {mass} of all runs."},
    "sensitivity_prim_none": {"vi": "Không tìm được vùng giả định nào: chỉ tiêu {state} ở gần như mọi lần tính.",
                              "en": "No box found: the target is {state} in almost every run."},
    "sensitivity_cost": {"vi": "Định mức chi phí: {instrument}", "en": "Cost per household: {instrument}"},
    "sensitivity_effect": {"vi": "{instrument}: {effect}", "en": "{instrument}: {effect}"},
    "sensitivity_uPO": {"vi": "hiệu quả thoát nghèo", "en": "effect poor → not poor"},
    "sensitivity_uPN": {"vi": "hiệu quả lên cận nghèo", "en": "effect poor → near-poor"},
    "sensitivity_uNO": {"vi": "hiệu quả thoát cận nghèo", "en": "effect near-poor → not poor"},
    "sensitivity_dNP": {"vi": "hiệu quả giảm tái nghèo", "en": "effect against falling back"},
    "sensitivity_state_met": {"vi": "đạt", "en": "met"},
    "sensitivity_state_missed": {"vi": "không đạt", "en": "missed"},
    "sensitivity_low": {"vi": "từ", "en": "from"},
    "sensitivity_high": {"vi": "đến", "en": "to"},
    "sensitivity_chart_title": {"vi": "Điều gì quyết định việc đạt chỉ tiêu", "en": "What decides whether the target is met"},
    "sensitivity_chart_x": {"vi": "Phần phương sai của mức giảm bình quân năm", "en": "Share of the variance of the yearly fall"},
    # -- issue 10: notes on what a run leaves out, guard and honest labels ---------------------
    "note_scenario_before_baseline": {
        "vi": "Lưu ý: nguồn lực của kịch bản cấp năm {years} tác động vào năm {year} hoặc trước đó, "
              "trước hoặc trùng năm gốc: không được tính (kiểm tra năm nếu gõ nhầm).",
        "en": "Note: scenario resources given in {years} act in {year} or before, the baseline year or "
              "earlier: they are not used (check the years if this is a typing slip)."},
    "note_scenario_after_horizon": {
        "vi": "Lưu ý: nguồn lực của kịch bản cấp năm {years} tác động sau năm {until}, ngoài thời kỳ "
              "dự báo: không được tính trong lần chạy này.",
        "en": "Note: scenario resources given in {years} act after {until}, beyond the projection: "
              "not used in this run."},
    "note_scenario_no_resources": {
        "vi": "Lưu ý: kịch bản không có nguồn lực nào tác động trong các năm {first}–{until}.",
        "en": "Note: the scenario has no resources acting in {first}–{until}."},
    "note_horizon_past_resources": {
        "vi": "Lưu ý: nguồn lực của kịch bản chỉ tác động đến năm {last}; các năm {first}–{until} được dự báo "
              "không có nguồn lực chương trình.",
        "en": "Note: the scenario's resources act until {last}; {first}–{until} are projected with no "
              "programme resources."},
    "note_horizon_past_reorganisation": {
        "vi": "Lưu ý: dự báo đến năm {until} vẫn theo các xã, thị trấn của năm gốc; việc sắp xếp đơn vị "
              "hành chính từ {date} không được áp dụng.",
        "en": "Note: the projection to {until} keeps the baseline's communes; the administrative "
              "reorganisation of {date} is not applied."},
    "note_horizon_past_standard": {
        "vi": "Lưu ý: từ năm {first} áp dụng chuẩn nghèo {name}; dự báo đến năm {until} vẫn dùng các tỷ lệ "
              "theo chuẩn {base} của năm gốc.",
        "en": "Note: from {first} the poverty standard {name} applies; the projection to {until} keeps the "
              "rates of the baseline's standard {base}."},
    "commune_targets_proposed_title": {"vi": "Chỉ tiêu đề xuất cho từng xã ({how})",
                                       "en": "Proposed target of each commune ({how})"},
    # -- check --targets: a threshold of any kind ---------------------------------------------
    "target_threshold_by_kind": {"vi": "Ngưỡng chỉ tiêu (điểm %/năm; mức cần đạt: %)",
                                 "en": "Threshold (points a year; for a level: %)"},
}
