"""The scale benchmark of issue 7: how build, load and query cost grow from the 5 real plans to thousands.

``bench/run.py`` wires these modules; each can be read on its own:

* ``corpora``      the corpus for N documents: the bundled one, or ``bench/generate_corpus.py``'s;
* ``procs``        runs a measuring child process and samples its process tree's memory;
* ``build_runner`` (child) one ``policykg.build.build`` with its progress timed;
* ``build_bench``  builds per N (cached in the work folder), documents/triples per second, stage shares;
* ``load_bench``   (child and parent) the embedded stores' load paths against their engines' bulk loaders;
* ``ceiling_app``  a bare FastAPI route served like ``policykg serve``: the ceiling of the HTTP stack;
* ``servers``, ``loadgen``  start/stop servers; run ``wrk``;
* ``inprocess``    (child) the routes' questions called directly, no HTTP;
* ``query_bench``  wrk against the API routes, SPARQL and the ceiling, per N and client count;
* ``goals``, ``report``, ``plots``, ``machine``  the figures against the issue's goals, tables, PNGs.

Every figure is measured, none is asserted.
"""
