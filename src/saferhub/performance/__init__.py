"""Performance in the web service: stored scorecard runs from the warehouse, and their pages."""
