"""User tags: added, removed and replaced through the `tag` command and through the client API,
seen at once by client objects in other processes (and by other objects in the same process);
system tags are fixed; empty and over-long tags are refused; promotion by tag."""

import subprocess
import sys
import textwrap

import pytest

from ..conftest import flow_path
from .helpers import PRELUDE, LiveClient, client, client_dir, client_env, flow_cli, run_ok

LINEAR = flow_path("valid", "linear.py")


def tags_of(sysroot, run_id):
    return client(sysroot, f'''
        r = Run("LinearFlow/{run_id}")
        emit({{"user": sorted(r.user_tags), "system": sorted(r.system_tags),
               "tags": sorted(r.tags)}})
    ''')


@pytest.fixture
def run_id(sysroot):
    return run_ok(sysroot, "valid", "linear.py")


@pytest.fixture
def live(sysroot, run_id):
    """A client process holding a Run and a Flow object made before any tag change."""
    lc = LiveClient(sysroot, f'''
        run = Run("LinearFlow/{run_id}")
        flow = Flow("LinearFlow")
        listed = flow.latest_run
        task = run["add"].task
    ''', '{"user": sorted(run.user_tags), "tags": sorted(run.tags), '
         '"listed": sorted(listed.user_tags), "task_tags": sorted(task.tags), '
         '"tagged": [r.id for r in flow.runs("shipped")]}')
    yield lc
    lc.close()


def test_cli_tag_add_is_seen_by_an_existing_client_object_in_another_process(
        sysroot, run_id, live):
    assert live.poll()["user"] == []
    res = flow_cli(sysroot, LINEAR, "tag", "add", "--run-id", run_id, "shipped", "v1")
    assert res.returncode == 0, res.stderr
    seen = live.poll()
    assert seen["user"] == ["shipped", "v1"] and seen["listed"] == ["shipped", "v1"]
    assert {"shipped", "v1", "user:tester"} <= set(seen["tags"])
    assert seen["task_tags"] == seen["tags"]
    assert seen["tagged"] == [run_id]


def test_cli_tag_remove_is_seen_by_an_existing_client_object_in_another_process(
        sysroot, run_id, live):
    assert flow_cli(sysroot, LINEAR, "tag", "add", "--run-id", run_id, "shipped", "v1") \
        .returncode == 0
    assert live.poll()["user"] == ["shipped", "v1"]
    res = flow_cli(sysroot, LINEAR, "tag", "remove", "--run-id", run_id, "shipped")
    assert res.returncode == 0, res.stderr
    seen = live.poll()
    assert seen["user"] == ["v1"] and seen["tagged"] == []


def test_cli_tag_replace_swaps_tags_for_a_client_in_another_process(sysroot, run_id, live):
    assert flow_cli(sysroot, LINEAR, "tag", "add", "--run-id", run_id, "candidate") \
        .returncode == 0
    res = flow_cli(sysroot, LINEAR, "tag", "replace", "--run-id", run_id,
                   "--remove", "candidate", "--add", "shipped")
    assert res.returncode == 0, res.stderr
    assert live.poll()["user"] == ["shipped"]
    res = flow_cli(sysroot, LINEAR, "tag", "replace", "--run-id", run_id, "shipped", "retired")
    assert res.returncode == 0, res.stderr
    seen = live.poll()
    assert seen["user"] == ["retired"] and seen["tagged"] == []


def test_api_tag_changes_are_seen_by_the_cli_and_another_client_process(sysroot, run_id, live):
    client(sysroot, f'''
        r = Run("LinearFlow/{run_id}")
        r.add_tag("shipped")
        r.add_tags(["a", "b"])
        r.remove_tag("a")
        r.replace_tag("b", "c")
        emit(sorted(r.user_tags))
    ''')
    seen = live.poll()
    assert seen["user"] == ["c", "shipped"] and seen["tagged"] == [run_id]
    listed = flow_cli(sysroot, LINEAR, "tag", "list", "--run-id", run_id, "--hide-system-tags")
    assert listed.returncode == 0, listed.stderr
    assert f"LinearFlow/{run_id}: c, shipped" in listed.stdout or \
        f"LinearFlow/{run_id}: shipped, c" in listed.stdout, listed.stdout


