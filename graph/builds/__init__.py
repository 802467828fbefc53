"""The build folder: complete builds side by side, the one in service, and the leases that keep it.

``datadir.py`` is the one home of the folder's layout (``dataset.nq``, ``cypher/``,
``sparql/``) and of the atomic switch that puts a build in service; ``lease.py`` lets a
server hold the build it reads so that pruning passes it by.
"""
