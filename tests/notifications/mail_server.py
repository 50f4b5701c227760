"""A real SMTP server in-process (aiosmtpd) that keeps what it receives, optionally with STARTTLS and a login."""

import datetime
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.config import Settings

USER, PASSWORD = "kolo", "smtp-pass-2026"


@dataclass
class Inbox:
    """What the server took: each mail as the recipient's program would read it."""

    messages: list[EmailMessage] = field(default_factory=list)
    refuse: bool = False  # answer 451 (try later) to every mail

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "451 Requested action aborted: local problem"
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"


def free_port() -> int:
    """A port nobody listens on (for a server that is down)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp.crt", folder / "smtp.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok)


@contextmanager
def smtp_server(settings: Settings, *, tls_folder: Path | None = None) -> Iterator[tuple[Inbox, Settings]]:
    """Run the server; yields its inbox and `settings` pointed at it (with STARTTLS, a CA file and a login when
    `tls_folder` is given, else plain SMTP)."""
    inbox = Inbox()
    port = free_port()
    options: dict[str, Any] = {}
    update: dict[str, Any] = {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none"}
    if tls_folder is not None:
        cert, key = _self_signed(tls_folder)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        options = {
            "tls_context": context,
            "require_starttls": True,
            "authenticator": _authenticate,
            "auth_require_tls": True,
        }
        update |= {
            "smtp_security": "starttls",
            "smtp_ca_file": str(cert),
            "smtp_username": USER,
            "smtp_password": PASSWORD,
        }
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield inbox, with_mail(settings, **update)
    finally:
        controller.stop()


def with_mail(settings: Settings, **smtp: Any) -> Settings:
    """The settings with e-mail on (the base URL the test client's, so pages and links agree)."""
    update = {
        "smtp_host": "127.0.0.1",
        "base_url": "http://testserver",
        "mail_from": "Коло лікарні <kolo@testserver>",
        **smtp,
    }
    return settings.model_copy(update=update)


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain text and the HTML of a mail."""
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    return str(text.get_content()), str(html.get_content())
