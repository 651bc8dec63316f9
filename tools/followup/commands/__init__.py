"""One module per command group; each registers its commands with ``cli.command``."""
