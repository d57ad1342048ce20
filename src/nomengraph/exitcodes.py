"""The exit codes of every ``nomengraph`` command, defined once."""

EXIT_OK = 0
"""Done; the data conforms (warnings and infos allowed)."""
EXIT_NONCONFORMING = 1
"""The data does not conform (SHACL violations, card-format problems, mapping problems)."""
EXIT_ERROR = 2
"""The command could not do its work: bad input or setting, missing file, busy port..."""

__all__ = ["EXIT_ERROR", "EXIT_NONCONFORMING", "EXIT_OK"]
