"""Benchmark: how long a `qualcope` command takes before it does anything (start-up).

Whole processes, wall clock from start to exit, against a bare click command (a script with
one ``@click.command()`` that prints a line) run by the same Python in the same run:

* ``qualcope --help``;
* ``qualcope --db DEMO documents`` on the demo project (``qualcope --db DEMO demo --no-tui``,
  built once beforehand, untimed): a read-only listing on an up-to-date project.

For information it also times ``python -c "import click, sqlalchemy.orm"`` and the same with
qualcope's models: what any command that reads the project through SQLAlchemy pays first.

The commands run ``--repeat`` times in turn (the machines are noisy); the medians count.

    python benchmarks/bench_cli_startup.py
    python benchmarks/bench_cli_startup.py --repeat 21

Targets (issue 16): ``--help`` <= 1.5x the bare click command; ``documents`` <= 3x.
The script prints the ratios and exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {"--help": 1.5, "documents": 3.0}
BARE_CLICK = '''
import click


@click.command()
@click.option("--name", default="world", help="Whom to greet.")
def main(name):
    """A bare click command."""
    click.echo(f"hello {name}")


main()
'''


def qualcope_command() -> list[str]:
    found = shutil.which("qualcope", path=str(Path(sys.executable).parent)) or shutil.which(
        "qualcope"
    )
    return [found] if found else [sys.executable, "-m", "qualcope"]


def timed(command: list[str], environment: dict[str, str]) -> float:
    began = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=environment)
    return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=11, help="runs of each command")
    args = parser.parse_args()
    environment = dict(os.environ)
    environment.pop("QUALCOPE_DB", None)
    qualcope = qualcope_command()
    with tempfile.TemporaryDirectory() as tmp:
        # Cached bytecode, as an installed qualcope has, kept out of the source tree (a
        # PYTHONDONTWRITEBYTECODE environment would otherwise compile every module each run).
        environment.pop("PYTHONDONTWRITEBYTECODE", None)
        environment["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        bare = Path(tmp) / "bare_click.py"
        bare.write_text(BARE_CLICK, encoding="utf-8")
        demo = Path(tmp) / "demo.db"
        subprocess.run(
            [*qualcope, "--db", str(demo), "demo", "--no-tui"],
            check=True,
            capture_output=True,
            env=environment,
        )
        commands = {
            "bare click": [sys.executable, str(bare)],
            "--help": [*qualcope, "--help"],
            "documents": [*qualcope, "--db", str(demo), "documents"],
            # For information: the floor of any command that reads through SQLAlchemy.
            "import click + sqlalchemy.orm": [
                sys.executable,
                "-c",
                "import click, sqlalchemy.orm",
            ],
            "import click + qualcope.db.models": [
                sys.executable,
                "-c",
                "import click, qualcope.db.models",
            ],
        }
        for command in commands.values():  # warm the file cache
            timed(command, environment)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.repeat):
            for name, command in commands.items():
                times[name].append(timed(command, environment))
    medians = {name: statistics.median(values) for name, values in times.items()}
    base = medians["bare click"]
    print(f"bare click command: {base * 1000:.0f} ms (median of {args.repeat})")
    for name in commands:
        if name.startswith("import "):
            ratio = medians[name] / base
            print(f"(python -c '{name}': {medians[name] * 1000:.0f} ms = {ratio:.2f}x)")
    missed = False
    for name, target in TARGETS.items():
        ratio = medians[name] / base
        verdict = "ok" if ratio <= target else "MISSED"
        missed = missed or ratio > target
        print(
            f"qualcope {name}: {medians[name] * 1000:.0f} ms = {ratio:.2f}x "
            f"(target <= {target}x) {verdict}"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
