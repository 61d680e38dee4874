"""The LLM extractor: the same schemas from the same chunks, through any OpenAI-compatible
endpoint via instructor; cached, accounted, and verified like every other extraction."""
