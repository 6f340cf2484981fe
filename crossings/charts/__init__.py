"""Vega-Lite chart specs built in Python, shared by the web pages and the fact sheet."""
