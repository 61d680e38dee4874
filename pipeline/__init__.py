"""budget-extract: Chinese government budget disclosures to verified, structured data.

Stages, each importing only the ones before it:
ingest -> layout -> segment -> extract -> export; ``run`` wires them, ``cli`` is a thin shell.
"""

__version__ = "0.1.0"
