"""Codebook and project exchange formats. No SQL and no UI: domain objects in and out."""
