from followup.cli import main


def test_check_on_the_shipped_repository_exits_zero(capsys):
    assert main(["check", "--as-of", "2026-11-22"]) == 0
