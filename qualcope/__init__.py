"""qualcope: a qualitative coding assistant for case-study interview transcripts."""

__version__ = "0.1.0"
