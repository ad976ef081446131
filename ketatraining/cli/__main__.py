"""``python -m ketatraining.cli``."""

import sys

from ketatraining.cli import main

sys.exit(main())
