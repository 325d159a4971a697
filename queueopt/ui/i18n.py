"""Bilingual labels (English / 中文) for the app; the language lives in session state."""

from __future__ import annotations

import streamlit as st

LANGUAGES: dict[str, str] = {"en": "English", "zh": "中文"}

_TEXT: dict[str, tuple[str, str]] = {
    "page_forecast": ("Hall forecast", "客流预测"),
    "page_roster": ("Roster", "排班"),
    "page_nudges": ("Nudges & kiosks", "错峰与自助分流"),
    "page_region": ("Region", "区域对比"),
    "page_data": ("Data", "数据"),
    "region": ("Region", "区域"),
    "hall": ("Hall", "营业厅"),
    "data_source": ("Data", "数据来源"),
    "forecast_title": ("Next week's footfall", "下周客流预测"),
    "forecast_caption": ("Arrivals per 15 minutes with the 80% prediction band; month-end days "
                         "and public holidays are marked.",
                         "每15分钟到店人数及80%预测区间；标出月末与法定节假日。"),
    "peak_hours": ("Peak hours", "高峰时段"),
    "wait_heatmap": ("Expected wait by weekday and hour (minutes, planned counters)",
                     "按星期与小时的预计等候（分钟，按计划开窗）"),
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
}


def lang() -> str:
    """The selected language code."""
    code = st.session_state.get("lang", "en")
    return code if code in LANGUAGES else "en"


def t(key: str) -> str:
    """The label ``key`` in the selected language (the key itself when unknown)."""
    pair = _TEXT.get(key)
    if pair is None:
        return key
    return pair[1] if lang() == "zh" else pair[0]
