"""`python -m qualcope` is the `qualcope` command."""

from qualcope.cli import main

main()
