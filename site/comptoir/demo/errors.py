class DemoError(RuntimeError):
    """The demo cannot go on; the message says what to do."""
