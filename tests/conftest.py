import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
FLOWS = os.path.join(HERE, "flows")
REPO = os.path.dirname(HERE)


@pytest.fixture
def sysroot(tmp_path):
    """A fresh folder to hold .flowkit for one test."""
    root = tmp_path / "ds"
    root.mkdir()
    return str(root)


@pytest.fixture
def flows_dir():
    return FLOWS


def flow_path(*parts):
    return os.path.join(FLOWS, *parts)
