"""`manage.py sgid_keygen PATH`: a new key pair for registering a client with sgID.

Writes the RSA-2048 private key to PATH (PKCS#8 PEM, mode 0600, never over an existing file) and
prints the public key, which is what sgID's registration asks for, as PEM and as a JWK (with its
`kid`, the RFC 7638 thumbprint, `use: enc` and `alg: RSA-OAEP-256`).

`manage.py sgid_keygen --public-of PATH` prints the same for a private key that exists already:
the key to register in a rotation, or a check of which key a server holds.
"""

from __future__ import annotations

import json
import os
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.management.base import BaseCommand, CommandError, CommandParser
from jwcrypto.jwk import JWK

from accounts.sgid.errors import ConfigurationError
from accounts.sgid.keys import load_private_key, public_jwk, public_pem, read_private_key


class Command(BaseCommand):
    help = (
        "Write a new RSA-2048 private key for sgID (mode 0600) and print its public key; "
        "or, with --public-of, print the public key of an existing private key file."
    )
    # A key is made before the client is registered, so before the site's settings are complete;
    # and --public-of must work on a server whose keys the checks refuse.
    requires_system_checks = ()

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", nargs="?", help="where to write the private key; must not exist yet"
        )
        parser.add_argument(
            "--public-of",
            metavar="PATH",
            help="print the public key of this private key file; write nothing",
        )

    def handle(self, *args: Any, path: str | None, public_of: str | None, **options: Any) -> None:
        if public_of is not None and path is None:
            try:
                key = read_private_key(path=public_of)
            except ConfigurationError as exc:
                raise CommandError(f"{public_of}: {exc.reason}.") from exc
            self.stdout.write(f"The public half of the private key in {public_of}.\n\n")
        elif path is not None and public_of is None:
            key = self._write_new_key(path)
            self.stdout.write(f"Private key written to {path} (mode 0600). Keep it secret.\n")
            self.stdout.write(
                "For a first key, set SGID_PRIVATE_KEY_FILE to that path on the servers; to "
                "rotate the key, set SGID_PRIVATE_KEY_NEXT_FILE (docs/security.md, Keys).\n\n"
            )
        else:
            raise CommandError(
                "Give either PATH (a new key) or --public-of PATH (an existing one)."
            )
        self._print_public_key(key)

    def _write_new_key(self, path: str) -> JWK:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            # O_EXCL: refuse to replace a key, even one created a moment ago by someone else.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError as exc:
            raise CommandError(f"{path} exists already; it was left as it is.") from exc
        except OSError as exc:
            raise CommandError(f"cannot create {path}: {exc.strerror}.") from exc
        with os.fdopen(fd, "wb") as file:
            file.write(private_pem)
        # Read back as the site reads it, so what is printed is what the site will decrypt with.
        return load_private_key(private_pem.decode("ascii"))

    def _print_public_key(self, key: JWK) -> None:
        jwk = public_jwk(key)
        self.stdout.write(f"Key id (kid, its RFC 7638 thumbprint): {jwk['kid']}\n\n")
        self.stdout.write("Public key for sgID's client registration (PEM):\n")
        self.stdout.write(public_pem(key))
        self.stdout.write("\nThe same public key as a JWK:\n")
        self.stdout.write(json.dumps(jwk, indent=2) + "\n")
