"""Hardening (issue 8): endpoint faults, nothing lost, nothing drifts, safe by default.

Endpoint faults: a small misbehaving HTTP server (a raw socket, so it can hang, cut a response short or
send garbage) and a separate Oxigraph process killed in the middle of a publish. test_remote.py already
covers a closed port, HTTP 400/404/500, malformed JSON and a slow answer through the API; here they go
through the CLI (exit 3, within the timeout) and the missing faults are added.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

from icskg.cli import main
from icskg.errors import EndpointError, InputError
from icskg.fmt import canonical_turtle, format_files
from icskg.outputs.publish import publish
from icskg.query.catalogue import load_catalogue, load_query
from icskg.query.remote import DEFAULT_TIMEOUT, RemoteBackend
from oxigraph_server import free_port, oxigraph_binary
from repo_factory import ROOT, make_repo

SRC = ROOT / "src" / "icskg"


def icskg(*args: str):
    result = CliRunner().invoke(main, ["--root", str(ROOT), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


# ---------------------------------------------------------------------------------------------- a misbehaving server


@contextmanager
def misbehaving(behaviour: str):
    """A loopback server that reads a request and then: `hang` (never answers), `truncate` (promises
    1000 bytes, sends 10 and closes), `garbage` (not HTTP at all), `reset` (closes at once), `500`."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    stop = threading.Event()
    connections: list[socket.socket] = []

    def serve():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            connections.append(connection)
            connection.settimeout(5)
            try:
                connection.recv(65536)
                if behaviour == "hang":
                    continue  # keep the connection open, say nothing
                if behaviour == "truncate":
                    connection.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                        b"Content-Length: 1000\r\n\r\n" + b'{"head": {'
                    )
                elif behaviour == "trickle":  # one byte every 0.2 s: each read succeeds, the call never ends
                    connection.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                        b"Content-Length: 100000\r\n\r\n"
                    )
                    for _ in range(300):
                        if stop.is_set():
                            break
                        connection.sendall(b" ")
                        time.sleep(0.2)
                elif behaviour == "garbage":
                    connection.sendall(b"\x00\xff this is not HTTP \r\n\r\n")
                elif behaviour == "500":
                    body = b"the store is on fire"
                    connection.sendall(
                        b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: "
                        + str(len(body)).encode()
                        + b"\r\n\r\n"
                        + body
                    )
                connection.close()
            except OSError:
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/query"
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in connections:
            connection.close()
        listener.close()


FAULTS = {
    "hang": "did not answer within 1 s",
    "trickle": "did not answer within 1 s",
    "truncate": "malformed or broken response",
    "garbage": "malformed or broken response",
    "reset": "",
    "500": "HTTP 500",
}


@pytest.mark.parametrize("behaviour", sorted(FAULTS))
@pytest.mark.parametrize(
    "how",
    [("-f", "table"), ("-f", "json", "--graph", "")],
    ids=["table", "streamed"],
)
def test_endpoint_faults_exit_3_within_the_timeout(behaviour, how):
    """Through the parsed path (a table) and the streamed one (an endpoint's document passed through)."""
    timeout = 1.0
    with misbehaving(behaviour) as url:
        started = time.monotonic()
        result = icskg("query", "classes", "--endpoint", url, "--timeout", str(timeout), *how)
        elapsed = time.monotonic() - started
    assert result.exit_code == 3, result.output
    line = result.output.strip().splitlines()[-1]
    assert line.startswith("icskg: ") and url in line and FAULTS[behaviour] in line, line
    assert elapsed < timeout + 5  # a bound, not a benchmark: the timeout is respected


def test_connection_refused_through_sparql_and_publish(tmp_path):
    url = f"http://127.0.0.1:{free_port()}"
    query = tmp_path / "ask.rq"
    query.write_text("ASK {}", encoding="utf-8")
    result = icskg("sparql", str(query), "--endpoint", url + "/query", "--timeout", "2")
    assert result.exit_code == 3 and "connection refused" in result.output
    with pytest.raises(EndpointError, match="connection refused") as caught:
        publish(b"", store=url + "/store", update=url + "/update", timeout=2, progress=False)
    assert caught.value.exit_code == 3


