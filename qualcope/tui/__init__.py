"""The coding workspace: a Textual TUI over the service layer (nothing here opens a session)."""
