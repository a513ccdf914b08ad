"""Strict, safe YAML for the files users hand to qualcope (codebooks, report specs).

A SafeLoader (no tags that run code) that also refuses duplicate keys and
aliases (no silent overwrites, no alias bombs: reliability.md C3-1, C3-2,
C3-5), and remembers the line each mapping starts on, so errors can name it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from qualcope.errors import QualcopeError


class LineMapping(dict[str, Any]):
    """A mapping that remembers the line it started on (``line``, 1-based)."""

    line: int = 0


class _Refused(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


class _StrictLoader(yaml.SafeLoader):
    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise _Refused(
                "YAML aliases (*name) are not allowed", self.peek_event().start_mark.line + 1
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        mapping = LineMapping()
        mapping.line = node.start_mark.line + 1
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str | int | float | bool) and key is not None:
                raise _Refused("a mapping key must be text", line)
            if key in mapping:
                raise _Refused(f"duplicate key {key!r}", line)
            mapping[key] = self.construct_object(value_node, deep=True)
        return mapping


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _StrictLoader.construct_mapping
)


def load_strict(text: str, error: type[QualcopeError], path: Path | str) -> Any:
    """Parse YAML text; any problem raises ``error`` naming the file and the line."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except _Refused as exc:
        raise error(str(exc), path=path, line=exc.line) from exc
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        problem = exc.problem or "invalid YAML"
        if isinstance(exc, yaml.constructor.ConstructorError) and "tag" in problem:
            problem = f"unsafe or unknown YAML tag {problem.split('tag', 1)[1].strip()}"
        raise error(problem, path=path, line=line) from exc
    except yaml.YAMLError as exc:
        raise error(f"invalid YAML ({exc})", path=path) from exc
