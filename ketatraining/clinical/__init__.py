"""Pure clinical teaching logic: sourced values, PCL-5 scoring and the PK teaching model.

Nothing here imports matplotlib, ipywidgets or IPython, so the CLI, tests and figure
functions can all use it without a display.
"""
