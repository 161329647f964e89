"""Partnerships, the organisations (agencies) in them, their members and what each role may do."""
