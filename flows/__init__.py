"""Sitrep: war reporting into a DuckDB warehouse analysts can trust."""

__version__ = "0.1.0"
