"""Interactive presentation: the only package that imports ipywidgets and IPython."""
