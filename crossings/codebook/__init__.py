"""Facts about each source: layouts, code tables, charge rules.

Every table here is loaded from a CSV shipped as package data (copied from
the FJC's and DOJ's own code lists), never retyped in code.
"""
