"""followup: customer follow-up for sales teams that keep customers as plain text in Git."""

__version__ = "0.1.0"
