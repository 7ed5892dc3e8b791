"""sgID's end-to-end encryption of userinfo: two layers of JWE (RFC 7516), compact serialisation.

Layer 1: `key` is encrypted to the client's RSA public key; its plaintext is a symmetric JWK.
Layer 2: each `data[scope]` is encrypted under that symmetric key; its plaintext is UTF-8 text.
Both algorithm families seen from sgID-compatible providers are allowed, and nothing else:
RSA-OAEP-256 + A256GCM with A128GCMKW + A128GCM fields (sgID's SDK vectors), and
RSA-OAEP + A128CBC-HS256 with dir + A256GCM fields.

Layer 1 may be encrypted to either of the client's keys while one is rotated (keys.py). A `kid`
in its header (RFC 7516 §4.1.6) that names one of them picks it; otherwise each is tried in turn.
"""

from __future__ import annotations

from jwcrypto.common import JWException
from jwcrypto.jwe import JWE
from jwcrypto.jwk import JWK

from .errors import DecryptionFailed
from .jsontext import loads
from .keys import DecryptionKeys

KEY_LAYER_ALGORITHMS = ("RSA-OAEP-256", "RSA-OAEP", "A256GCM", "A128CBC-HS256")
FIELD_LAYER_ALGORITHMS = ("A128GCMKW", "dir", "A128GCM", "A256GCM")


def decrypt_compact(token: str, key: JWK, allowed: tuple[str, ...]) -> bytes:
    """The plaintext of a compact JWE whose alg and enc are both in `allowed`."""
    return _open(_parse_compact(token, allowed), key)


def _parse_compact(token: str, allowed: tuple[str, ...]) -> JWE:
    if not isinstance(token, str) or token.count(".") != 4:
        raise DecryptionFailed("not a compact JWE")
    jwe = JWE(algs=list(allowed))
    try:
        jwe.deserialize(token)
    except Exception as exc:
        raise DecryptionFailed(f"JWE rejected ({type(exc).__name__})") from exc
    return jwe


def _open(jwe: JWE, key: JWK) -> bytes:
    try:
        jwe.decrypt(key)
    # jwcrypto raises a variety of exceptions for malformed or tampered input; each one means
    # the same thing here: this ciphertext is not for us, or not intact.
    except Exception as exc:
        raise DecryptionFailed(f"JWE rejected ({type(exc).__name__})") from exc
    payload = jwe.payload
    if not isinstance(payload, bytes):
        raise DecryptionFailed("JWE without a payload")
    return payload


def _kid(jwe: JWE) -> object:
    try:
        header = jwe.jose_header
    # A header that does not parse names no key; decrypting reports what is wrong with it.
    except Exception:
        return None
    return header.get("kid") if isinstance(header, dict) else None


def unwrap_data_key(encrypted_key: str, private_keys: DecryptionKeys) -> JWK:
    """Layer 1: the symmetric key that encrypts this response's fields."""
    jwe = _parse_compact(encrypted_key, KEY_LAYER_ALGORITHMS)
    failure = DecryptionFailed("the key layer is encrypted to none of the client's keys")
    for private_key in private_keys.to_try(_kid(jwe)):
        try:
            plaintext = _open(jwe, private_key)
            break
        except DecryptionFailed as exc:
            failure = exc
    else:
        raise failure
    try:
        jwk_json = loads(plaintext)
        if not isinstance(jwk_json, dict) or jwk_json.get("kty") != "oct":
            raise ValueError("not a symmetric JWK")
        return JWK(**jwk_json)
    except (ValueError, TypeError, JWException) as exc:
        raise DecryptionFailed("the decrypted key is not a symmetric JWK") from exc


def decrypt_field(ciphertext: str, data_key: JWK) -> str:
    """Layer 2: one scope's value, as text."""
    plaintext = decrypt_compact(ciphertext, data_key, FIELD_LAYER_ALGORITHMS)
    try:
        return plaintext.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecryptionFailed("a decrypted value is not UTF-8 text") from exc
