#!/usr/bin/env python
import contextlib
import os
import subprocess
import sys
from pathlib import Path


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    try:
        from django.core.management import execute_from_command_line
    except ImportError:
        # Called with another Python (e.g. the system `python manage.py parse_directive …` of a
        # scoring script): bring the project's virtualenv up to date with the Makefile's own rule
        # (`make install`: creates it on a fresh clone, reinstalls when requirements.txt changed,
        # does nothing otherwise), then run with it.
        root = Path(__file__).resolve().parent
        venv_python = root / ".venv" / "bin" / "python"
        if Path(sys.executable).resolve() != venv_python.resolve():
            with contextlib.suppress(OSError):  # no make: the message below says what to run
                subprocess.run(["make", "-s", "-C", str(root), "install"], stdout=sys.stderr)
            if venv_python.exists():
                os.execv(str(venv_python), [str(venv_python), *sys.argv])
        raise SystemExit("Django is not installed: run `make install` (or `make run`) first.") from None
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
