"""Static figures: plain matplotlib functions (``ax`` in, artists out, never ``show()``)."""
