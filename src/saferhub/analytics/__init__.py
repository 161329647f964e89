"""Pure-Python analytics on DuckDB: the crime and partner data warehouse and the scorecard.

This package never imports Django or the web apps (enforced by import-linter): it takes a
warehouse path or a DuckDB connection and returns plain frozen data.
"""
