"""One owner for the app's words and formats (English / 中文); the language lives in session state.

Every label, table header, axis and legend title, code word (busy class, role,
scenario ...), weekday, date and clock format the pages show goes through this
module, so a Chinese store manager meets no English apart from data (hall,
staff and transaction names). Pages never format a date or name a column
themselves.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

LANGUAGES: dict[str, str] = {"en": "English", "zh": "中文"}

_TEXT: dict[str, tuple[str, str]] = {
    "page_forecast": ("Hall forecast", "客流预测"),
    "page_roster": ("Roster", "排班"),
    "page_nudges": ("Nudges & kiosks", "错峰与自助分流"),
    "page_region": ("Region", "区域对比"),
    "page_data": ("Data", "数据"),
    "modelcheck_title": ("Wait model against what happened", "等候模型与实际对比"),
    "modelcheck_caption": (("The hall's own log: the last 7 days, which no fitting saw, against "
                            "the waits each model predicts at the staffing observed in the log "
                            "(same figures as `queueopt modelcheck`)."),
                           "本厅自己的取号记录：用未参与拟合的最后7天，对比各模型在记录所示在岗人数下预测的等候"
                           "（与命令行模型检查的结果相同）。"),
    "modelcheck_hall": ("Hall to check", "要检查的营业厅"),
    "modelcheck_toggle": ("Check the wait model against this hall's log (a few seconds)",
                          "用本厅记录检查等候模型（需几秒）"),
    "modelcheck_spinner": ("Checking the wait model...", "正在检查等候模型……"),
    "modelcheck_fit": (("Correction staffing uses: handling time x{factor:.2f}, patience "
                        "{patience:.1f} min, fitted on {fit_from} to {fit_to}; judged on "
                        "{first} to {last}. Noise floor of one hour's shares: service level "
                        "{sl:.1f} points, abandonment {ab:.1f} points."),
                       ("排班所用的校正：办理时长 x{factor:.2f}，耐心 {patience:.1f} 分钟，"
                        "拟合期 {fit_from} 至 {fit_to}；检验期 {first} 至 {last}。"
                        "单小时比例的噪声下限：服务水平 {sl:.1f} 个百分点，放弃率 {ab:.1f} 个百分点。")),
    "modelcheck_hour": ("**By hour** of the held-out days", "**按小时**（检验期）"),
    "modelcheck_day": ("**By day** of the held-out days", "**按天**（检验期）"),
    "modelcheck_csv": ("Download the check (CSV)", "下载检查结果（CSV）"),
    # -- formats and units
    "per_interval": ("{n:.0f} per {m} min", "每{m}分钟{n:.0f}人"),
    "minutes_value": ("{v:.1f} min", "{v:.1f} 分钟"),
    "minutes": ("minutes", "分钟"),
    "hour_of_day": ("Hour of day", "时段（点）"),
    "clock_time": ("Time of day", "时刻"),
    "staff_count": ("Staff", "人数"),
    "day": ("Day", "日期"),
    "month_end_mark": ("month-end", "月末"),
    "language_picker": ("Language / 语言", "语言 / Language"),
    "no_kiosks_help": ("This hall has no kiosks.", "本厅没有自助终端。"),
    # -- forecast page
    "forecast_band": ("80% prediction band", "80%预测区间"),
    "forecast_line": ("Forecast", "预测值"),
    "series": ("Series", "数据系列"),
    "peak_caption": (("The busiest {h} consecutive hours of each day (the peak), with the "
                     "expected wait at the planned counters."),
                     "每天最忙的连续{h}小时（高峰），及按计划开窗的预计等候。"),
    "wait_legend": ("Wait (min)", "等候（分钟）"),
    # -- roster page
    "roster_by_day": ("Who works when, by day", "按日查看班次"),
    "roster_day_pick": ("Day", "日期"),
    "roster_caption": ("Each bar is one shift of that day; gaps inside a bar are breaks.",
                       "每条为当天一个班次；条中的空隙为休息。"),
    "on_shift": ("On shift", "在岗"),
    "on_break": ("Break", "休息"),
    "lock_caption": (("Tick 'lock' on shifts to keep, edit times if needed, then re-optimise "
                     "the rest."), "勾选“锁定”保留班次，可修改时间，然后重新优化其余班次。"),
    "your_name": ("Your name", "您的姓名"),
    "published": ("Published as version {v}.", "已发布为第{v}版。"),
    "last_published": ("Last published: version {v} by {who} at {when}.",
                       "最近发布：第{v}版，{who}，{when}。"),
    "plan_summary": (("{hours:.1f} staff-hours, {bound} ({status}, {secs:.1f} s). Predicted "
                     "service level {sl:.1%} ({target}); {short:.0f} staff-minutes uncovered."),
                     ("共{hours:.1f}人时，{bound}（{status}，{secs:.1f}秒）。"
                     "预计服务水平{sl:.1%}（{target}）；{short:.0f}人分钟无人覆盖。")),
    "bound_gap": ("{gap:.1%} above the lower bound {lb:.1f} h", "比下界{lb:.1f}小时高{gap:.1%}"),
    "bound_no_gap": ("lower bound {lb:.1f} h (no gap while staff-minutes are uncovered)",
                     "下界{lb:.1f}小时（有未覆盖时段，不计差距）"),
    "bound_none": ("no lower bound (some day cannot be covered)", "无下界（某天无法完全覆盖）"),
    "status_optimal": ("proved optimal", "已证明最优：人时等于下界"),
    "status_feasible": ("best found within the work limit", "求解时限内找到的最好排班，未证明最优"),
    "status_wall_limit": ("stopped by the wall-clock limit", "因运行时间上限停止，未证明最优；重新运行可能得到不同排班"),
    "status_no_roster": ("no roster found", "未找到排班"),
    "status_other": ("solver status {s}", "求解状态 {s}"),
    "service_target": ("{sl:.0%} within {th:g} min", "{th:g}分钟内办理{sl:.0%}"),
    "progress_start": ("Planning…", "正在排班…"),
    # -- nudges page
    "figure": ("Figure", "指标"),
    "change": ("Change", "变化"),
    "whatif_caption": (("Waits at the same counters as before (the lever's own effect); "
                       "staff-hours when the changed demand is staffed to the target."),
                       "等候按调整前的开窗数计算（仅反映措施本身的效果）；人时为按目标重新配置后的人时。"),
    "kiosks_title": ("Kiosks: how many to add", "自助终端配置"),
    "kiosks_now": ("{now} now → {rec} recommended.", "现有{now}台 → 建议{rec}台。"),
    "kiosk_caption": (("Counter staff-hours per week when kiosk customers who would wait past the "
                      "target go to a counter instead; kiosk waits in minutes."),
                      "自助终端客户等候超过目标时改去柜台，按此计算的每周柜台人时；自助终端等候以分钟计。"),
    "kiosk_csv": ("Kiosk options (CSV)", "自助终端方案 (CSV)"),
    "policies_title": ("Peak policies, simulated", "高峰策略仿真"),
    "demand_factor": ("Demand vs forecast", "实际客流与预测之比"),
    "demand_factor_help": (("Simulate a quieter or busier week than forecast at the planned "
                           "counters."), "按计划开窗，仿真比预测更闲或更忙的一周。"),
    "emergency_after": ("Emergency counter opens after (min)", "应急窗口开启条件：队首等候（分钟）"),
    "simulate_toggle": ("Simulate fast lane and emergency counter", "仿真快速通道与应急窗口"),
    "simulating": ("Simulating 20 weeks per scenario…", "每种方案仿真20周…"),
    "policies_caption": (("Waits in minutes, hours per week; low/high: 95% interval over "
                         "simulated weeks; wait change: vs the first column, paired."),
                         ("等候以分钟计，时长为每周小时；下限/上限：各仿真周的95%区间；"
                         "等候变化：相对第一列（配对比较）。")),
    "fast_lane_title": ("Fast lane for quick transactions vs pooled counters",
                        "快速业务专窗与统一排队对比"),
    "emergency_title": ("Duty manager's emergency counter", "值班经理应急窗口"),
    "poster_title": ("Poster", "海报"),
    "poster_pdf": ("Poster (PDF)", "海报 (PDF)"),
    "poster_png": ("Poster (PNG)", "海报 (PNG)"),
    "scenario_title": ("Save this scenario", "保存方案"),
    "scenario_name": ("Scenario name", "方案名称"),
    "scenario_default": ("{hall} what-if", "{hall} 假设分析"),
    "save_scenario": ("Save scenario", "保存方案"),
    "scenario_saved": ("Saved scenario '{name}' as version {v}.", "方案“{name}”已保存为第{v}版。"),
    "scenario_versions": ("Saved versions: {n}; latest by {who} at {when}.",
                          "已保存{n}个版本；最新由{who}于{when}保存。"),
    "conflict": ("{msg}", "第{v}版已在您载入后由他人保存；请重新载入，重新修改后再保存。"),
    "store_unavailable": ("Saved work is unavailable: {err}", "无法访问已保存的数据：{err}"),
    # -- region page
    "region_caption": ("{rule}. Gains: customer-minutes of waiting saved on a typical day.",
                       "{rule}。收益：典型一天节省的客户等候分钟数。"),
    "busy_rule": (("super-busy: mean wait ≥ {w1:g} min or busy-hour utilisation ≥ {u1:.2f}; "
                  "busy: ≥ {w2:g} min or ≥ {u2:.2f}"),
                  "超忙：平均等候≥{w1:g}分钟或高峰小时利用率≥{u1:.2f}；较忙：≥{w2:g}分钟或≥{u2:.2f}"),
    "observed_wait_axis": ("Observed mean wait, last 4 weeks (min)", "近4周实际平均等候（分钟）"),
    "predicted_vs_observed": (("Next week (predicted) vs last 4 weeks (observed): mean wait, "
                              "minutes"), "下周（预测）与近4周（实际）平均等候对比（分钟）"),
    "predicted_caption": (("Predicted: next week's arrival-weighted mean wait at the required "
                           "counters, by {method}. Switch on the plan's method below for the "
                           "wait the roster is planned for."),
                          ("预测值：下周按需求开窗时的平均等候（按到店人数加权），计算方法为{method}。"
                          "打开下方开关可按排班计划的方法计算。")),
    "plan_waits_toggle": ("Predict as the plan does (simulation, about a minute)",
                          "按排班计划的方法预测（仿真，约一分钟）"),
    "plan_waits_spinner": ("Simulating next week for every hall…", "正在仿真各营业厅的下周…"),
    "wait_kind": ("Wait", "等候"),
    "kiosk_rank_title": ("Where one more kiosk saves most", "新增自助终端收益排名"),
    "kiosk_rank_toggle": ("Rank halls for one more kiosk", "按新增一台自助终端的收益排序"),
    "kiosk_rank_spinner": ("Sizing kiosks for every hall…", "正在为各营业厅测算自助终端…"),
    "kiosk_rank_caption": (("Counter staff-hours saved per week by one more kiosk (kiosk "
                           "customers who would wait past the target go to a counter), then "
                           "customer-minutes of kiosk wait saved."),
                           ("新增一台自助终端每周节省的柜台人时（等候超过目标的自助客户改去柜台），"
                           "其次为节省的自助终端等候客户分钟数。")),
    "kiosk_rank_csv": ("Kiosk ranking (CSV)", "自助终端排名 (CSV)"),
    "region_busy_title": ("Busy class", "繁忙等级"),
    # -- data page / state
    "upload_ok": ("{halls} halls, {staff} staff: using your uploaded data.",
                  "{halls}个营业厅、{staff}名员工：正在使用您上传的数据。"),
    "bad_data_dir": (("{path} cannot be used ({first}). Showing the sample region; "
                     "`queueopt validate` lists every problem."),
                     "{path} 无法使用（{first}）。现显示示例区域；`queueopt validate` 可列出全部问题。"),
    "region": ("Region", "区域"),
    "hall": ("Hall", "营业厅"),
    "data_source": ("Data", "数据来源"),
    "forecast_title": ("Next week's footfall", "下周客流预测"),
    "forecast_caption": (("Arrivals per 15 minutes with the 80% prediction band; month-end days "
                         "and public holidays are marked."),
                         "每15分钟到店人数及80%预测区间；标出月末与法定节假日。"),
    "peak_hours": ("Peak hours", "高峰时段"),
    "wait_heatmap": ("Expected wait by day and hour (minutes, planned counters)",
                     "按日期与小时的预计等候（分钟，按计划开窗）"),
    "arrivals": ("Arrivals", "到店人数"),
    "week_total": ("Customers expected this week", "本周预计客流"),
    "busiest": ("Busiest interval", "最忙时段"),
    "generate": ("Generate roster", "生成排班"),
    "reoptimise": ("Re-optimise around locked shifts", "保留锁定班次并重新优化"),
    "publish": ("Publish roster", "发布排班"),
    "roster_none": ("No roster yet: generate one for the week after the data ends.",
                    "尚无排班：点击生成下周排班。"),
    "cover_chart": ("Requirement vs staff on duty", "需求与在岗人数"),
    "download_csv": ("Download roster (CSV)", "下载排班 (CSV)"),
    "download_xlsx": ("Download roster (Excel, printable)", "下载排班 (Excel，可打印)"),
    "week_view": ("Printable week view", "周排班表（可打印）"),
    "shift_share": ("Share of busy-hour customers who come at the quiet time",
                    "高峰客户改到空闲时段的比例"),
    "kiosk_adoption": ("Kiosk adoption of eligible transactions", "可自助业务的自助终端使用率"),
    "pause_cross_sell": ("Pause cross-selling all day", "全天暂停营销推荐"),
    "before": ("Before", "调整前"),
    "after": ("After", "调整后"),
    "messages": ("Messages to customers", "客户提示短信"),
    "download_messages": ("Download messages (CSV)", "下载短信 (CSV)"),
    "region_title": ("Halls ranked by how busy they are", "营业厅繁忙程度排名"),
    "download_xlsx_table": ("Download table (Excel)", "下载表格 (Excel)"),
    "download_csv_table": ("Download table (CSV)", "下载表格 (CSV)"),
    "upload": ("Upload your CSV files (README formats) and policy.toml",
               "上传 CSV 文件（格式见 README）与 policy.toml"),
    "validate": ("Validate and use", "校验并使用"),
    "using_sample": ("Using the bundled sample region.", "正在使用内置示例区域数据。"),
    "using_upload": ("Using your uploaded data.", "正在使用您上传的数据。"),
    "problems": ("Problems found: nothing was replaced", "发现问题：未替换当前数据"),
    "back_to_sample": ("Back to the sample data", "恢复示例数据"),
    "staff_hours": ("Staff-hours", "人时"),
    "mean_wait": ("Mean wait (min)", "平均等候（分钟）"),
    "worst_wait": ("Worst interval wait (min)", "最差时段等候（分钟）"),
    "meet_share": ("Intervals meeting target", "达标时段占比"),
    "kiosk_worst_wait": ("Worst kiosk wait (min)", "自助终端最长等候（分钟）"),
    # -- Today page (live hall mode)
    "page_today": ("Today", "今日实况"),
    "today_title": ("Today in the hall", "今日厅堂实况"),
    "today_caption": ("{day} at {now}: the queue now, the wait to tell a customer who takes a "
                      "ticket now and what to do in the next two hours. Refreshes every {s} s.",
                      "{day} {now}：当前排队、此刻取号客户应告知的等候时间，以及未来两小时的建议。"
                      "每{s}秒自动刷新。"),
    "today_source": ("Today's tickets", "今日取号数据"),
    "today_upload": ("Upload today's ticket log so far (tickets.csv columns)",
                     "上传今日截至目前的取号记录（tickets.csv 格式）"),
    "today_demo": ("No live feed: replaying the last day of the log ({day}) as if it were today.",
                   "未接入实时数据：以日志最后一天（{day}）模拟今日。"),
    "today_feed": ("Live feed: {file}", "实时数据：{file}"),
    "today_uploaded": ("Your uploaded log of {day}.", "您上传的{day}取号记录。"),
    "today_clock": ("Time of day (demo)", "模拟时刻"),
    "today_waiting": ("Waiting now", "正在等候"),
    "today_counters": ("Counters open (serving)", "开放柜台（服务中）"),
    "today_issued": ("Tickets today", "今日取号"),
    "today_served": ("Served", "已办结"),
    "today_left": ("Left without service", "未办理离开"),
    "today_nobody": ("Nobody is waiting.", "当前无人等候。"),
    "today_queue": ("The queue now", "当前排队"),
    "today_announce": ("Wait to announce for a ticket taken now (minutes)",
                       "此刻取号应告知的等候时间（分钟）"),
    "today_announce_caption": ("The announced wait and its 80% range; in the replays of past days "
                               "the range held about 8 in 10 actual waits.",
                               "告知的等候时间及80%区间；在历史回放中约十分之八的实际等候落在区间内。"),
    "today_next": ("The next two hours", "未来两小时"),
    "today_advice": ("Recommendation", "建议"),
    "today_keep": ("Keep the counters as they are.", "保持现有柜台开放。"),
    "today_act_open": ("Open {n} more counter(s) from {a}, closing when nobody waits "
                       "(needed until {b})",
                       "{a}起加开{n}个柜台，无人排队即关闭（{b}前需要）"),
    "today_act_close": ("Close {n} counter(s) from {a} (quiet until {b})",
                        "{a}起可关闭{n}个柜台（{b}前客流较少）"),
    "today_act_emergency": ("Open the emergency counter now ({a}): the duty manager serves",
                            "立即开放应急窗口（{a}）：值班经理上柜"),
    "today_act_pause_cross_sell": ("Pause cross-selling from {a} until {b}",
                                   "{a}至{b}暂停营销推荐"),
    "today_act_quiet_hours": ("Send the quiet-hours message: busy until {b}; suggest coming "
                              "later or using a kiosk or the app",
                              "发送错峰提示短信：{b}前较忙，建议稍后再来或使用自助终端、手机营业厅"),
    "today_rest": ("Rest of today: customers per interval", "今日剩余时段客流（每时段人数）"),
    "today_forecast": ("this morning's forecast", "早间预测"),
    "today_updated": ("updated with today so far", "按今日实况修正"),
    "today_seen": ("seen so far", "已到店"),
    "today_staff": ("Who can take a counter", "可上柜人员"),
    "today_no_roster": ("No published roster for this week: publish one on the Roster page to "
                        "see who can take a counter.",
                        "本周尚未发布排班：在排班页发布后可查看可上柜人员。"),
    "today_col_type": ("Transaction", "业务类型"),
    "today_col_tier": ("Customer", "客户类别"),
    "today_col_counter": ("Counter wait", "柜台等候"),
    "today_col_counter_range": ("80% range", "80%区间"),
    "today_col_kiosk": ("Kiosk wait", "自助终端等候"),
    "today_col_kiosk_range": ("Kiosk 80% range", "自助终端80%区间"),
    "today_col_channel": ("Queue", "队列"),
    "today_col_waiting": ("Waiting", "等候人数"),
    "today_col_longest": ("Longest wait (min)", "最长等候（分钟）"),
    "today_col_interval": ("From", "时段"),
    "today_col_arrivals": ("Customers expected", "预计客户"),
    "today_col_planned": ("Counters planned", "计划柜台"),
    "today_col_needed": ("Counters needed", "所需柜台"),
    "today_col_advised": ("Counters advised", "建议柜台"),
    "today_col_wait_planned": ("Wait as planned (min)", "按计划等候（分钟）"),
    "today_col_wait_advised": ("Wait as advised (min)", "按建议等候（分钟）"),
    "today_col_name": ("Name", "姓名"),
    "today_col_status": ("Where", "状态"),
    "today_col_until": ("Until", "至"),
    "today_regular": ("regular", "普通客户"),
    "today_vip": ("VIP", "VIP客户"),
    "today_counter_q": ("counter", "柜台"),
    "today_kiosk_q": ("kiosk", "自助终端"),
    "today_st_at a counter": ("at a counter", "在柜台"),
    "today_st_on the floor": ("on the floor", "大堂值守"),
    "today_st_leading the shift": ("leading the shift", "值班经理"),
    "today_st_on a break": ("on a break", "休息中"),
    "today_st_off duty": ("off duty", "不在班"),
    "today_time": ("Time", "时间"),
    "today_series": ("Series", "数据系列"),
    "today_customers": ("Customers", "客户数"),
    "today_no_log": ("This hall has no ticket log: live mode reads one.",
                     "该营业厅没有取号记录：实时模式需要取号数据。"),
}

_COLUMNS: dict[str, tuple[str, str]] = {
    # forecast page
    "day": ("Day", "日期"), "window": ("Peak hours", "高峰时段"),
    "arrivals": ("Customers", "客户数"), "expected_wait": ("Expected wait (min)", "预计等候（分钟）"),
    "hour": ("Hour", "时段"), "wait": ("Wait (min)", "等候（分钟）"),
    "interval_start": ("Time", "时间"), "lo80": ("Low (80%)", "下限（80%）"),
    "hi80": ("High (80%)", "上限（80%）"),
    # what-if figures (rows) and columns
    "figure": ("Figure", "指标"), "before": ("Before", "调整前"), "after": ("After", "调整后"),
    "change": ("Change", "变化"),
    "mean_wait": ("Mean wait (min)", "平均等候（分钟）"),
    "worst_interval_wait": ("Worst interval wait (min)", "最差时段等候（分钟）"),
    "share_meeting_target": ("Share of intervals meeting the target", "达标时段占比"),
    "kiosk_mean_wait": ("Kiosk mean wait (min)", "自助终端平均等候（分钟）"),
    "kiosk_worst_wait": ("Kiosk worst wait (min)", "自助终端最长等候（分钟）"),
    "staff_hours": ("Staff-hours", "人时"),
    # kiosk options
    "kiosks": ("Kiosks", "自助终端数"), "kiosk_adoption": ("Kiosk adoption", "自助使用率"),
    "kiosk_customers": ("Kiosk customers", "自助客户数"),
    "overflow_to_counters": ("Overflow to counters", "转到柜台的客户"),
    "counter_staff_hours": ("Counter staff-hours", "柜台人时"),
    "staff_hours_saved": ("Staff-hours saved", "节省人时"),
    "marginal_staff_hours": ("Saved by this kiosk", "本台节省人时"),
    "kiosk_share_meeting_target": ("Kiosk intervals meeting target", "自助终端达标时段占比"),
    # peak policies (rows after transposing)
    "manager_hours": ("Manager hours at the emergency counter", "经理应急窗口工时"),
    "mean_wait_low": ("Mean wait, low (min)", "平均等候下限（分钟）"),
    "mean_wait_high": ("Mean wait, high (min)", "平均等候上限（分钟）"),
    "quick_mean_wait": ("Quick transactions' mean wait (min)", "快速业务平均等候（分钟）"),
    "other_mean_wait": ("Other transactions' mean wait (min)", "其他业务平均等候（分钟）"),
    "service_level": ("Service level", "服务水平"),
    "service_level_low": ("Service level, low", "服务水平下限"),
    "service_level_high": ("Service level, high", "服务水平上限"),
    "abandonment": ("Abandonment", "放弃率"),
    "wait_change_low": ("Wait change, low (min)", "等候变化下限（分钟）"),
    "wait_change_high": ("Wait change, high (min)", "等候变化上限（分钟）"),
    # region
    "rank": ("Rank", "排名"), "hall_id": ("Hall", "营业厅编号"), "name": ("Name", "名称"),
    "region": ("Region", "区域"), "kind": ("Kind", "类型"), "counters": ("Counters", "柜台数"),
    "customers_per_day": ("Customers per day", "日均客户数"),
    "mean_handle_minutes": ("Mean handling time (min)", "平均办理时长（分钟）"),
    "observed_mean_wait": ("Observed mean wait (min)", "实际平均等候（分钟）"),
    "predicted_mean_wait": ("Predicted mean wait next week, formulas (min)",
                            "下周预测平均等候，公式（分钟）"),
    "plan_mean_wait": ("Predicted mean wait next week, as planned (min)",
                       "下周预测平均等候，排班计划方法（分钟）"),
    "observed_within_threshold": ("Observed share within threshold", "实际达标客户占比"),
    "busy_hour_utilisation": ("Busy-hour utilisation", "高峰小时利用率"),
    "busy_class": ("Busy class", "繁忙等级"),
    "counter_gain_minutes": ("Gain of one more counter (customer-min)", "加一个柜台的收益（客户分钟）"),
    "kiosk_gain_minutes": ("Gain of one more kiosk (customer-min)", "加一台自助终端的收益（客户分钟）"),
    "best_lever": ("Best lever", "最佳措施"),
    "kiosk_wait_saved": ("Kiosk customer-minutes saved", "节省的自助等候客户分钟"),
    "kiosk_mean_wait_now": ("Kiosk mean wait now (min)", "自助终端现平均等候（分钟）"),
    "kiosk_mean_wait_after": ("Kiosk mean wait with one more (min)",
                              "加一台后自助终端平均等候（分钟）"),
    # roster
    "staff_id": ("Staff", "员工"), "date": ("Date", "日期"), "start": ("Start", "开始"),
    "end": ("End", "结束"), "breaks": ("Breaks", "休息"), "role": ("Role", "岗位"),
    "paid_hours": ("Paid hours", "计薪小时"), "lock": ("Lock", "锁定"),
    "required": ("Required", "需求人数"), "on_duty": ("On duty", "在岗人数"),
    "counters_open": ("Counters open", "开放柜台"), "floor": ("Floor duty", "大堂值守"),
    "staff": ("Staff", "人数"), "series": ("Series", "数据系列"),
    # data page
    "file": ("File", "文件"), "row": ("Row", "行"), "column": ("Column", "列"),
    "problem": ("Problem", "问题"),
    "text": ("Message", "短信内容"), "language": ("Language", "语言"),
    "model": ("Model", "模型"),
    "mean_wait_bias": ("Mean-wait bias (share)", "平均等候偏差（比例）"),
    "mean_wait_corr": ("Correlation with observed waits", "与实际等候的相关系数"),
    "service_level_mae": ("Service-level MAE (share)", "服务水平平均绝对误差（比例）"),
    "abandonment_mae": ("Abandonment MAE (share)", "放弃率平均绝对误差（比例）"),
    "intervals": ("Intervals", "时段数"),
}

_WORDS: dict[str, tuple[str, str]] = {
    # wait models checked against the log (queueopt.modelcheck)
    "erlang_c": ("Erlang C", "Erlang C 模型"), "erlang_a": ("Erlang A", "Erlang A 模型"),
    "erlang_a_corrected": ("Erlang A, corrected (staffing starts from it)",
                           "Erlang A 校正后（排班的起点）"),
    "simulation_corrected": ("Simulation, corrected (the plan's figures)",
                             "仿真 校正后（排班方案所示）"),
    # busy classes, hall kinds, levers
    "super-busy": ("super-busy", "超忙"), "busy": ("busy", "较忙"), "normal": ("normal", "正常"),
    "main": ("main", "自营厅"), "cooperative": ("cooperative", "合作厅"),
    "franchise": ("franchise", "加盟厅"),
    "one more counter": ("one more counter", "加一个柜台"),
    "one more kiosk": ("one more kiosk", "加一台自助终端"),
    # roles
    "counter": ("counter", "柜台"), "vip": ("VIP counter", "VIP柜台"),
    "floor": ("floor guide", "大堂引导"), "lead": ("duty manager", "值班经理"),
    # chart series
    "required": ("required", "需求人数"), "on_duty": ("on duty", "在岗人数"),
    "counters_open": ("counters open", "开放柜台"),
    "observed_mean_wait": ("observed, last 4 weeks", "近4周实际"),
    "predicted_mean_wait": ("predicted next week, formulas (SIPP)", "下周预测（公式 SIPP）"),
    "plan_mean_wait": ("predicted next week, as the plan computes it", "下周预测（排班计划方法）"),
    "forecast": ("forecast", "预测值"), "band": ("80% band", "80%区间"),
    # peak-policy scenarios
    "pooled": ("pooled", "统一排队"), "pooled, same headcount": ("pooled, same headcount",
                                                              "统一排队（同等人数）"),
    "fast lane": ("fast lane", "快速通道"), "as planned": ("as planned", "按计划"),
    "emergency counter": ("emergency counter", "应急窗口"),
    # methods
    "auto": ("formulas repaired by simulation", "公式结合仿真校正"),
    "sipp": ("stationary formulas (SIPP)", "分段平稳公式 (SIPP)"),
    "none": ("none", "无"),
    "month-end": ("month-end", "月末"), "holiday": ("holiday", "节假日"),
}

_WEEKDAYS: dict[str, tuple[str, ...]] = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
}


def lang() -> str:
    """The selected language code."""
    code = st.session_state.get("lang", "en")
    return code if code in LANGUAGES else "en"


def _pick(pair: tuple[str, str], code: str | None = None) -> str:
    return pair[1] if (code or lang()) == "zh" else pair[0]


def t(key: str, **values: Any) -> str:
    """The label ``key`` in the selected language, formatted with ``values`` (unknown: the key)."""
    pair = _TEXT.get(key)
    if pair is None:
        return key
    text = _pick(pair)
    return text.format(**values) if values else text


def word(code: str) -> str:
    """A code word of the package (busy class, role, scenario, series ...) in words."""
    pair = _WORDS.get(str(code))
    return _pick(pair) if pair else str(code)


def header(column: str) -> str:
    """A table column or figure name (``snake_case`` in the package) as a header."""
    pair = _COLUMNS.get(str(column))
    return _pick(pair) if pair else str(column)


def headers(frame: pd.DataFrame, *, index: bool = False, words: Iterable[str] = ()) -> pd.DataFrame:
    """``frame`` with translated column headers (and index labels when ``index``); the
    values of the columns named in ``words`` are translated with :func:`word`."""
    out = frame.copy()
    for col in words:
        if col in out.columns:
            out[col] = out[col].map(word)
    if index:
        out.index = [header(i) for i in out.index]
    out.columns = [header(c) if isinstance(c, str) else c for c in out.columns]
    return out


def weekday(day: dt.date | pd.Timestamp) -> str:
    """Short weekday name: ``Thu`` / ``周四``."""
    return _WEEKDAYS[lang()][day.weekday()]


def day_label(day: dt.date | pd.Timestamp) -> str:
    """A day: ``Thu 11-26`` / ``11月26日 周四``."""
    if lang() == "zh":
        return f"{day.month}月{day.day}日 {weekday(day)}"
    return f"{weekday(day)} {day.month:02d}-{day.day:02d}"


def slot_label(ts: pd.Timestamp | dt.datetime) -> str:
    """An interval start: ``Thu 10:30`` / ``周四 10:30``."""
    return f"{weekday(ts)} {ts.hour:02d}:{ts.minute:02d}"


def hour_range(hour: int) -> str:
    """A clock hour as ``10:00-11:00``."""
    return f"{hour:02d}:00-{hour + 1:02d}:00"


def date_time(value: str | dt.datetime) -> str:
    """A saved-at timestamp as ``2026-11-27 10:30`` (numbers only, both languages)."""
    ts = pd.Timestamp(value)
    return f"{ts:%Y-%m-%d %H:%M}"


def time_axis_expr(with_clock: bool = True) -> str:
    """A Vega ``labelExpr`` for a time axis in the selected language: the weekday and the
    clock (``周四 10:30``), or without the clock the day (``周四 11-26`` / ``Thu 11-26``)."""
    names = "[" + ",".join(f"'{d}'" for d in _WEEKDAYS[lang()][6:] + _WEEKDAYS[lang()][:6]) + "]"
    # Vega's day(): 0 = Sunday
    if with_clock:
        return f"{names}[day(datum.value)] + ' ' + timeFormat(datum.value, '%H:%M')"
    return f"{names}[day(datum.value)] + ' ' + timeFormat(datum.value, '%m-%d')"


def status_label(status: object) -> str:
    """The roster solver's status in words: :func:`queueopt.plan_summary.status_words` in
    English (the CLI's words), their translation in Chinese."""
    from queueopt.plan_summary import SolverStatus, status_words

    code = str(getattr(status, "value", status))
    if lang() == "zh":
        return t(f"status_{code}") if f"status_{code}" in _TEXT else t("status_other", s=code)
    try:
        return status_words(SolverStatus(code))
    except ValueError:
        return t("status_other", s=code)


# ---- sentences the package writes in English, in the selected language ---------------------
_DAY = r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\d{1,2})"


