"""App mode: the course served by Voila, without code, offline, with a landing page.

``python -m ketatraining.app`` (``make app``) lays out a temporary folder holding the
course notebooks and links to their files, then runs Voila on 127.0.0.1 with
the ``ketatraining`` template (the ``lab`` template without its two Font Awesome CDN
links: Voila's own bundle already ships Font Awesome 5, served locally). The course
overview is built by the server itself, without a kernel (``overview.py``). Progress lives
in the same store as in JupyterLab, because every widget reads and writes the store.
"""