def test_api_tag_change_is_seen_by_another_run_object_in_the_same_process(sysroot, run_id):
    out = client(sysroot, f'''
        a = Run("LinearFlow/{run_id}")
        b = Run("LinearFlow/{run_id}")
        c = Flow("LinearFlow").latest_run
        first = sorted(b.user_tags)
        a.add_tag("shipped")
        after_add = [sorted(b.user_tags), sorted(c.user_tags), "shipped" in b.tags,
                     [r.id for r in Flow("LinearFlow").runs("shipped")]]
        b.replace_tag("shipped", "retired")
        emit({{"first": first, "after_add": after_add, "after_replace": sorted(a.user_tags)}})
    ''')
    assert out["first"] == []
    assert out["after_add"] == [["shipped"], ["shipped"], True, [run_id]]
    assert out["after_replace"] == ["retired"]


def test_tags_given_at_launch_are_user_tags(sysroot):
    rid = run_ok(sysroot, "valid", "linear.py", args=["--tag", "nightly", "--tag", "exp:7"])
    out = tags_of(sysroot, rid)
    assert out["user"] == ["exp:7", "nightly"]
    assert "nightly" not in out["system"] and "user:tester" in out["system"]
    assert set(out["tags"]) == set(out["user"]) | set(out["system"])


def test_system_tags_cannot_be_added_or_removed_through_the_api(sysroot, run_id):
    out = client(sysroot, f'''
        r = Run("LinearFlow/{run_id}")
        emit({{"remove": attempt(lambda: r.remove_tag("user:tester")),
               "add": attempt(lambda: r.add_tag("runtime:dev")),
               "replace": attempt(lambda: r.replace_tag("user:tester", "user:mallory")),
               "system": sorted(Run("LinearFlow/{run_id}").system_tags),
               "user": sorted(Run("LinearFlow/{run_id}").user_tags)}})
    ''')
    for what in ("remove", "add", "replace"):
        assert out[what].get("error") == "UsageError", (what, out[what])
        assert "system tag" in out[what]["text"]
    assert "user:tester" in out["system"] and out["user"] == []


def test_cli_refuses_to_remove_a_system_tag_with_exit_2(sysroot, run_id):
    before = tags_of(sysroot, run_id)
    res = flow_cli(sysroot, LINEAR, "tag", "remove", "--run-id", run_id, "user:tester")
    assert res.returncode == 2, res.stdout + res.stderr
    assert "user:tester" in res.stderr and "system tag" in res.stderr
    assert "Traceback" not in res.stderr
    assert tags_of(sysroot, run_id) == before


def test_cli_refuses_to_add_a_system_tag_with_exit_2(sysroot, run_id):
    res = flow_cli(sysroot, LINEAR, "tag", "add", "--run-id", run_id, "runtime:dev")
    assert res.returncode == 2, res.stdout + res.stderr
    assert "runtime:dev" in res.stderr and "Traceback" not in res.stderr
    assert tags_of(sysroot, run_id)["user"] == []


def test_empty_and_over_512_character_tags_are_refused_by_the_api(sysroot, run_id):
    out = client(sysroot, f'''
        r = Run("LinearFlow/{run_id}")
        emit({{"empty": attempt(lambda: r.add_tag("")),
               "blank": attempt(lambda: r.add_tag("   ")),
               "long": attempt(lambda: r.add_tag("x" * 513)),
               "in_list": attempt(lambda: r.add_tags(["fine", ""])),
               "replace": attempt(lambda: r.replace_tag("a", "")),
               "max": attempt(lambda: r.add_tag("y" * 512)),
               "user": [len(t) for t in Run("LinearFlow/{run_id}").user_tags]}})
    ''')
    for what in ("empty", "blank", "long", "in_list", "replace"):
        assert "UsageError" in out[what].get("bases", []), (what, out[what])
    assert "512" in out["long"]["text"]
    assert "error" not in out["max"]
    # nothing was half-applied: only the 512-character tag went in
    assert out["user"] == [512]


@pytest.mark.parametrize("tag", ["", "z" * 513])
def test_empty_and_over_512_character_tags_are_refused_by_the_cli_with_exit_2(
        sysroot, run_id, tag):
    res = flow_cli(sysroot, LINEAR, "tag", "add", "--run-id", run_id, tag)
    assert res.returncode == 2, res.stdout + res.stderr
    assert "Traceback" not in res.stderr
    assert tags_of(sysroot, run_id)["user"] == []


def test_cli_tag_on_an_unknown_run_names_it_and_fails_without_traceback(sysroot, run_id):
    res = flow_cli(sysroot, LINEAR, "tag", "add", "--run-id", "999", "shipped")
    assert res.returncode != 0
    assert "999" in res.stderr and run_id in res.stderr  # hint: the latest run
    assert "Traceback" not in res.stderr


