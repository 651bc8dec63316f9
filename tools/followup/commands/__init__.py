"""One module per command group; each registers its commands with ``cli.command``.

``WHERE`` names the module of each command, so that running one command imports only its
module and builds only its parser (importing them all and building every parser is
~40 ms, a sixth of a warm ``check``). ``followup --help``, an unknown command or one
missing here imports every module, as before; ``tests/test_smoke.py`` holds ``WHERE`` to
what the modules register.
"""

WHERE = {
    "check": "core", "grade": "core", "explain": "core", "list": "core", "samples": "core",
    "today": "board", "board": "board", "serve": "board",
    "new": "team", "log": "team", "reassign": "team", "archive": "team", "recycle": "team",
    "codeowners": "team",
    "import": "transfer", "export": "transfer", "feeds": "transfer",
    "bench": "bench",
}
