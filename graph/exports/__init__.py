"""Files for other tools, made from the property graph: Neo4j CSV and Cypher scripts
(``neo4j_files.py``), GraphML, CSV and JSON-LD (``files.py``), and the networkx projection
with the analytics the page shows (``projection.py``)."""
