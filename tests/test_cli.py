"""The command line as a user meets it: its version, help that names only real flags, a taken port."""

from __future__ import annotations

import os
import re
import socket

import pytest

from policykg import __version__
from policykg.cli import _parser, main

from .processes import free_port


def _commands() -> dict:
    """The subcommands' parsers, by name."""
    return next(a for a in _parser()._actions if a.__class__.__name__ == "_SubParsersAction").choices


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0 and capsys.readouterr().out.strip() == f"policykg {__version__}"


def test_help_names_only_flags_the_command_has():
    """`load --help` once told users of a --neo4j flag that did not exist."""
    commands = _commands()
    assert {"build", "serve", "load", "push", "export"} <= set(commands)
    flags = {name: {f for action in command._actions for f in action.option_strings}
             for name, command in commands.items()}
    for name, command in commands.items():
        help_text = " ".join(command.format_help().split())
        for other, flag in re.findall(r"(?:policykg (\w+) )?(?<![\w-])(--[a-z][a-z0-9-]*[a-z0-9])", help_text):
            assert flag in flags[other or name], (name, flag, other)


def test_serve_on_a_taken_port_says_so_before_promising(built, capsys):
    _, data_dir = built
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status = main(["serve", "--data-dir", str(data_dir), "--port", str(port)])
    said = capsys.readouterr().err
    assert status == 2
    assert f"cannot serve on 127.0.0.1:{port}: the port is in use" in said and "serving" not in said.replace(
        "cannot serve", "")


@pytest.mark.parametrize("uri,said", [
    ("bolt://127.0.0.1:{port}", "cannot reach a Bolt server at bolt://127.0.0.1:{port}"),
    ("http://127.0.0.1:{port}", "is not a Bolt URI (http:// is Neo4j's HTTP port"),
    ("127.0.0.1:{port}", "is not a Bolt URI: give bolt://HOST:7687"),
])
def test_load_to_a_server_it_cannot_use_is_one_line(built, capsys, uri, said):
    port = free_port()  # bound then released: nothing listens there
    status = main(["load", "--data-dir", str(built[1]), "--neo4j-uri", uri.format(port=port)])
    err = capsys.readouterr().err
    assert status == 2 and said.format(port=port) in " ".join(err.split())
    assert "Traceback" not in err


def test_serve_from_a_bolt_server_that_does_not_answer_is_one_line(built, capsys, monkeypatch):
    port = free_port()
    monkeypatch.setenv("NEO4J_URI", f"bolt://127.0.0.1:{port}")
    status = main(["serve", "--data-dir", str(built[1]), "--backend", "neo4j", "--port", str(free_port())])
    err = " ".join(capsys.readouterr().err.split())
    assert status == 2 and f"cannot serve from neo4j: cannot reach a Bolt server at bolt://127.0.0.1:{port}" in err


def test_the_bolt_reader_says_why_it_cannot_open():
    from policykg.graph.backends import open_reader
    from policykg.graph.backends.bolt import BoltTarget, BoltUnreachable

    with pytest.raises(BoltUnreachable, match="is not a Bolt URI"):
        open_reader("neo4j", target=BoltTarget(uri="http://127.0.0.1:7474"))
    with pytest.raises(BoltUnreachable, match="cannot reach a Bolt server"):
        open_reader("neo4j", target=BoltTarget(uri=f"bolt://127.0.0.1:{free_port()}"))  # the dialect is asked


def test_refused_credentials_are_one_line_naming_the_flags(built, capsys):
    """The driver's AuthError, as any Bolt server raises it for a wrong password, becomes the sentence ``load``
    prints; against a real Neo4j (``NEO4J_URI``) the whole command is run with a wrong password.  FalkorDB,
    the tests' Bolt server, accepts any password, so without a Neo4j only the sentence is checked."""
    from neo4j.exceptions import AuthError

    from policykg.graph.backends.bolt import BoltTarget, explain

    said = str(explain(AuthError("The client is unauthorized due to authentication failure."),
                       BoltTarget(uri="bolt://db.example:7687", user="neo4j")))
    assert "refused user 'neo4j' and its password" in said and "--neo4j-password" in said
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        pytest.skip("NEO4J_URI not set: the wrong-password run needs a real Neo4j (the sentence was checked)")
    status = main(["load", "--data-dir", str(built[1]), "--neo4j-uri", uri, "--neo4j-password", "not-the-password"])
    err = " ".join(capsys.readouterr().err.split())
    assert status == 2 and "refused user" in err and "Traceback" not in err


