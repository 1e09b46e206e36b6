"""A real RFC 3161 timestamp authority on 127.0.0.1 for tests: `openssl ts -reply` behind a
small HTTP server, with its own CA and a TSA certificate whose extended key usage is
timeStamping (critical), as RFC 3161 section 2.3 requires.

Also a broken authority (answers every request with HTTP 500), for the failure paths.
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_CONFIG = """\
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = placeholder

[ ca_ext ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ tsa_ext ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@dataclass
class LocalTsa:
    """An authority's files: its CA certificate (what a verifier trusts), its own
    certificate and key, and the openssl configuration that makes replies."""

    folder: Path
    url: str = ""

    @property
    def ca_pem(self) -> Path:
        return self.folder / "ca.pem"

    @property
    def tsa_pem(self) -> Path:
        return self.folder / "tsa.pem"

    @property
    def config(self) -> Path:
        return self.folder / "openssl.cnf"

    @classmethod
    def create(cls, folder: Path, name: str = "Test TSA") -> LocalTsa:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "openssl.cnf").write_text(_CONFIG.format(dir=folder))
        (folder / "serial").write_text("01\n")
        cnf = str(folder / "openssl.cnf")
        _openssl("req", "-new", "-x509", "-newkey", "ec", "-pkeyopt",
                 "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                 "-days", "3650", "-subj", f"/CN={name} Root CA", "-config", cnf,
                 "-extensions", "ca_ext", cwd=folder)
        _openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                 "-nodes", "-keyout", "tsa.key", "-out", "tsa.csr", "-subj", f"/CN={name}",
                 "-config", cnf, cwd=folder)
        _openssl("x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                 "-CAcreateserial", "-out", "tsa.pem", "-days", "3650", "-extfile", cnf,
                 "-extensions", "tsa_ext", cwd=folder)
        return cls(folder)

    def reply(self, request: bytes) -> bytes:
        """What `openssl ts -reply` answers to a DER timestamp request."""
        with tempfile.TemporaryDirectory() as work:
            query, response = Path(work) / "q.tsq", Path(work) / "r.tsr"
            query.write_bytes(request)
            _openssl("ts", "-reply", "-config", str(self.config), "-queryfile", str(query),
                     "-out", str(response), cwd=self.folder)
            return response.read_bytes()


class _Handler(BaseHTTPRequestHandler):
    tsa: LocalTsa | None = None  # None: answer 500 (a broken authority)
    requests: list[bytes]

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.requests.append(body)
        if self.tsa is None or self.headers.get("Content-Type") != "application/timestamp-query":
            self.send_response(500)
            self.end_headers()
            return
        answer = self.tsa.reply(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # quiet: tests read the requests list instead


@dataclass
class Served:
    """A running authority: its URL and every request it received."""

    url: str
    requests: list[bytes]
    tsa: LocalTsa | None


@contextmanager
def serve(tsa: LocalTsa | None) -> Iterator[Served]:
    """Serve tsa (None: a broken authority) on 127.0.0.1 until the block ends."""
    requests: list[bytes] = []
    handler = type("Handler", (_Handler,), {"tsa": tsa, "requests": requests})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{server.server_address[1]}/tsa", requests, tsa)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
