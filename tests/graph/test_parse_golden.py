"""The parsed graph of each valid flow matches its checked-in golden JSON, and passes the check.

Regenerate the golden files after an intended change with: FLOWKIT_UPDATE_GOLDEN=1 pytest ...
"""

import glob
import importlib.util
import json
import os
import sys

import pytest

from flowkit import FlowSpec
from flowkit.graph.lint import lint_graph
from flowkit.graph.parse import parse_flow

from ..conftest import FLOWS

VALID = sorted(glob.glob(os.path.join(FLOWS, "valid", "*.py")))
GOLDEN = os.path.join(FLOWS, "valid", "golden")


def load_flow_class(path):
    name = "flowfile_" + os.path.basename(path)[:-3]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    classes = [v for v in vars(module).values()
               if isinstance(v, type) and issubclass(v, FlowSpec) and v is not FlowSpec]
    (cls,) = classes
    return cls


@pytest.mark.parametrize("path", VALID, ids=[os.path.basename(p)[:-3] for p in VALID])
def test_parsed_graph_matches_golden(path):
    cls = load_flow_class(path)
    graph = parse_flow(cls)
    got = graph.to_dict()
    golden = os.path.join(GOLDEN, os.path.basename(path)[:-3] + ".json")
    if os.environ.get("FLOWKIT_UPDATE_GOLDEN"):
        os.makedirs(GOLDEN, exist_ok=True)
        with open(golden, "w") as f:
            json.dump(got, f, indent=2, sort_keys=True)
            f.write("\n")
    with open(golden) as f:
        assert got == json.load(f)


@pytest.mark.parametrize("path", VALID, ids=[os.path.basename(p)[:-3] for p in VALID])
def test_valid_flow_passes_the_check(path):
    cls = load_flow_class(path)
    assert lint_graph(parse_flow(cls), cls) == []


def test_every_graph_form_has_a_valid_flow():
    types = set()
    for path in VALID:
        types |= {n.type for n in parse_flow(load_flow_class(path))}
    assert {"linear", "split", "foreach", "split-switch", "split-parallel", "join",
            "end"} <= types
