"""Domain-free kernel: request context, clock and database checks shared by every app."""
