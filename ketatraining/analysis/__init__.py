"""Pure trainer analytics: item analysis, results per learner and quiz, a demo cohort.

Nothing here imports matplotlib, ipywidgets or IPython; figures live in
``ketatraining.figures.trainer`` and the command line in ``ketatraining.cli``.
"""
