"""The one exception type that means "the user gave us something we cannot use"."""


class UserError(Exception):
    """A problem with the user's input or environment; the CLI prints it as one line, without a traceback."""
