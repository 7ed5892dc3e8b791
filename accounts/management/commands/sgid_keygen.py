"""`manage.py sgid_keygen PATH`: a new key pair for registering a client with sgID.

Writes the RSA-2048 private key to PATH (PKCS#8 PEM, mode 0600, never over an existing file) and
prints the public key, which is what sgID's registration asks for, as PEM and as a JWK.
"""

from __future__ import annotations

import json
import os
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.management.base import BaseCommand, CommandError, CommandParser
from jwcrypto.jwk import JWK


class Command(BaseCommand):
    help = "Write a new RSA-2048 private key for sgID (mode 0600) and print its public key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="where to write the private key; must not exist yet")

    def handle(self, *args: Any, path: str, **options: Any) -> None:
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

        public_pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        public_jwk = json.loads(JWK.from_pyca(key.public_key()).export_public())
        self.stdout.write(f"Private key written to {path} (mode 0600). Keep it secret.\n")
        self.stdout.write("Set SGID_PRIVATE_KEY_FILE to that path on the servers.\n\n")
        self.stdout.write("Public key for sgID's client registration (PEM):\n")
        self.stdout.write(public_pem.decode())
        self.stdout.write("\nThe same public key as a JWK:\n")
        self.stdout.write(json.dumps(public_jwk, indent=2) + "\n")
