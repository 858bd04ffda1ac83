"""Fixtures of the hostile-upload tests: a counting listener and a watched canary folder."""

from __future__ import annotations

import pytest
from inotify_simple import INotify, flags

from tests.geo.upload_cases import SECRET, Listener


@pytest.fixture(scope="module")
def listener():
    served = Listener()
    yield served
    served.server.close()


@pytest.fixture(scope="module")
def canary(tmp_path_factory):
    """A folder outside every upload holding secret files; any open of them is recorded."""
    folder = tmp_path_factory.mktemp("canary")
    (folder / "secret.csv").write_text(f"x,y,name\n120.5,41.6,{SECRET}\n", encoding="utf-8")
    (folder / "secret.prj").write_text('GEOGCS["secret"]', encoding="utf-8")
    watch = INotify()
    watch.add_watch(str(folder), flags.OPEN | flags.ACCESS)
    yield folder, watch
    watch.close()
