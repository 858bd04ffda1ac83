# Two commands do all set-up on a fresh machine:
#   make run    install what the app needs, then serve it on http://localhost:8501
#   make test   install what the tests need, then lint and run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
CHROMIUM := /usr/bin/chromium
# The store tests run against a real PostgreSQL with PostGIS, from Debian's packages.
POSTGIS := /usr/share/postgresql/15/extension/postgis.control
# The shared deployment's reverse proxy (make shared, and its test).
NGINX := /usr/sbin/nginx
# Its self-signed certificate when the office has none.
OPENSSL := /usr/bin/openssl
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
VENDOR := static/vendor/.installed

.PHONY: run test lint data assets bench shared shared-down shared-status

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

# Browser assets come from the npm registry at set-up time, never from a CDN at view time.
FONTSOURCE := assets/node_modules/@fontsource/noto-sans-sc
LEAFLET_DRAW := assets/node_modules/leaflet-draw/dist
$(VENDOR): assets/package.json assets/package-lock.json assets/licenses/leaflet-draw-MIT-LICENSE.md
	cd assets && npm ci --no-audit --no-fund --loglevel=error
	rm -rf static/vendor
	mkdir -p static/vendor/leaflet static/vendor/jquery
	cp -r assets/node_modules/leaflet/dist/leaflet.js assets/node_modules/leaflet/dist/leaflet.css \
	      assets/node_modules/leaflet/dist/images assets/node_modules/leaflet/LICENSE static/vendor/leaflet/
	cp assets/node_modules/jquery/dist/jquery.min.js assets/node_modules/jquery/LICENSE.txt static/vendor/jquery/
	# Leaflet.draw (maps/drawing.py): its script, stylesheet and toolbar sprites. The npm package
	# ships no licence file, so the MIT text from its repository is kept in assets/licenses/.
	mkdir -p static/vendor/leaflet-draw/images
	cp $(LEAFLET_DRAW)/leaflet.draw.js $(LEAFLET_DRAW)/leaflet.draw.css static/vendor/leaflet-draw/
	cp $(LEAFLET_DRAW)/images/spritesheet.png $(LEAFLET_DRAW)/images/spritesheet-2x.png \
	   $(LEAFLET_DRAW)/images/spritesheet.svg static/vendor/leaflet-draw/images/
	cp assets/licenses/leaflet-draw-MIT-LICENSE.md static/vendor/leaflet-draw/LICENSE
	# protomaps-leaflet (maps/tile_layer.py): draws a big layer's vector tiles from its PMTiles
	# archive; its browser bundle carries its own dependencies (pmtiles, vector-tile).
	mkdir -p static/vendor/protomaps-leaflet
	cp assets/node_modules/protomaps-leaflet/dist/protomaps-leaflet.js \
	   assets/node_modules/protomaps-leaflet/LICENSE static/vendor/protomaps-leaflet/
	# The CJK font: the two weights the pages use, woff2 only (the .woff fallbacks dropped).
	mkdir -p static/vendor/noto-sans-sc/files
	cat $(FONTSOURCE)/400.css $(FONTSOURCE)/700.css \
	  | sed -E "s/, url\([^)]*\.woff\) format\('woff'\)//" > static/vendor/noto-sans-sc/noto-sans-sc.css
	cp $(FONTSOURCE)/LICENSE static/vendor/noto-sans-sc/
	cp $$(grep -o 'files/[^)]*\.woff2' static/vendor/noto-sans-sc/noto-sans-sc.css | sed 's|^|$(FONTSOURCE)/|') \
	  static/vendor/noto-sans-sc/files/
	touch $@

assets: $(VENDOR)

# Browser tests drive Debian's Chromium with Playwright (no browser download).
$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium

$(POSTGIS):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql-15 postgresql-15-postgis-3

run: $(VENV)/.runtime-installed $(VENDOR)
	$(BIN)/streamlit run app.py --server.port $(PORT)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint $(VENDOR) $(CHROMIUM) $(POSTGIS) $(NGINX) $(OPENSSL)
	$(BIN)/python -m pytest

# The shared deployment on this machine: PostGIS, users, replicas behind nginx (HTTPS).
# Settings: make shared PORT=8443 HTTP_PORT=8080 REPLICAS=2 REPLICA_PORT=8501 TILE_PORT=8601
#           [TLS_CERT=/etc/ssl/atlas.crt TLS_KEY=/etc/ssl/private/atlas.key] [SHARED_DIR=var/shared]
# PORT is the HTTPS port here (for `make run` it is Streamlit's, 8501 by default).
$(NGINX) $(OPENSSL):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nginx-light openssl

SHARED_DIR ?= var/shared
HTTP_PORT ?= 8080
REPLICAS ?= 2
REPLICA_PORT ?= 8501
TILE_PORT ?= 8601
SHARED_PORT := $(if $(filter command line environment,$(origin PORT)),$(PORT),8443)
SHARED_ARGS := --folder $(SHARED_DIR)
SHARED_UP_ARGS := --port $(SHARED_PORT) --http-port $(HTTP_PORT) --replicas $(REPLICAS) \
	--replica-port $(REPLICA_PORT) --tile-port $(TILE_PORT) $(if $(TLS_CERT),--certificate $(TLS_CERT) --key $(TLS_KEY))

shared: $(VENV)/.runtime-installed $(VENDOR) $(POSTGIS) $(NGINX) $(OPENSSL)
	$(BIN)/python scripts/shared_setup.py up $(SHARED_ARGS) $(SHARED_UP_ARGS)

shared-status: $(VENV)/.runtime-installed
	$(BIN)/python scripts/shared_setup.py status $(SHARED_ARGS)

shared-down: $(VENV)/.runtime-installed
	$(BIN)/python scripts/shared_setup.py down $(SHARED_ARGS)

# Rendering benchmark (issue 4): the app's map path against GeoDataFrame.explore() in Chromium.
$(VENV)/.bench-installed: benchmarks/requirements.txt $(VENV)/.dev-installed
	$(BIN)/pip install --quiet -r benchmarks/requirements.txt
	touch $@

bench: $(VENV)/.bench-installed $(VENDOR) $(CHROMIUM)
	$(BIN)/python benchmarks/render_benchmark.py $(BENCH_ARGS)
	$(BIN)/python benchmarks/store_benchmark.py $(STORE_BENCH_ARGS)
	$(BIN)/python benchmarks/print_benchmark.py $(PRINT_BENCH_ARGS)
	$(BIN)/python benchmarks/area_benchmark.py $(AREA_BENCH_ARGS)
	$(BIN)/python benchmarks/load_benchmark.py $(LOAD_BENCH_ARGS)
	$(BIN)/python benchmarks/tile_benchmark.py $(TILE_BENCH_ARGS)
	$(BIN)/python benchmarks/tile_click_benchmark.py $(TILE_CLICK_BENCH_ARGS)

data: $(VENV)/.runtime-installed

	$(BIN)/python scripts/build_sample_data.py
