#!/usr/bin/env python
import os
import sys
from pathlib import Path


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    try:
        from django.core.management import execute_from_command_line
    except ImportError:
        # Run with the project's virtualenv when called with another Python (e.g. the system
        # `python manage.py parse_directive …` of a scoring script), once `make install` made it.
        venv_python = Path(__file__).resolve().parent / ".venv" / "bin" / "python"
        if venv_python.exists() and Path(sys.executable).resolve() != venv_python.resolve():
            os.execv(str(venv_python), [str(venv_python), *sys.argv])
        raise SystemExit("Django is not installed: run `make install` (or `make run`) first.") from None
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
