"""The operations a user performs, one transaction each.

The CLI and the TUI call these; they never build SQL themselves. Services
return domain objects (``qualcope.domain``), never ORM objects.
"""
