"""A draw's use cases: the request, the commit, and closing (cancel-and-redraw, publication)."""
