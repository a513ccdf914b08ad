"""Widgets of the coding workspace, one per file."""
