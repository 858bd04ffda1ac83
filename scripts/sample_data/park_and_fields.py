"""The 长宝营子 park (orchards, greenhouses, factory, morel base), sweet potato, the 爱心 base."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
from shapely import affinity
from shapely.geometry import Point, Polygon, box

from geo.crs import SQUARE_METRES_PER_MU
from scripts.sample_data.common import (
    SEED,
    Township,
    allocate,
    metric_frame,
    place_rectangle,
    points_near,
    rectangle,
    township_by_code,
)


def park_layers(
    figures: dict[str, int], townships: list[Township], villages: gpd.GeoDataFrame
) -> dict[str, gpd.GeoDataFrame]:
    """The park outline with its orchard blocks, greenhouse park, factory, plus the morel base."""
    rng = np.random.default_rng(SEED + 5)
    changbao = township_by_code(townships, "211302205")
    gacha = villages[villages["name"] == "嘎岔村"].geometry.iloc[0]
    park_m2 = figures["park_area"] * SQUARE_METRES_PER_MU
    length, width = math.sqrt(park_m2 * 1.6), math.sqrt(park_m2 / 1.6)
    angle = 25.0
    for _ in range(5000):
        center = Point(gacha.x + rng.normal(0, 1500), gacha.y + rng.normal(0, 1500))
        outline = affinity.rotate(
            box(
                center.x - length / 2,
                center.y - width / 2,
                center.x + length / 2,
                center.y + width / 2,
            ),
            angle,
            origin=center,
        )
        if changbao.area.contains(outline) and not outline.intersects(gacha.buffer(200)):
            break
    else:
        raise RuntimeError("no room for the park in 长宝营子乡")
    orchard_length = length * figures["orchard_area"] / figures["park_area"]
    block_mu = [600, 560, 520, 500, 500, 470]  # illustrative blocks adding up to 3150 亩
    assert sum(block_mu) == figures["orchard_area"]
    trees = allocate(figures["orchard_trees"], np.array(block_mu, dtype=float))
    x0 = center.x - length / 2
    blocks, rows = [], []
    for number, (mu, tree_count) in enumerate(zip(block_mu, trees, strict=True), start=1):
        block_length = orchard_length * mu / figures["orchard_area"]
        block = box(x0, center.y - width / 2, x0 + block_length, center.y + width / 2)
        x0 += block_length
        blocks.append(affinity.rotate(block, angle, origin=center))
        rows.append(
            {
                "uid": f"orchard-{number}",
                "name": f"燕阳山果园{number}区",
                "name_en": f"Yanyangshan Orchard Block {number}",
                "operator": "嘎岔洪果农业合作社",
                "area_mu": round(blocks[-1].area / SQUARE_METRES_PER_MU, 2),
                "trees": int(tree_count),
            }
        )
    orchards = metric_frame(rows, blocks)
    strip_center_x = (x0 + center.x + length / 2) / 2
    strip_center = affinity.rotate(
        Point(strip_center_x, center.y + width / 4), angle, origin=center
    )
    greenhouse = rectangle(strip_center, figures["greenhouse_area"], 1.5, angle)
    factory = affinity.rotate(Point(strip_center_x, center.y - width / 4), angle, origin=center)
    morel = points_near(rng, changbao.area.buffer(-500), outline.centroid, 2500, 40)
    morel_point = next(p for p in morel if p.distance(outline) > 500)
    park = metric_frame(
        [
            {
                "uid": "park-changbao",
                "name": "长宝营子乡扶贫产业园",
                "name_en": "Changbaoyingzi Poverty-Alleviation Industrial Park",
                "town": changbao.name,
                "area_mu": round(outline.area / SQUARE_METRES_PER_MU, 2),
                "invest_wan": figures["park_investment"],
                "parts": "燕阳山生态文明建设工程、高标准温室农业科技示范园、扶贫工厂",
            }
        ],
        [outline],
    )
    greenhouses = metric_frame(
        [
            {
                "uid": "greenhouse-changbao",
                "name": "高标准温室农业科技示范园",
                "name_en": "High-Standard Greenhouse Demonstration Park",
                "town": changbao.name,
                "area_m2": round(greenhouse.area, 1),
                "invest_wan": figures["greenhouse_investment"],
            }
        ],
        [greenhouse],
    )
    sites = metric_frame(
        [
            {
                "uid": "site-factory",
                "name": "长宝营子乡扶贫工厂",
                "name_en": "Changbaoyingzi Poverty-Alleviation Factory",
                "kind": "扶贫工厂",
                "operator": "圣洪工贸有限公司",
                "town": changbao.name,
                "since": "2019-09",
                "jobs": figures["factory_jobs"],
                "wage_yuan": figures["factory_wage"],
                "rent_yuan": figures["factory_rent"],
            },
            {
                "uid": "site-morel",
                "name": "羊肚菌种植基地",
                "name_en": "Morel Mushroom Base",
                "kind": "羊肚菌基地",
                "operator": "朝阳天缘科技开发有限公司",
                "town": changbao.name,
                "since": "",
                "jobs": None,
                "wage_yuan": None,
                "rent_yuan": None,
            },
        ],
        [factory, morel_point],
    )
    return {
        "industrial_park": park,
        "orchards": orchards,
        "greenhouses": greenhouses,
        "park_sites": sites,
    }


def sweet_potato_layer(
    figures: dict[str, int], townships: list[Township], villages: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """The sweet-potato fields of 王杖子村, adding up to the reported area."""
    rng = np.random.default_rng(SEED + 6)
    village = villages[villages["name"] == "王杖子村"].iloc[0]
    township = township_by_code(townships, village["town_code"])
    field_mu = [230, 190, 170, 150, 140, 120]  # illustrative fields adding up to 1000 亩
    assert sum(field_mu) == figures["sweet_potato_area"]
    fields: list[Polygon] = []
    rows = []
    for number, mu in enumerate(field_mu, start=1):
        fields.append(
            place_rectangle(
                rng,
                township.area,
                mu * SQUARE_METRES_PER_MU,
                near=village.geometry,
                spread=1200,
                avoid=[*fields, village.geometry.buffer(150)],
            )
        )
        rows.append(
            {
                "uid": f"sweetpotato-{number}",
                "name": f"王杖子村红薯田{number}号",
                "name_en": f"Wangzhangzi Sweet-Potato Field {number}",
                "town": township.name,
                "village": village["name"],
                "operator": "惠农土地股份专业合作社",
                "area_mu": round(fields[-1].area / SQUARE_METRES_PER_MU, 2),
            }
        )
    return metric_frame(rows, fields)


def aixin_base_layer(
    figures: dict[str, int], townships: list[Township], villages: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """The 爱心果蔬基地, placed near 房中村."""
    rng = np.random.default_rng(SEED + 7)
    village = villages[villages["name"] == "房中村"].iloc[0]
    township = township_by_code(townships, village["town_code"])
    area = place_rectangle(
        rng,
        township.area,
        figures["aixin_base_area"] * SQUARE_METRES_PER_MU,
        near=village.geometry,
        spread=1000,
    )
    row = {
        "uid": "aixin-base",
        "name": "爱心果蔬基地",
        "name_en": "Aixin Fruit and Vegetable Base",
        "town": township.name,
        "operator": "区农经局",
        "crops": "高粱等经济作物",
        "area_mu": round(area.area / SQUARE_METRES_PER_MU, 2),
        "households": figures["aixin_base_households"],
        "gain_yuan": 500,
    }
    return metric_frame([row], [area])
