"""People known to the partnership's agencies, their other names, and groups of people."""
