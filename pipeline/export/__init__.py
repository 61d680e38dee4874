"""Stage 5: write results (JSON per document; JSON Schema)."""
