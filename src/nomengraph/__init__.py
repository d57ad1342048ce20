"""nomengraph: a knowledge graph of IT jobs and competences (CIGREF, SIC, e-CF)."""

__version__ = "0.1.0"
