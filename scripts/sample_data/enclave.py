"""The enclave (飞地) investment projects: sites by stage, investment split to the reported totals."""

from __future__ import annotations

import geopandas as gpd
import numpy as np

from geo.crs import SQUARE_METRES_PER_MU
from scripts.sample_data.common import (
    SEED,
    Township,
    metric_frame,
    place_rectangle,
    read_source_csv,
    split_total,
    township_by_code,
)

_ENCLAVE_STAGES = (
    ("落地开工", "enclave_started"),
    ("签约", "enclave_signed"),
    ("洽谈", "enclave_negotiating"),
)
_ENCLAVE_INDUSTRIES = (
    "商贸综合体",
    "文旅康养",
    "现代物流",
    "高端装备",
    "新材料",
    "农产品加工",
    "房地产",
    "电子信息",
)


def enclave_projects_layer(figures: dict[str, int], townships: list[Township]) -> gpd.GeoDataFrame:
    """Every enclave site with its stage, investment, land, jobs and internal contact."""
    rng = np.random.default_rng(SEED + 8)
    named = read_source_csv("enclave_named.csv")
    specs: list[dict] = []
    for stage, prefix in _ENCLAVE_STAGES:
        stage_named = [r for r in named if r["status"] == stage]
        count = figures[f"{prefix}_count"] - len(stage_named)
        fixed = sum(int(r["invest_wan"]) for r in stage_named if r["invest_wan"])
        open_named = [r for r in stage_named if not r["invest_wan"]]
        remaining = figures[f"{prefix}_investment"] - fixed
        parts = count + len(open_named)
        mean = remaining / parts
        invests = split_total(rng, remaining, parts, int(mean * 0.3), int(mean * 1.7))
        for row in stage_named:
            specs.append(
                {
                    **row,
                    "invest_wan": int(row["invest_wan"]) if row["invest_wan"] else invests.pop(),
                }
            )
        for _ in range(count):
            specs.append({"status": stage, "invest_wan": invests.pop(), "industry": ""})
    rows, sites = [], []
    rural = [t for t in townships if t.kind != "街道"]
    for number, spec in enumerate(specs, start=1):
        industry = (
            spec["industry"] or _ENCLAVE_INDUSTRIES[int(rng.integers(len(_ENCLAVE_INDUSTRIES)))]
        )
        urban = industry in ("商贸综合体", "房地产", "电子信息")
        if spec.get("township_code"):
            township = township_by_code(townships, spec["township_code"])
        else:
            pool = [t for t in townships if t.kind == "街道"] if urban else rural
            township = pool[int(rng.integers(len(pool)))]
        land_mu = (
            int(spec["land_mu"])
            if spec.get("land_mu")
            else int(np.clip(spec["invest_wan"] / 120, 20, 400))
        )
        jobs = int(spec["jobs"]) if spec.get("jobs") else int(max(10, spec["invest_wan"] / 250))
        site = place_rectangle(
            rng,
            township.area.buffer(-100),
            land_mu * SQUARE_METRES_PER_MU,
            near=township.seat,
            spread=2500,
            avoid=sites,
        )
        sites.append(site)
        name = (
            spec.get("name")
            or f"{township.name.removesuffix('街道')}{industry}项目（示例{number:02d}）"
        )
        rows.append(
            {
                "uid": f"enclave-{number:03d}",
                "name": name,
                "name_en": spec.get("name_en")
                or f"Sample {industry_en(industry)} project {number:02d}",
                "status": spec["status"],
                "industry": industry,
                "indust_en": industry_en(industry),
                "town_code": township.code,
                "town": township.name,
                "invest_wan": spec["invest_wan"],
                "land_mu": round(site.area / SQUARE_METRES_PER_MU, 2),
                "jobs": jobs,
                "visitors": int(spec["visitors"]) if spec.get("visitors") else None,
                "bureau": f"第{(number - 1) % 13 + 1}飞地经济招商局",
                "contact": f"招商专员（示例）{number:03d}",
                "notes": f"内部洽谈记录（示例）：第{int(rng.integers(1, 6))}轮洽谈",
            }
        )
    return metric_frame(rows, sites)


_INDUSTRY_EN = {
    "商贸综合体": "Commercial complex",
    "文旅康养": "Tourism and wellness",
    "现代物流": "Modern logistics",
    "高端装备": "Advanced equipment",
    "新材料": "New materials",
    "农产品加工": "Agri-food processing",
    "房地产": "Real estate",
    "电子信息": "Electronics",
}


def industry_en(industry: str) -> str:
    """The English name of an enclave industry."""
    return _INDUSTRY_EN[industry]
