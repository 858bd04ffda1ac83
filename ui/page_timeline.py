"""A page's programme over time: its timeline's two totals at every month's end, charted by
stage (stacked bars in the layer's style colours), with the chart's table as CSV."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from geo.export import TABLE_FORMATS, export_filename, export_table
from layers import Total, get_layer
from layers.timeline import Timeline, timeline_table
from ui.i18n import text
from ui.page_spec import MapPage, state_key

__all__ = ["render_timeline"]

# One chart's whole height (axes and legend in it); two side by side, one above the other on a phone.
_CHART_PX = 320
_PLAIN_COLOR = "#8c9eff"  # bars of a timeline without stages (the township chart's colour)


def render_timeline(page: MapPage, lang: str) -> None:
    """The subheader, a caption saying what is shown up to which date, a chart per total, and
    the CSV of both; nothing for a page without a timeline."""
    timeline = page.timeline
    if timeline is None:
        return
    table = timeline_table(timeline)
    if table.empty:
        return
    count, value = timeline.count_total(), timeline.value_total()
    spec = get_layer(timeline.layer)
    field = spec.field(spec.style.by_field).label(lang)
    in_words = field if lang != "en" else _mid_sentence(field)
    st.subheader(text("timeline_title", lang))
    st.caption(
        text(
            "timeline_caption",
            lang,
            count=_name(count, lang),
            value=_mid_sentence(_name(value, lang)) if lang == "en" else _name(value, lang),
            by=text("timeline_by", lang, field=in_words) if timeline.stages else "",
            start=table["month_end"].iloc[0].strftime("%Y-%m"),
            end=table["month_end"].iloc[-1].isoformat(),
        )
    )
    shown = _chart_table(timeline, table, lang)
    columns = st.columns(2, gap="medium")
    for column, measure, total in ((columns[0], "count", count), (columns[1], "value", value)):
        column.altair_chart(_chart(timeline, shown, measure, total, lang, field), width="stretch")
    csv = TABLE_FORMATS["csv"]
    st.download_button(
        label=f"{text('download', lang)} {csv.label_en if lang == 'en' else csv.label_zh}",
        data=lambda: export_table(_download_table(timeline, shown, lang, field), "csv"),
        file_name=export_filename(
            f"{page.title(lang)}-{text('timeline_title', lang)}", "csv", table=True
        ),
        mime=csv.mime,
        key=state_key(page, "timeline:csv"),
        on_click="ignore",
    )


def _name(total: Total, lang: str) -> str:
    return total.label_en if lang == "en" else total.label_zh


def _mid_sentence(label: str) -> str:
    """An English label inside a sentence: 'Planned investment' → 'planned investment' (an
    acronym such as 'GDP' is kept)."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _chart_table(timeline: Timeline, table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The rows the charts draw: month as 2020-03, the stage's label and its place in order."""
    labels = {c.value: c.label(lang) for c in get_layer(timeline.layer).style.categories}
    order = {stage: index for index, stage in enumerate(timeline.stages)}
    return pd.DataFrame(
        {
            "month": [day.strftime("%Y-%m") for day in table["month_end"]],
            "stage": [labels.get(stage, "") for stage in table["stage"]],
            "order": [order.get(stage, 0) for stage in table["stage"]],
            "count": table["count"].astype(int),
            "value": table["value"].round(4),
        }
    )


def _chart(
    timeline: Timeline, shown: pd.DataFrame, measure: str, total: Total, lang: str, field: str
) -> alt.Chart:
    count, value = timeline.count_total(), timeline.value_total()
    month = text("timeline_month", lang)
    tooltip = [alt.Tooltip("month:N", title=month)]
    if timeline.stages:
        tooltip.append(alt.Tooltip("stage:N", title=field))
    tooltip += [
        alt.Tooltip("count:Q", title=count.label(lang), format=",d"),
        alt.Tooltip("value:Q", title=value.label(lang), format=",.2f"),
    ]
    encoding = {
        # One band per month (a bar fills it however many months there are); labels thinned.
        "x": alt.X(
            "month:O",
            title=month,
            axis=alt.Axis(values=_labelled(shown["month"]), labelAngle=0, labelOverlap=True),
        ),
        "y": alt.Y(f"{measure}:Q", title=total.label(lang), stack="zero"),
        "tooltip": tooltip,
    }
    if timeline.stages:
        styles = {c.value: c for c in get_layer(timeline.layer).style.categories}
        stages = [styles[stage] for stage in timeline.stages]
        encoding["color"] = alt.Color(
            "stage:N",
            title=field,
            scale=alt.Scale(
                domain=[c.label(lang) for c in stages], range=[c.color for c in stages]
            ),
            legend=alt.Legend(orient="bottom"),
        )
        encoding["order"] = alt.Order("order:Q")  # the first stage at the bottom of each bar
    else:
        encoding["color"] = alt.value(_PLAIN_COLOR)
    return alt.Chart(shown).mark_bar().encode(**encoding).properties(height=_CHART_PX)


def _labelled(months: pd.Series) -> list[str]:
    """The months named on the axis: all of a few, quarters of two years, else each January."""
    every = list(dict.fromkeys(months))
    if len(every) <= 6:
        return every
    starts = ("01", "04", "07", "10") if len(every) <= 24 else ("01",)
    return [m for m in every if m[-2:] in starts]


def _download_table(timeline: Timeline, shown: pd.DataFrame, lang: str, field: str) -> pd.DataFrame:
    """The chart's rows with the page's column titles (units in them)."""
    columns = {
        "month": text("timeline_month", lang),
        "stage": field,
        "count": timeline.count_total().label(lang),
        "value": timeline.value_total().label(lang),
    }
    if not timeline.stages:
        del columns["stage"]
    return shown[list(columns)].rename(columns=columns)
