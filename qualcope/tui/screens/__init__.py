"""Screens of the coding workspace, one per file."""
