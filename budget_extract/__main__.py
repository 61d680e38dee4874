"""``python -m budget_extract`` runs the command line."""

from pipeline.cli import main

raise SystemExit(main())
