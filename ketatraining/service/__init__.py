"""The course server: ``ketatraining serve``, a JupyterHub service (see docs/deployment.md)."""