def _zh_day(name: str, num: str) -> str:
    return f"{int(num)}日{_WEEKDAYS['zh'][_WEEKDAYS['en'].index(name)]}"


def _zh_days(text: str) -> str:
    return re.sub(_DAY, lambda m: _zh_day(m.group(1), m.group(2)), text).replace(", ", "、")


_SENTENCES: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"too few counters: (\d+) staff-minutes of need above the hall's (\d+) counters "
                r"\(worst (Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\d\d:\d\d) needs (\d+)\); "
                r"the plan opens all (\d+)"),
     lambda m: (f"柜台不足：超出本厅{m[2]}个柜台的需求共{m[1]}人分钟（最紧张的"
                f"{_WEEKDAYS['zh'][_WEEKDAYS['en'].index(m[3])]} {m[4]}需要{m[5]}个）；"
                f"计划开放全部{m[6]}个柜台")),
    (re.compile(r"not rostered on counters \(no counter skill\): (.+)"),
     lambda m: f"未排到柜台（不具备柜台技能）：{m[1].replace(', ', '、')}"),
    (re.compile(r"too few staff: (\d+) staff-minutes short on (.+?); at least (\d+) of them no "
                r"roster of these staff can avoid \(availability, contract hours (\d+) h, days "
                r"per week\); the rest is left by the work limit"),
     lambda m: (f"人手不足：{_zh_days(m[2])}共缺{m[1]}人分钟；其中至少{m[3]}人分钟任何排班都无法避免"
                f"（可上班时间、合同工时{m[4]}小时、每周工作天数）；其余是求解时限所致")),
    (re.compile(r"the current kiosks meet the target(?:; one more would save ([\d.]+) counter "
                r"staff-hours a week \(< ([\d.]+)\))?"),
     lambda m: "现有自助终端已达标" + (f"；再加一台每周可节省{m[1]}柜台人时（低于{m[2]}）"
                                         if m[1] else "")),
    (re.compile(r"(\d+) more kiosk\(s\) save ([\d.]+) counter staff-hours a week; kiosk wait "
                r"([\d.]+) min on average(?:; with (\d+) kiosk\(s\) (\d+) kiosk customers go to "
                r"a counter because the kiosks are full)?"),
     lambda m: (f"增加{m[1]}台自助终端每周节省{m[2]}柜台人时；自助终端平均等候{m[3]}分钟"
                + (f"；现有{m[4]}台时有{m[5]}位自助客户因终端满员改去柜台" if m[4] else ""))),
]


