"""The ceiling of the HTTP stack: a bare FastAPI route returning a constant, served as ``policykg serve`` serves.

``python -m bench.scale.ceiling_app --port P`` runs it with the same uvicorn
options as ``policykg serve`` (``UVICORN_OPTIONS``; the HTTP implementation is
uvicorn's default, h11 unless httptools is installed, as for the API).  The route
is a plain ``def``, like the API's views, so it goes through the same thread pool;
there is no middleware, no store, no validation.  No route of the API can be
faster on this machine: each route's throughput is reported as a share of this one's.
"""

from __future__ import annotations

import argparse

from fastapi import FastAPI

try:
    from policykg.cli import MAX_HEAD_BYTES
except ImportError:  # the option moved: keep h11's limit as policykg serve had it
    MAX_HEAD_BYTES = 64 * 1024

# What policykg/cli.py's _serve passes to uvicorn.run besides the app, host and port.
UVICORN_OPTIONS = {"log_level": "warning", "timeout_keep_alive": 75, "h11_max_incomplete_event_size": MAX_HEAD_BYTES}
CONSTANT = {"status": "ok"}
PATH = "/ceiling"

app = FastAPI(title="ceiling", docs_url=None, redoc_url=None, openapi_url=None)


@app.get(PATH)
def ceiling() -> dict[str, str]:
    return CONSTANT


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(app, host=args.host, port=args.port, **UVICORN_OPTIONS)


if __name__ == "__main__":
    main()
