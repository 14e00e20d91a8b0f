"""Streamlit glue shared by dashboard.py and pages/: loading, state, sidebar, widgets.

Everything here is thin: the computing lives in :mod:`seedscope` (pure pandas)
and :mod:`loaders`; these modules only read state, call them and draw.
"""
