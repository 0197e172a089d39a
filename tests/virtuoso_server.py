"""A real Virtuoso (open-source edition, Debian's `virtuoso-opensource`) on free loopback ports.

Each server gets a fresh database in a temporary folder, listens on 127.0.0.1 only (SQL and HTTP)
and is stopped by the fixture that started it. `.ci/run` installs the package when it is missing;
elsewhere the tests that need it are skipped, except under CI (`CI` set), where a missing Virtuoso
fails them rather than passing silently.

Endpoints: /sparql (SPARQL 1.1 Protocol, query and update), /sparql-graph-crud (SPARQL 1.1 Graph
Store Protocol). Out of the box Virtuoso lets the anonymous web user read but not write; the
server is opened for writing (loopback only) through its SQL port, as its documentation describes:
the SPARQL_UPDATE role for the user "SPARQL", and read-write default permissions on graphs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from oxigraph_server import free_port

DEFAULT_MAX_ROWS = 50_000
"""ResultSetMaxRows of the test server: Debian's default is 10,000; a real deployment sets its own."""

INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 0
CaseMode = 2
DirsAllowed = ., {db}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty_buffers}
ThreadsPerQuery = 2
TransactionAfterImageLimit = {after_image_limit}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}/vsp
ServerThreads = 10
MaxClientConnections = 10
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 0
"""

OPEN_FOR_WRITING = "grant SPARQL_UPDATE to \"SPARQL\"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);"


def virtuoso_binaries() -> tuple[str, str] | None:
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    return (server, isql) if server and isql else None


@dataclass
class VirtuosoServer:
    process: subprocess.Popen
    http_port: int
    sql_port: int
    folder: Path
    max_rows: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def query_url(self) -> str:
        return f"{self.base}/sparql"

    @property
    def update_url(self) -> str:
        return f"{self.base}/sparql"

    @property
    def store_url(self) -> str:
        return f"{self.base}/sparql-graph-crud"

    def isql(self, statements: str, timeout: float = 600) -> str:
        """Run SQL statements as dba through the server's SQL port (loopback); their output."""
        binaries = virtuoso_binaries()
        assert binaries is not None
        done = subprocess.run(
            [binaries[1], f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statements}"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=True,
        )
        return done.stdout.decode(errors="replace")

    def bulk_load(self, ntriples: bytes, graph: str, timeout: float = 1800) -> None:
        """Virtuoso's own bulk loader (ld_dir, rdf_loader_run), the way its documentation loads large files."""
        (self.folder / "bulk").mkdir(exist_ok=True)
        (self.folder / "bulk" / "graph.nt").write_bytes(ntriples)
        self.isql(f"ld_dir('{self.folder / 'bulk'}', 'graph.nt', '{graph}'); rdf_loader_run(); checkpoint;", timeout)

    def log(self) -> str:
        path = self.folder / "virtuoso.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def start_virtuoso(
    timeout: float = 120.0,
    max_rows: int = DEFAULT_MAX_ROWS,
    buffers: int = 20_000,
    after_image_limit: int = 50_000_000,
) -> VirtuosoServer:
    """Start one server and return once its HTTP endpoint answers and it accepts writes. `after_image_limit`
    caps what one transaction may write (bytes): a MOVE that replaces a large graph needs it raised."""
    binaries = virtuoso_binaries()
    if binaries is None:
        if os.environ.get("CI"):
            pytest.fail("Virtuoso is not installed: .ci/run installs Debian's virtuoso-opensource")
        pytest.skip("Virtuoso is not installed (Debian: apt-get install virtuoso-opensource)")
    server_binary = binaries[0]
    folder = Path(tempfile.mkdtemp(prefix="icskg-virtuoso-"))
    http_port, sql_port = free_port(), free_port()
    (folder / "vsp").mkdir()  # the web root: empty, /sparql and /sparql-graph-crud are built in
    (folder / "virtuoso.ini").write_text(
        INI.format(
            db=folder,
            sql_port=sql_port,
            http_port=http_port,
            max_rows=max_rows,
            buffers=buffers,
            dirty_buffers=buffers * 3 // 4,
            after_image_limit=after_image_limit,
        ),
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [server_binary, "+foreground", "+configfile", str(folder / "virtuoso.ini")],
        cwd=folder,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = VirtuosoServer(process, http_port, sql_port, folder, max_rows)
    try:
        _wait_until_answering(server, time.monotonic() + timeout)
        server.isql(OPEN_FOR_WRITING, timeout=60)
    except BaseException:
        log = server.log()
        server.stop()
        raise RuntimeError(f"Virtuoso did not start on {server.base}: {log}") from None
    return server


def _wait_until_answering(server: VirtuosoServer, deadline: float) -> None:
    probe = f"{server.query_url}?query=ASK%7B%7D"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError("Virtuoso exited")
        try:
            with urllib.request.urlopen(probe, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise TimeoutError("Virtuoso did not answer in time")
