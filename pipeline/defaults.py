"""Defaults every entry point shares (the CLI's commands, batch settings, examples)."""

# the rules, then a model for the parts they could not parse, only where an endpoint is
# configured (OPENAI_API_KEY / OPENAI_BASE_URL / --base-url); offline otherwise
DEFAULT_EXTRACTOR = "auto"
