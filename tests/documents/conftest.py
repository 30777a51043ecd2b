"""OCR tests are slow and do not touch the database: they run once, in the SQLite pass."""

import os

import pytest


def pytest_collection_modifyitems(config, items):
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    slow = [item for item in items if item.get_closest_marker("slow")]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if not item.get_closest_marker("slow")]


@pytest.fixture
def path_without(tmp_path, monkeypatch):
    """PATH holding links to every tool on the real PATH except the ones named."""

    def make(*missing):
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir(exist_ok=True)
        for directory in os.environ.get("PATH", "").split(os.pathsep):
            if not os.path.isdir(directory):
                continue
            for name in os.listdir(directory):
                target = bin_dir / name
                if name in missing or target.exists():
                    continue
                path = os.path.join(directory, name)
                if os.access(path, os.X_OK) and not os.path.isdir(path):
                    target.symlink_to(path)
        monkeypatch.setenv("PATH", str(bin_dir))

    return make
