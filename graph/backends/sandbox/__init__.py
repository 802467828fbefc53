"""Researchers' queries on the embedded stores, run in worker processes killed at the time limit.

Neither LadybugDB nor pyoxigraph can stop a running query from another thread, so
``worker_pool.py`` keeps warm processes and kills the one that overruns;
``cypher_sandbox.py`` and ``sparql_sandbox.py`` (with ``sparql_worker.py`` on the worker
side and ``sparql_guard.py`` for what a query may be) are the two engines' uses of it.
"""
