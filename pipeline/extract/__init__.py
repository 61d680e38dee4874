"""Stage 4: fill the schemas. ``rules`` is the deterministic extractor (no model)."""
