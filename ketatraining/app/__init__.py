"""App mode: the course served by Voila, without code, offline, with a landing page.

``python -m ketatraining.app`` (``make app``) lays out a temporary folder holding the
landing notebook and links to the course notebooks, then runs Voila on 127.0.0.1 with
the ``ketatraining`` template (the ``lab`` template without its two Font Awesome CDN
links: Voila's own bundle already ships Font Awesome 5, served locally). Progress lives
in the same store as in JupyterLab, because every widget reads and writes the store.
"""
