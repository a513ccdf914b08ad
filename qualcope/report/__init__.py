"""The reporter: tidy frames, cross-tabs, statistics, co-occurrence, exports and figures.

pandas, scipy and matplotlib live here and only here; they are imported by the
modules that need them, never by ``qualcope.report.model`` (plain dataclasses the
TUI and the CLI may hold without loading pandas).
"""
