"""Import and export: pure conversions between quiz files and other systems' formats.

GIFT (Moodle) in both directions, QTI 3.0 content packages out, jupyterquiz JSON in,
and results out (xAPI, CSV). Nothing here touches widgets, IPython or matplotlib.
"""
