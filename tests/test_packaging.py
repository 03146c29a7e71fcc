"""What gets installed, and what `import flowkit` costs: setup.cfg lists every package, the public
API is pinned, the core imports no cloud SDK, the console script works, and README's Quick start
is what CI runs (ARCHITECTURE.md, "Layout" and "Directions of import").
"""

import configparser
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig

import pytest

import flowkit

from .conftest import REPO


def setup_cfg():
    parser = configparser.ConfigParser()
    parser.read(os.path.join(REPO, "setup.cfg"))
    return parser


def listed_packages():
    return [p.strip() for p in setup_cfg()["options"]["packages"].splitlines() if p.strip()]


def package_dirs():
    """{top-level package: folder relative to the repository} from setup.cfg's package_dir."""
    text = setup_cfg()["options"].get("package_dir", "")
    out = {}
    for line in text.splitlines():
        if "=" in line:
            name, _, folder = line.partition("=")
            out[name.strip()] = folder.strip()
    return out


def folder_of(package):
    """Where setuptools looks for a dotted package name, following package_dir."""
    top, _, rest = package.partition(".")
    base = package_dirs().get(top, top)
    return os.path.join(REPO, base, *filter(None, rest.split(".")))


def package_folders():
    """{dotted name: folder} of every folder under flowkit/ and plugins/ holding an __init__.py."""
    found = {}
    roots = [("flowkit", os.path.join(REPO, "flowkit"))]
    plugins = os.path.join(REPO, "plugins")
    roots += [(name, os.path.join(plugins, name)) for name in sorted(os.listdir(plugins))
              if os.path.isdir(os.path.join(plugins, name))]
    for top, root in roots:
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d != "__pycache__" and not d.startswith(".")]
            if "__init__.py" in files:
                rel = os.path.relpath(folder, root)
                found[top if rel == "." else f"{top}.{rel.replace(os.sep, '.')}"] = folder
    return found


# -- setup.cfg ------------------------------------------------------------------------------------

def test_every_folder_with_an_init_file_is_a_listed_package():
    folders = package_folders()
    assert "flowkit" in folders and "flowkit.cli" in folders  # the walk found something
    missing = sorted(set(folders) - set(listed_packages()))
    assert missing == [], f"add to setup.cfg [options] packages: {missing}"


def test_every_package_folder_is_where_setup_cfg_says_it_is():
    for name, folder in package_folders().items():
        assert os.path.samefile(folder_of(name), folder), name


def test_each_plugin_is_mapped_to_its_folder_under_plugins_by_package_dir():
    plugins = sorted(d for d in os.listdir(os.path.join(REPO, "plugins"))
                     if os.path.isfile(os.path.join(REPO, "plugins", d, "__init__.py")))
    assert plugins, "no plugin packages found"
    dirs = package_dirs()
    for name in plugins:
        assert dirs.get(name) == f"plugins/{name}", name
        assert name in listed_packages(), name


@pytest.mark.parametrize("package", listed_packages())
def test_every_listed_package_is_a_folder_with_an_init_file(package):
    assert os.path.isfile(os.path.join(folder_of(package), "__init__.py")), package


# -- the public API -------------------------------------------------------------------------------

def test_public_api_is_exactly_the_pinned_list():
    assert sorted(flowkit.__all__) == [
        "DataArtifact",
        "Flow",
        "FlowSpec",
        "IncludeFile",
        "JSONType",
        "Metaflow",
        "Parameter",
        "Run",
        "Runner",
        "Step",
        "Task",
        "__version__",
        "catch",
        "current",
        "default_namespace",
        "environment",
        "get_metadata",
        "get_namespace",
        "metadata",
        "namespace",
        "parallel",
        "resources",
        "retry",
        "secrets",
        "step",
        "timeout",
    ]
    assert flowkit.__all__ == sorted(flowkit.__all__)
    for name in flowkit.__all__:
        assert hasattr(flowkit, name), name


# -- import cost ----------------------------------------------------------------------------------

def modules_after_import_flowkit():
    code = "import flowkit, sys, json; print(json.dumps(sorted(sys.modules)))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return {name.split(".")[0] for name in json.loads(proc.stdout)}


def test_import_flowkit_imports_no_cloud_sdk_or_test_server():
    tops = modules_after_import_flowkit()
    assert "flowkit" in tops  # the probe saw the import
    assert tops & {"boto3", "botocore", "kubernetes", "moto"} == set()
    # click: when this test was written, `import flowkit` did NOT import click either (it is
    # loaded only when a flow's command line starts); that is not pinned here, because the
    # architecture allows the core to use click.


def test_import_flowkit_loads_no_plugin_package():
    tops = modules_after_import_flowkit()
    assert tops & {"flowkit_aws", "flowkit_kubernetes", "flowkit_cards"} == set()


# -- the console script ---------------------------------------------------------------------------

def console_script():
    path = shutil.which("flowkit", path=os.pathsep.join(
        [sysconfig.get_path("scripts"), os.path.dirname(sys.executable),
         os.environ.get("PATH", "")]))
    assert path, "the flowkit console script is not installed (pip install -e .)"
    return path


def test_flowkit_console_script_prints_the_version():
    proc = subprocess.run([console_script(), "--version"], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert flowkit.__version__ in proc.stdout
    assert "flowkit" in proc.stdout


def test_flowkit_console_script_refuses_an_unknown_command_with_exit_2():
    proc = subprocess.run([console_script(), "no-such-command"], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


# -- README ---------------------------------------------------------------------------------------

def quick_start_section():
    with open(os.path.join(REPO, "README.md"), encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"^## Quick start\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert m, "README has no '## Quick start' section"
    return m.group(1)


def fenced_blocks(text):
    """[(language, body)] of every ``` fenced block."""
    return [(lang, body.strip()) for lang, body in
            re.findall(r"^```([\w+-]*)[ \t]*\n(.*?)^```[ \t]*$", text, re.M | re.S)]


def test_readme_quick_start_has_exactly_two_bash_blocks_and_nothing_else_fenced():
    blocks = fenced_blocks(quick_start_section())
    assert [lang for lang, _ in blocks] == ["bash", "bash"]


def test_readme_second_quick_start_command_is_what_ci_runs():
    _, (_, second) = fenced_blocks(quick_start_section())
    with open(os.path.join(REPO, ".ci", "run"), encoding="utf-8") as f:
        last_line = [line for line in f.read().splitlines() if line.strip()][-1]
    assert second == last_line.strip()


def test_readme_first_quick_start_command_runs_a_tutorial_that_exists():
    (_, first), _ = fenced_blocks(quick_start_section())
    scripts = re.findall(r"python (\S+\.py)", first)
    assert scripts, first
    for script in scripts:
        assert os.path.isfile(os.path.join(REPO, script)), script
