"""One exception family, so the CLI can turn any of them into exit code 2 and one readable line."""

from __future__ import annotations


class KvalitativError(Exception):
    """Base for every error a user can act on (bad input, bad config, missing file).

    The message should name the file, row and column involved and say what to do.
    """


class InputError(KvalitativError):
    """An input file cannot be read or holds no usable data."""


class ConfigError(KvalitativError):
    """The configuration or a command-line option is invalid."""


class OutputError(KvalitativError):
    """The output folder cannot be written now: another run holds it, no space, no permission."""