def sentence(text: str, code: str | None = None) -> str:
    """A sentence the package writes in English (a scheduler's binding reason, a kiosk
    recommendation's reason), in the selected language (or ``code``); unknown sentences stay
    as written."""
    if (code or lang()) != "zh":
        return text
    for pattern, render in _SENTENCES:
        m = pattern.fullmatch(text.strip())
        if m:
            return str(render(m))
    return text


_HOLIDAYS_ZH: dict[str, str] = {
    "New Year's Day": "元旦", "Chinese New Year's Eve": "除夕",
    "Chinese New Year (Spring Festival)": "春节", "Tomb-Sweeping Day": "清明节",
    "Labor Day": "劳动节", "Dragon Boat Festival": "端午节", "Mid-Autumn Festival": "中秋节",
    "National Day": "国庆节", "Holiday": "节假日",
}
"""China's public holidays as the ``holidays`` package names them (the calendar's names)."""


def holiday_name(name: str, code: str | None = None) -> str:
    """A holiday's name from the calendar in the selected language (or ``code``): observed
    days and days off moved from a weekend are said as such."""
    if (code or lang()) != "zh" or not name:
        return name
    moved = re.fullmatch(r"Day off \(substituted from (\d\d)/(\d\d)/\d{4}\)", name)
    if moved:
        return f"调休（{int(moved[1])}月{int(moved[2])}日上班）"
    base = name.removesuffix(" (observed)")
    zh = _HOLIDAYS_ZH.get(base, base)
    return zh + ("（补休）" if base != name else "")


def words_table(keys: Mapping[str, str]) -> dict[str, str]:
    """``{code: word}`` for a set of codes (for legends with a fixed order)."""
    return {k: word(k) for k in keys}
