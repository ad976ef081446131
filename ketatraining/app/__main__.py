"""``python -m ketatraining.app``: serve the course with Voila (see server.py)."""

import sys

from ketatraining.app.server import main

sys.exit(main())