@pytest.mark.parametrize("behaviour", ["hang", "trickle"])
def test_a_hanging_or_trickling_store_times_out_a_publish(behaviour):
    """The timeout is a deadline for each whole request, not for each read."""
    with misbehaving(behaviour) as url:
        base = url.rsplit("/", 1)[0]
        started = time.monotonic()
        with pytest.raises(EndpointError, match="within 1 s") as caught:
            publish(b"<urn:a> <urn:b> <urn:c> .\n", store=base + "/store", update=base + "/update", timeout=1)
        assert time.monotonic() - started < 1 + 3 + 3  # the PUT, then the two ways to drop the staging graph
        assert "the staging graph <urn:uuid:" in str(caught.value), "what could not be removed is named"


# ---------------------------------------------------------------------------------------------- killed mid-publish


class PersistentOxigraph:
    """An Oxigraph server of our own on a data folder, so that it can be killed and started again."""

    def __init__(self, location: Path):
        binary = oxigraph_binary()
        if binary is None:
            pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
        self.binary, self.location, self.process = binary, location, None

    def start(self) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [self.binary, "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.base}/query?query=ASK%7B%7D", timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("oxigraph did not start")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # SIGKILL: no clean shutdown, as in a crash
            self.process.wait()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def count(self, graph: str) -> int:
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        request = urllib.request.Request(
            f"{self.base}/query",
            data=urllib.parse.urlencode({"query": query}).encode(),
            headers={"Accept": "text/csv"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.read().decode().splitlines()[1])

    def graphs(self) -> set[str]:
        request = urllib.request.Request(
            f"{self.base}/query",
            data=urllib.parse.urlencode({"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g {} }"}).encode(),
            headers={"Accept": "text/csv"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return set(response.read().decode().splitlines()[1:])


XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def big_graph(triples: int) -> bytes:
    """N-Triples, as BuiltGraph.ntriples gives them to publish."""
    lines = (
        f'<https://w3id.org/icskg/id/test/{i}> <http://example.org/p> "{i}"^^<{XSD_INTEGER}> .\n'
        for i in range(triples)
    )
    return "".join(lines).encode("utf-8")


def test_a_store_killed_mid_publish_keeps_the_previous_graph_and_a_retry_succeeds(tmp_path, monkeypatch):
    """SIGKILL the store when half of the upload has gone; restart it on the same data folder."""
    import icskg.outputs.publish

    target = "https://w3id.org/icskg/graph/test-kill"
    store = PersistentOxigraph(tmp_path / "store")
    store.start()
    urls = {"store": f"{store.base}/store", "update": f"{store.base}/update", "graph_iri": target}
    try:
        publish(big_graph(1000), **urls, progress=False)
        assert store.count(target) == 1000
        second = big_graph(20_000)  # about 1.7 MB of N-Triples, 25-odd chunks
        send = icskg.outputs.publish._send
        killed = []

        def send_and_crash(method, url, body, content_type, timeout, progress=None):
            sent = [0]

            def chunk_sent(size):
                sent[0] += size
                if method == "PUT" and not killed and sent[0] >= len(body) // 2:
                    killed.append(sent[0])
                    store.kill()

            return send(method, url, body, content_type, timeout, chunk_sent)

        monkeypatch.setattr(icskg.outputs.publish, "_send", send_and_crash)
        started = time.monotonic()
        with pytest.raises(EndpointError) as caught:
            publish(second, **urls, timeout=10, progress=False)
        assert killed and caught.value.exit_code == 3 and store.base in str(caught.value)
        assert time.monotonic() - started < 10 + 10 + 5  # the PUT, then the attempt to drop the staging graph
        monkeypatch.setattr(icskg.outputs.publish, "_send", send)
        store.start()  # the same data folder (on a new port)
        urls.update(store=f"{store.base}/store", update=f"{store.base}/update")
        assert store.count(target) == 1000, "the previous complete graph is still served"
        assert store.graphs() == {target}, "no half-loaded staging graph is left behind"
        done = publish(second, **urls, timeout=120, progress=False)
        assert done.triples == 20_000 and store.count(target) == 20_000
    finally:
        store.kill()


# ---------------------------------------------------------------------------------------------- nothing lost


# Every file keeps every triple, lexical form and comment through fmt: tests/cli/test_fmt.py.


BLANK_NODES = """@prefix partnership: <https://w3id.org/icskg/id/partnership/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
partnership:a skos:note {objects} .
_:shared skos:note "shared" .
partnership:b skos:related _:shared .
partnership:c skos:related _:shared .
_:x skos:related _:y . _:y skos:related _:x .
"""


def test_fmt_is_stable_with_many_blank_node_objects(tmp_path):
    """Regression: longturtle sorts objects by blank-node id, and ids depend on parse order, so a subject
    with ten or more blank-node objects came out in another order on every run (and a shared blank node
    under another label). fmt now canonicalises blank nodes first."""
    objects = " , ".join(f'[ skos:note "{c}" ; skos:notation {i} ]' for i, c in enumerate("nmlkjihgfedcba"))
    path = tmp_path / "blank.ttl"
    path.write_text(BLANK_NODES.format(objects=objects), encoding="utf-8")
    original = Graph().parse(path, format="turtle")
    format_files([path], check=False)
    texts = [path.read_text(encoding="utf-8")]
    for _ in range(3):
        assert format_files([path], check=True) == []
        format_files([path], check=False)
        texts.append(path.read_text(encoding="utf-8"))
    assert len(set(texts)) == 1
    assert isomorphic(Graph().parse(path, format="turtle"), original) and len(original) == 14 * 3 + 5
    # and the same graph read in another order gives the same text
    shuffled = Graph()
    for triple in sorted(original, key=lambda t: hashlib.sha256(str(t).encode()).hexdigest()):
        shuffled.add(triple)
    assert canonical_turtle(shuffled) == texts[0]


def value_space(quads) -> set:
    """Triples as Oxigraph stores them (typed literals canonical), blank nodes canonicalised."""
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    dataset = ox.Dataset(store)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)


def test_validation_report_is_identical_across_processes(tmp_path):
    """Same files, two interpreters with different hash seeds: byte-identical JSON reports."""
    corpus = Path(__file__).resolve().parents[1] / "bad_inputs"
    root = make_repo(tmp_path)
    shutil.copytree(corpus / "conflicting-labels", root / "data" / "conflicting-labels")
    shutil.copy(corpus / "unknown-property.ttl", root / "data" / "unknown-property.ttl")
    outputs = []
    for seed in ("1", "2"):
        process = subprocess.run(
            [sys.executable, "-m", "icskg", "--root", str(root), "validate", "-f", "json"],
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed, "ICSKG_CACHE": "0"},
            timeout=300,
        )
        assert process.returncode == 1, process.stderr
        outputs.append(process.stdout)
    assert outputs[0] == outputs[1]
    assert b"is described in" in outputs[0] and b"icskg:formerNmae" in outputs[0]


# ---------------------------------------------------------------------------------------------- safe by default


@contextmanager
def connection_counter():
    """A loopback port that counts every connection made to it (and answers none)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.1)
    count = [0]
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            count[0] += 1
            connection.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], count
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def test_loading_never_fetches_owl_imports_or_anything_else(tmp_path):
    with connection_counter() as (port, count):
        remote = f"http://127.0.0.1:{port}"
        data = f"""@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/icskg/data/fetch-test> a owl:Ontology ;
    owl:imports <{remote}/ontology.ttl> , <{remote}/more.jsonld> ;
    skos:note "see also"@en ;
    owl:sameAs <{remote}/entity> .
"""
        root = make_repo(tmp_path, {"data/imports.ttl": data})
        runner = CliRunner()
        validated = runner.invoke(main, ["--root", str(root), "validate"])
        for args in (["fmt", "--check"], ["stats"], ["export", "-f", "jsonld"]):
            runner.invoke(main, ["--root", str(root), *args])
        time.sleep(0.3)
        assert count[0] == 0, f"{count[0]} connection(s) to {remote}"
    assert validated.exit_code == 1 and f"owl:imports {remote}/ontology.ttl is not followed" in validated.output


SERVICE_QUERY = """#+ summary: A federated query
{allow}SELECT ?s WHERE {{
  # SERVICE in a comment does not count
  ?s ?p "SERVICE" .
  SERVICE <http://127.0.0.1:9/sparql> {{ ?s ?p ?o }}
}}
"""


def test_a_stored_query_may_not_call_out_unless_it_says_so(tmp_path):
    path = tmp_path / "federated.rq"
    path.write_text(SERVICE_QUERY.format(allow=""), encoding="utf-8")
    with pytest.raises(InputError, match=r"federated.rq:5: the query has a SERVICE clause") as caught:
        load_query(path)
    assert "allow_service: true" in str(caught.value)
    path.write_text(SERVICE_QUERY.format(allow="#+ allow_service: true\n"), encoding="utf-8")
    assert load_query(path).name == "federated"
    path.write_text(SERVICE_QUERY.format(allow="#+ allow_service: yes please\n"), encoding="utf-8")
    with pytest.raises(InputError, match="'allow_service' must be true or false"):
        load_query(path)
    quiet = tmp_path / "quiet.rq"
    quiet.write_text('#+ summary: no call\nSELECT ?s WHERE { ?s ?p "SERVICE" }\n', encoding="utf-8")
    assert load_query(quiet).name == "quiet"


def test_no_stored_query_calls_out():
    assert all("allow_service" not in q.text for q in load_catalogue(ROOT / "queries").queries.values())


def test_remote_queries_always_have_a_timeout(monkeypatch):
    seen = []

    def query(self):
        seen.append(self.timeout)
        raise TimeoutError

    monkeypatch.setattr("SPARQLWrapper.SPARQLWrapper.query", query)
    backend = RemoteBackend("http://127.0.0.1:9/query")
    assert backend.timeout == DEFAULT_TIMEOUT > 0
    with pytest.raises(EndpointError, match=f"within {DEFAULT_TIMEOUT:g} s"):
        backend.request("ASK {}", "application/sparql-results+json")
    assert seen == [DEFAULT_TIMEOUT]
    for bad in (None, 0, -1):
        with pytest.raises(InputError, match="timeout"):
            RemoteBackend("http://127.0.0.1:9/query", timeout=bad)
    import http.client

    connections = []
    original = http.client.HTTPConnection.__init__

    def recording(self, host, *args, timeout=None, **kwargs):
        connections.append(timeout)
        original(self, host, *args, timeout=timeout, **kwargs)

    monkeypatch.setattr(http.client.HTTPConnection, "__init__", recording)
    closed = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(EndpointError, match="connection refused"):
        publish(b"", store=closed + "/store", update=closed + "/update", progress=False)
    assert connections and all(t == DEFAULT_TIMEOUT for t in connections)


UNSAFE = re.compile(
    r"\b(eval|exec)\s*\(|\bpickle\b|\bmarshal\b|\bshelve\b|yaml\.(full_load|unsafe_load)\b|\bUnsafeLoader\b"
    r"|\bFullLoader\b|shell\s*=\s*True|\bos\.system\b|\bos\.popen\b|__import__\("
)


def test_nothing_in_the_package_executes_code_from_data():
    """No eval/exec, no pickle or marshal, no unsafe YAML, no shell: data stays data."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("#", 1)[0]
            unsafe_yaml = "yaml.load(" in code and not re.search(r"Loader=(_HeaderLoader|yaml\.SafeLoader)", code)
            if (UNSAFE.search(code) and not re.search(r"\.exec\(", code)) or unsafe_yaml:
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)
    loader = (SRC / "query" / "catalogue.py").read_text(encoding="utf-8")
    assert "class _HeaderLoader(yaml.SafeLoader)" in loader


def test_control_characters_in_data_are_escaped_in_tables(tmp_path):
    evil = '<https://w3id.org/icskg/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "\\u001b[2Jwiped" .\n'
    root = make_repo(tmp_path, {"data/evil.ttl": evil})
    result = CliRunner().invoke(main, ["--root", str(root), "sparql", "-q", "SELECT ?l WHERE { ?x rdfs:label ?l }"])
    assert result.exit_code == 0 and "\x1b" not in result.stdout and "\\x1b[2Jwiped" in result.stdout


# ---------------------------------------------------------------------------------------------- not UTF-8

NOT_UTF8 = "\udcff\udcfe"  # bytes 0xFF 0xFE as Python hands them over from a command line (surrogate escapes)


@pytest.mark.parametrize(
    "args",
    [
        ("query", "search_labels", "-p", f"text={NOT_UTF8}"),
        ("sparql", "-q", f'SELECT * WHERE {{ ?s ?p "{NOT_UTF8}" }}'),
        ("sparql", "-q", "SELECT ?x WHERE { ?x ?p ?o }", "-p", f"x={NOT_UTF8}"),
        ("--root", f"/tmp/{NOT_UTF8}", "validate"),
        ("links", "suggest", NOT_UTF8),
        ("export", "-o", f"/tmp/{NOT_UTF8}.ttl"),
    ],
    ids=["stored-param", "inline-query", "ad-hoc-param", "root", "links-text", "output-path"],
)
def test_a_command_line_value_that_is_not_utf8_is_refused_clearly(args):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 2, result.output
    assert "is not UTF-8 text" in result.stderr and "\\xff\\xfe" in result.stderr
    assert "Traceback" not in result.output and result.stdout == ""


def test_the_api_refuses_text_that_is_not_utf8(kg):
    with pytest.raises(InputError, match="parameter 'text' is not UTF-8 text"):
        kg.query("search_labels", text=NOT_UTF8)
    with pytest.raises(InputError, match="the query is not UTF-8 text"):
        kg.sparql(f'SELECT * WHERE {{ ?s ?p "{NOT_UTF8}" }}')
    with pytest.raises(InputError, match="parameter 'x' is not UTF-8 text"):
        kg.sparql("SELECT ?x WHERE { ?x ?p ?o }", params={"x": NOT_UTF8})


# ---------------------------------------------------------------------------------------------- a full disk

FULL = Path("/dev/full")  # every write fails with ENOSPC


@pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize(
    "command",
    [
        ("validate",),  # click.echo
        ("stats",),
        ("query", "classes", "-f", "csv"),  # streamed
        ("sparql", "-q", "SELECT * WHERE { ?s ?p ?o } LIMIT 5", "-f", "json"),
        ("export", "-f", "nt"),  # one document
    ],
    ids=lambda c: " ".join(c),
)
def test_stdout_on_a_full_disk_is_a_clear_error_not_a_crash(command):
    """Exit 2 with the reason, never 4 (a crash) nor 1 (taken for 'does not conform')."""
    with open(FULL, "wb") as stdout:
        result = subprocess.run(
            [sys.executable, "-m", "icskg", "--root", str(ROOT), *command],
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert result.returncode == 2, result.stderr
    assert result.stderr == "icskg: cannot write the output: No space left on device\n"


@pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full (Linux)")
def test_export_into_a_device_writes_into_it_and_never_replaces_it():
    result = icskg("export", "-f", "nt", "-o", str(FULL))
    assert result.exit_code == 2, result.output
    assert "cannot write /dev/full: No space left on device" in result.stderr
    assert FULL.is_char_device()
    assert not list(FULL.parent.glob(".full.partial"))