def test_cli_tag_list_shows_user_and_system_tags(sysroot, run_id):
    assert flow_cli(sysroot, LINEAR, "tag", "add", "--run-id", run_id, "shipped").returncode == 0
    full = flow_cli(sysroot, LINEAR, "tag", "list", "--run-id", run_id)
    short = flow_cli(sysroot, LINEAR, "tag", "list", "--run-id", run_id, "--hide-system-tags")
    assert full.returncode == 0 and short.returncode == 0
    assert "shipped" in full.stdout and "user:tester" in full.stdout
    assert "shipped" in short.stdout and "user:tester" not in short.stdout


def test_promotion_tagged_run_is_exactly_what_runs_by_tag_returns(sysroot):
    first = run_ok(sysroot, "valid", "linear.py")
    second = run_ok(sysroot, "valid", "linear.py")
    res = flow_cli(sysroot, LINEAR, "tag", "add", "--run-id", first, "prod-ready")
    assert res.returncode == 0, res.stderr
    out = client(sysroot, '''
        f = Flow("LinearFlow")
        emit({"prod": [r.pathspec for r in f.runs("prod-ready")],
              "both_tags": [r.id for r in f.runs("prod-ready", "runtime:dev")],
              "unmet": [r.id for r in f.runs("prod-ready", "nope")],
              "all": [r.id for r in f.runs()], "latest": f.latest_run.id,
              "value": [r.data.value for r in f.runs("prod-ready")]})
    ''')
    assert out["prod"] == [f"LinearFlow/{first}"]
    assert out["both_tags"] == [first]
    assert out["unmet"] == []
    assert out["all"] == [second, first] and out["latest"] == second
    assert out["value"] == [6]


def test_promotion_moves_when_the_tag_is_moved_through_the_api(sysroot):
    first = run_ok(sysroot, "valid", "linear.py")
    second = run_ok(sysroot, "valid", "linear.py")
    assert flow_cli(sysroot, LINEAR, "tag", "add", "--run-id", first, "prod-ready") \
        .returncode == 0
    client(sysroot, f'''
        Run("LinearFlow/{first}").remove_tag("prod-ready")
        Run("LinearFlow/{second}").add_tag("prod-ready")
        emit(True)
    ''')
    out = client(sysroot, '''
        emit([r.id for r in Flow("LinearFlow").runs("prod-ready")])
    ''')
    assert out == [second]


def test_tag_commands_without_run_id_act_on_your_latest_run_not_another_users(sysroot):
    mine = run_ok(sysroot, "valid", "linear.py")
    alices = run_ok(sysroot, "valid", "linear.py", user="alice")
    res = flow_cli(sysroot, LINEAR, "tag", "add", "shipped")
    assert res.returncode == 0, res.stderr
    assert tags_of(sysroot, mine)["user"] == ["shipped"]
    out = client(sysroot, f'''
        namespace(None)
        emit(sorted(Run("LinearFlow/{alices}").user_tags))
    ''')
    assert out == []
    mine_only = flow_cli(sysroot, LINEAR, "tag", "list")
    everyone = flow_cli(sysroot, LINEAR, "tag", "list", "--all")
    assert mine in mine_only.stdout and alices not in mine_only.stdout
    assert mine in everyone.stdout and alices in everyone.stdout


def test_concurrent_tag_changes_from_two_processes_are_all_kept(sysroot, run_id):
    code = '''
        r = Run("LinearFlow/{rid}")
        for i in range(25):
            r.add_tag("{who}-%d" % i)
        r.remove_tag("{who}-0")
        emit(True)
    '''
    procs = [subprocess.Popen([sys.executable, "-c",
                               PRELUDE + textwrap.dedent(code.format(rid=run_id, who=who))],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              env=client_env(sysroot), cwd=client_dir(sysroot))
             for who in ("p", "q")]
    for p in procs:
        _, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
    expected = sorted(f"{who}-{i}" for who in ("p", "q") for i in range(1, 25))
    assert tags_of(sysroot, run_id)["user"] == expected


@pytest.mark.parametrize("tag", ["", "w" * 513])
def test_empty_or_over_long_tag_at_launch_is_refused_and_starts_no_run(sysroot, run_id, tag):
    res = flow_cli(sysroot, LINEAR, "run", "--tag", tag)
    assert res.returncode == 2, res.stdout + res.stderr
    assert "Traceback" not in res.stderr
    out = client(sysroot, '''emit([r.id for r in Flow("LinearFlow")])''')
    assert out == [run_id]
