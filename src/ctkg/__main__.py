"""Allow ``python -m ctkg``."""

from ctkg.cli import main

raise SystemExit(main())
