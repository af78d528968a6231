"""Allow ``python -m ctkg``."""

from ctkg.cli.main import main

raise SystemExit(main())
