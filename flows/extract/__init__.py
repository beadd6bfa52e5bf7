"""Deterministic, offline extraction of facts from article text (no Prefect, no warehouse)."""
