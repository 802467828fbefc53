"""policykg: a knowledge graph of Chinese civil-affairs five-year plans.

Layers, each knowing only the one below it:
corpus → ``policykg.loaders`` → RDF → ``policykg.graph`` (stores) → ``policykg.api`` / ``policykg.visual``.
"""

__version__ = "0.1.0"
