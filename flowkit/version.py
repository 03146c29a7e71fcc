"""The flowkit version, in one place (read by setup.cfg and recorded as a system tag)."""

__version__ = "0.1.0"
