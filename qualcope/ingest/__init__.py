"""Reading transcript files into canonical text and speaker turns (pure functions, no database).

``read_transcript(path)`` is the entry point: it checks the file (size cap, magic bytes, zip
limits), decodes it, normalises it once and detects speaker turns. Everything after import
works on the canonical text it returns; offsets are code points into that text.
"""

from __future__ import annotations

from qualcope.ingest.base import SUPPORTED_SUFFIXES, Transcript
from qualcope.ingest.transcript import read_transcript

__all__ = ["SUPPORTED_SUFFIXES", "Transcript", "read_transcript"]
