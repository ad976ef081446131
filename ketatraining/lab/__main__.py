"""``python -m ketatraining.lab``: open the learner's copy of the course in JupyterLab."""

import sys

from ketatraining.lab.launch import main

sys.exit(main())
