"""The application: CLI, session runner, session log, notifiers."""
