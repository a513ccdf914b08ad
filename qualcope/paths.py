"""Where qualcope's shipped material lives (codebooks, sample corpus)."""

from __future__ import annotations

from pathlib import Path

from qualcope.errors import QualcopeError

REPO_ROOT = Path(__file__).resolve().parent.parent


def shipped(relative: str) -> Path:
    """A file or folder shipped beside the package (an editable or source install)."""
    path = REPO_ROOT / relative
    if not path.exists():
        raise QualcopeError(
            "not found; qualcope's codebooks and sample corpus come with a source checkout "
            "(pip install -e .)",
            path=path,
        )
    return path


def default_codebook() -> Path:
    return shipped("codebooks/icvc.yaml")


def sample_corpus() -> Path:
    return shipped("sample_corpus")
