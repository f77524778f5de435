"""Settings schema, defaults, and the bundled samples used by `uprwatch demo`."""
