"""Settings of the upload workers' fork server, made before it loads GDAL (imported first).

GDAL registers its drivers once, when it is loaded, skipping those named in GDAL_SKIP: the
parent names every driver but the few uploads may be opened with (geo.sniff.ALLOWED_DRIVERS),
so that no upload can be opened as a VRT, a web service, a CSV of a server file, or anything
else that reads beyond the upload.  Network access is switched off for GDAL and PROJ too.
"""

from __future__ import annotations

import os

os.environ["GDAL_SKIP"] = os.environ.get("ATLAS_UPLOAD_GDAL_SKIP", "")
os.environ["OGR_SKIP"] = os.environ["GDAL_SKIP"]
os.environ["PROJ_NETWORK"] = "OFF"
os.environ["GDAL_HTTP_TIMEOUT"] = "1"
os.environ["GDAL_HTTP_MAX_RETRY"] = "0"
os.environ["CPL_VSIL_CURL_ALLOWED_EXTENSIONS"] = ".atlas-no-network"
os.environ["CPL_LOG"] = "/dev/null"  # the skip list is applied twice; its second pass only warns
