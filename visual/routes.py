"""The graph-browsing page at ``/``, its files under ``/static/visual/`` and the JSON it draws from ``/visual/api/``.

The page works offline: every script, style and icon comes from this server.
pyvis's own HTML links bootstrap and vis-network from CDNs, so the page is our
template (``templates/page.html``) and vis-network's files are served from the
copy pyvis ships (``pyvis/lib/vis-9.1.2``).  The page's answers carry a
Content-Security-Policy that only allows this server, so a stray external link
fails loudly in the browser (and in ``tests/test_page.py``) instead of quietly
reaching the internet.

The JSON routes give each view already drawn (``projection.project``): vis
nodes and edges with colours, shapes and labels in both languages, and the
groups to fold; the side panel asks the REST API (``/api/entities/…``) directly.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path
from typing import Annotated, Any

import pyvis
import yaml
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from policykg.api.params import node_types
from policykg.api.problems import not_found
from policykg.api.services import Services, services
from policykg.graph.questions import neighbourhood
from policykg.graph.questions.entity_index import Entry
from policykg.graph.questions.lookups import Lookups
from policykg.visual import projection, views
from policykg.visual.styles import STATIC, load_styles

router = APIRouter(include_in_schema=False)

HERE = Path(__file__).resolve().parent
ASSETS_URL = "/static/visual"
VIS_DIR = Path(pyvis.__file__).resolve().parent / "lib" / "vis-9.1.2"
MEDIA = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
NO_CACHE = {"Cache-Control": "no-cache"}
VENDORED = frozenset({"chart.umd.min.js"})  # npm's chart.js 4.6.2, unchanged (tests/test_page.py)
Types = Annotated[str | None, Query(max_length=300, description="comma-separated node types")]
Cluster = Annotated[int | None, Query(ge=0, le=10_000, description="fold more than this many neighbours of one "
                                                                  "type (0: never); default from styles.yaml")]


def _assets() -> dict[str, Path]:
    """The only files served: the page's own scripts, styles and icon, and pyvis's copy of vis-network."""
    found = {p.name: p for p in sorted(STATIC.iterdir()) if p.suffix in MEDIA and p.is_file()}
    found.update({name: VIS_DIR / name for name in ("vis-network.min.js", "vis-network.css")})
    return found


ASSETS = _assets()


@cache
def _asset_bytes(name: str) -> bytes:
    """A vendored file without its ``sourceMappingURL`` line: neither pyvis nor our copy of Chart.js ships the
    map it names (the browser would ask for it)."""
    return re.sub(rb"\n//# sourceMappingURL=\S+\s*$", b"\n", ASSETS[name].read_bytes())


@lru_cache(maxsize=1)
def _templates() -> Environment:
    return Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                       trim_blocks=True, lstrip_blocks=True)


@lru_cache(maxsize=1)
def strings() -> dict[str, Any]:
    return yaml.safe_load((STATIC / "strings.yaml").read_text(encoding="utf-8"))


def _root(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/")


async def _lookups(svc: Annotated[Services, Depends(services)]) -> Lookups:
    return svc.lookups


@router.get("/", response_class=HTMLResponse)
def page(request: Request, data: Annotated[Lookups, Depends(_lookups)],
         lang: Annotated[str, Query(max_length=5)] = "zh") -> HTMLResponse:
    """The page; everything after the first paint (search, drawing, the URL's state) is done by its scripts."""
    lang = "en" if lang == "en" else "zh"
    config = {"root": _root(request), "assets": ASSETS_URL, "styles": load_styles().page_config(),
              "strings": strings(), "types": data.index.counts(), "max_depth": neighbourhood.MAX_DEPTH}
    html = _templates().get_template("page.html").render(
        root=_root(request), assets=ASSETS_URL, lang=lang, t={k: v[lang] for k, v in strings().items()
                                                              if isinstance(v, dict) and lang in v},
        config=config)
    return HTMLResponse(html, headers={"Content-Security-Policy": CSP, **NO_CACHE})


@router.get(ASSETS_URL + "/{name}")
def asset(name: str) -> Response:
    path = ASSETS.get(name)
    if path is None:
        raise not_found("file", name, f"the page's files are {', '.join(sorted(ASSETS))}")
    media = MEDIA[path.suffix]
    if path.parent == VIS_DIR or name in VENDORED:  # versioned releases: cache for a day
        return Response(_asset_bytes(name), media_type=media, headers={"Cache-Control": "public, max-age=86400"})
    return Response(path.read_bytes(), media_type=media, headers=NO_CACHE)


# -- the views, drawn ---------------------------------------------------------------------------------------

def _entry(data: Lookups, identifier: str, labels: tuple[str, ...] | None = None) -> Entry:
    entry = data.index.get(identifier)
    if entry is None or (labels and entry.label not in labels):
        raise not_found("entity" if not labels else " or ".join(labels), identifier, "search with /api/search?q=…")
    return entry


def _drawn(answer: dict[str, Any], cluster: int | None) -> dict[str, Any]:
    return projection.project(answer, load_styles(), cluster)


@router.get("/visual/api/overview")
def overview(data: Annotated[Lookups, Depends(_lookups)], cluster: Cluster = None) -> dict:
    """The start page's graph: the plans of the corpus and those they cite, by level."""
    return _drawn(views.overview(data), cluster)


@router.get("/visual/api/neighbourhood/{entity_id:path}")
def drawn_neighbourhood(entity_id: str, data: Annotated[Lookups, Depends(_lookups)],
                        depth: Annotated[int, Query(ge=1, le=neighbourhood.MAX_DEPTH)] = 1, types: Types = None,
                        limit: Annotated[int, Query(ge=1, le=2000)] = 1000, cluster: Cluster = None) -> dict:
    entry = _entry(data, entity_id)
    return _drawn(views.neighbours(data, entry.iri, depth, node_types(data, types), limit), cluster)


@router.get("/visual/api/group/{group_id:path}")
def drawn_group(group_id: str, data: Annotated[Lookups, Depends(_lookups)], cluster: Cluster = None) -> dict:
    entry = data.index.resolve(group_id, "TargetGroup") or _entry(data, group_id, ("TargetGroup",))
    return _drawn(views.group(data, entry.iri), cluster)


@router.get("/visual/api/cascade/{plan_id:path}")
def drawn_cascade(plan_id: str, data: Annotated[Lookups, Depends(_lookups)], cluster: Cluster = None) -> dict:
    entry = _entry(data, plan_id, ("Plan", "Article"))
    return _drawn(views.cascade(data, entry.iri), cluster)


@router.get("/visual/api/compare")
def drawn_compare(data: Annotated[Lookups, Depends(_lookups)],
                  q: Annotated[str, Query(min_length=1, max_length=200)], cluster: Cluster = None) -> dict:
    return _drawn(views.compare(data, q), cluster)
