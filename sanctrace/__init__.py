"""sanctrace: trace components recovered from weapons back to where they left legitimate hands."""

__version__ = "0.1.0"
