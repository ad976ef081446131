"""Learner mode in JupyterLab (``make lab``): the learner's own copy of the course.

``python -m ketatraining.lab`` creates or updates the copy (``learner_copy.py``) and opens
it in JupyterLab with the settings shipped in ``settings/`` (no news pop-up, no update
checks). Trainers and developers use ``make lab-dev``, which opens the repository itself.
"""
