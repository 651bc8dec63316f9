from followup.cli import main


def test_check_on_the_shipped_repository_exits_zero(capsys):
    assert main(["check", "--as-of", "2026-11-22"]) == 0


def test_every_command_is_found_where_commands_where_says():
    """``commands.WHERE`` lets one command import only its module; it must name them all."""
    from followup import cli
    from followup import cli as commands

    cli._import_commands()
    assert {name: fn.__module__.rsplit(".", 1)[1] for name, (fn, _, _) in cli.COMMANDS.items()} \
        == commands.WHERE


def test_a_command_imports_only_its_own_module(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys\nfrom followup.cli import main\nmain(['check', '--as-of', '2026-11-22'])\n"
            "from followup.cli import WHERE\n"
            "print(sorted(m for m in sys.modules if m.rpartition('.')[2] in set(WHERE.values())"
            " and m.startswith('followup.cli.')))")
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
                         env={"PYTHONPATH": str(root / "tools"), "FOLLOWUP_CACHE_DIR": str(tmp_path),
                              "PATH": "/usr/bin:/bin"}, check=False)
    assert out.stdout.strip().splitlines()[-1] == "['followup.cli.core']", out.stderr


def test_usage_names_every_command_even_when_one_module_is_loaded(capsys):
    import pytest

    from followup import cli as commands

    with pytest.raises(SystemExit):
        main(["check", "--no-such-option"])
    err = capsys.readouterr().err
    assert all(name in err for name in commands.WHERE) and "--no-such-option" in err
