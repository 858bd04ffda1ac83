"""Rebuild data/shapefiles/ from the fact tables in data/sources/, deterministically.

Published figures come from data/sources/figures.csv and are met exactly; places that
the report does not locate are placed by a seeded generator inside the right township
(see data/README.md for what is real and what is illustrative). No wall-clock input:
two runs write the same features and attributes. The builders live in scripts/sample_data/,
one module per theme.

    python scripts/build_sample_data.py [--output DIR]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.shapefile_write import write_shapefile  # noqa: E402
from scripts.sample_data.build import build_layers  # noqa: E402
from scripts.sample_data.history import write_history  # noqa: E402

DEFAULT_OUTPUT = ROOT / "data" / "shapefiles"


def main(argv: Sequence[str] | None = None) -> None:
    """Write every layer of the sample data as a shapefile set in --output."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "--history", type=Path, help="where the history CSVs go (default: history/ beside --output)"
    )
    args = parser.parse_args(argv)
    built = build_layers()
    for key, (frame, options) in built.items():
        path = write_shapefile(frame, args.output / f"{key}.shp", **options)
        print(f"{key:20s} {len(frame):6d} features -> {path.relative_to(args.output.parent)}")
    history = args.history or args.output.parent / "history"
    for path in write_history({key: frame for key, (frame, _) in built.items()}, history):
        print(f"{path.stem:20s} history        -> {path}")


if __name__ == "__main__":
    main()
