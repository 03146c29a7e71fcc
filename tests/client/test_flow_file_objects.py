"""An artifact whose class is defined inside the flow file loads, methods and all, in a client
process that never imported the flow file (and could not: it is not on its path)."""

import os

from ..conftest import flow_path
from .helpers import client, run_ok

OBJECTS = flow_path("runtime", "objects.py")


def test_object_of_a_class_defined_in_the_flow_file_loads_without_the_flow(sysroot):
    run_id = run_ok(sysroot, "runtime", "objects.py")
    flow_dir = os.path.dirname(OBJECTS)
    out = client(sysroot, f'''
        import os
        run = Run("ObjectsFlow/{run_id}")
        p = run["start"].task.data.point
        on_path = [x for x in sys.path if os.path.abspath(x or ".") == {flow_dir!r}]
        flow_modules = [name for name, m in list(sys.modules.items())
                        if os.path.abspath(getattr(m, "__file__", None) or "")
                        == {OBJECTS!r}]
        emit({{"class": type(p).__name__, "xy": [p.x, p.y], "norm2": p.norm2(),
               "same_in_end": run.data.point.norm2(),
               "total": run.data.total, "array_len": len(run["start"].task.data.array),
               "private": "_private" in run["start"].task,
               "on_path": on_path, "flow_modules": flow_modules,
               "has_flow_class": any(hasattr(m, "ObjectsFlow")
                                     for m in list(sys.modules.values()))}})
    ''')
    assert out["on_path"] == [] and out["flow_modules"] == []
    assert out["has_flow_class"] is False
    assert out["class"] == "Point" and out["xy"] == [3, 4] and out["norm2"] == 25
    assert out["same_in_end"] == 25
    assert out["total"] == float(sum(range(1_000_000)))
    assert out["array_len"] == 1_000_000
    assert out["private"] is False