@pytest.mark.parametrize("fmt,kind", [("nq", "folder"), ("graphml", "folder"), ("neo4j-csv", "file"),
                                      ("csv", "file")])
def test_export_onto_the_wrong_kind_of_path_is_one_line(built, capsys, tmp_path, fmt, kind):
    out = tmp_path / "out"
    out.mkdir() if kind == "folder" else out.write_text("keep me", encoding="utf-8")
    status = main(["export", "--data-dir", str(built[1]), "--format", fmt, "--out", str(out)])
    err = " ".join(capsys.readouterr().err.split())
    assert status == 2 and f"is a {kind}" in err and "Traceback" not in err
    assert out.is_dir() if kind == "folder" else out.read_text(encoding="utf-8") == "keep me"


def test_export_under_a_file_is_one_line(built, capsys, tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    status = main(["export", "--data-dir", str(built[1]), "--format", "nq", "--out", str(tmp_path / "file" / "a.nq")])
    assert status == 2 and "cannot write" in capsys.readouterr().err


def test_query_runs_a_catalogue_question_in_either_language(built, capsys):
    import csv
    import io
    import json

    from policykg.graph.backends.embedded import open_sparql
    from policykg.graph.builds.datadir import DataDir
    from policykg.graph.questions import catalogue

    data_dir = str(built[1])
    expected = catalogue.run("sparql", open_sparql(DataDir(built[1]).current()), "programmes_for_group",
                             {"group_name": "农村留守老年人"})
    assert main(["query", "programmes_for_group", "--param", "group_name=农村留守老年人", "--format", "csv",
                 "--data-dir", data_dir]) == 0
    header, *rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert header == ["programme", "programme_name", "document", "target_group", "quote"]
    assert [tuple(row) for row in rows] == expected and len(expected) > 3
    assert main(["query", "programmes_for_group", "--param", "group_name=农村留守老年人", "--language", "cypher",
                 "--format", "json", "--data-dir", data_dir]) == 0
    answered = json.loads(capsys.readouterr().out)
    assert sorted(tuple(row.values()) for row in answered) == expected


def test_query_says_what_it_takes(built, capsys):
    assert main(["query", "nope", "--data-dir", str(built[1])]) == 2
    assert "choose one of aligned_programmes" in capsys.readouterr().err
    assert main(["query", "programmes_for_group", "--param", "group=x", "--data-dir", str(built[1])]) == 2
    assert "takes --param group_name=…; not group" in " ".join(capsys.readouterr().err.split())


def test_the_registry_names_commands_that_exist():
    """Each backend says how it is filled; that command and its flags must be real."""
    from policykg.graph.backends import REGISTRY

    commands = _commands()
    for backend in REGISTRY.values():
        for said in backend.filled_by.split("; "):
            words = said.split()
            assert words[0] == "policykg" and words[1] in commands, backend.name
            flags = {f for action in commands[words[1]]._actions for f in action.option_strings}
            assert {w for w in words[2:] if w.startswith("--")} <= flags, backend.name


def test_the_command_line_module_leaves_the_build_unimported():
    """Each SPARQL worker the server spawns imports ``policykg.cli`` again (its parent's ``__main__``): with the
    build's libraries at the top of it, every worker held 190 MB; the server's process tree now stays under
    the 600 MB of issue 19 (docs/benchmarks.md)."""
    import subprocess
    import sys

    probe = ("import sys, policykg.cli; print(','.join(m for m in ('policykg.build', 'pyshacl', 'jieba', "
             "'policykg.loaders') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
