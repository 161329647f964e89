"""Information governance: who viewed a record, subject access exports, retention review and
erasure, and the registration of the core record types for sharing."""
