"""SRP-6a, the server side of Cognito's USER_SRP_AUTH (aws-facts.md §2.2).

The group, the hashes and the key derivation are fixed by the AWS SDKs (amazon-cognito-identity-js
`AuthenticationHelper`, pycognito `aws_srp`): the 3072-bit MODP prime of RFC 3526 with g = 2,
SHA-256, `x` from poolName + USER_ID_FOR_SRP + ":" + password, an HKDF labelled
"Caldera Derived Key". This module is their server-side mirror: the password verifier, the
server value B, the shared key, and the PASSWORD_CLAIM_SIGNATURE a client holding the right
password computes. Plain functions over integers and strings: no moto, no HTTP.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

N_HEX = (
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
)
N = int(N_HEX, 16)
G = 2
_INFO = b"Caldera Derived Key\x01"  # the HKDF info string, with the counter byte 1
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# "ddd MMM D HH:mm:ss UTC YYYY": the day is not zero-padded, the time is (aws-facts.md §2.2).
_TIMESTAMP = re.compile(r"(?P<day>[A-Z][a-z]{2}) (?P<month>[A-Z][a-z]{2}) (?P<date>[1-9]|[12]\d|3[01]) "
                        r"(?P<h>[01]\d|2[0-3]):(?P<m>[0-5]\d):(?P<s>[0-5]\d) UTC (?P<year>\d{4})")


def pad_hex(value: int) -> str:
    """Two's-complement hex of even length, as the SDKs hash numbers (`padHex`): a leading 00
    when the high bit is set, so the number never reads as negative."""
    text = format(value, "x")
    if len(text) % 2:
        return "0" + text
    return "00" + text if text[0] in "89abcdef" else text


def _hash_hex(hex_text: str) -> int:
    return int(hashlib.sha256(bytes.fromhex(hex_text)).hexdigest(), 16)


K = _hash_hex(pad_hex(N) + pad_hex(G))  # k = H(N | g), the SRP-6a multiplier


def private_value(pool_name: str, user_id_for_srp: str, password: str, salt: int) -> int:
    """x = H(salt | H(poolName | USER_ID_FOR_SRP | ":" | password))."""
    inner = hashlib.sha256(f"{pool_name}{user_id_for_srp}:{password}".encode()).hexdigest()
    return _hash_hex(pad_hex(salt) + inner)


@dataclass(frozen=True)
class PasswordVerifier:
    """What the server keeps instead of the password: the salt and v = g^x mod N."""

    user_id_for_srp: str
    salt: int
    value: int

    @property
    def salt_hex(self) -> str:
        # Cognito sends the salt as a number in hex, without leading zeros.
        return format(self.salt, "x")


def new_salt() -> int:
    # A first byte that isn't zero keeps the salt's hex the same whether a client pads it as a
    # string (pycognito) or as a number (amazon-cognito-identity-js).
    return int.from_bytes(bytes([secrets.randbelow(255) + 1]) + secrets.token_bytes(15), "big")


def make_verifier(pool_name: str, user_id_for_srp: str, password: str, salt: int | None = None) -> PasswordVerifier:
    salt = new_salt() if salt is None else salt
    x = private_value(pool_name, user_id_for_srp, password, salt)
    return PasswordVerifier(user_id_for_srp, salt, pow(G, x, N))


def decoy_verifier(key: bytes, pool_name: str, username: str) -> PasswordVerifier:
    """A verifier for a user who doesn't exist, the same for the same username every time, so
    that repeating the request reveals nothing (aws-facts.md §2.2: same salt, a UUID user id)."""
    digest = hmac.new(key, f"{pool_name}/{username}".encode(), hashlib.sha256).digest()
    user_id = "-".join((digest[:4].hex(), digest[4:6].hex(), "4" + digest[6:8].hex()[1:],
                        "8" + digest[8:10].hex()[1:], digest[10:16].hex()))
    salt = int.from_bytes(bytes([digest[16] | 1]) + digest[17:32], "big")
    return make_verifier(pool_name, user_id, digest.hex(), salt)


@dataclass(frozen=True)
class ServerSession:
    """One PASSWORD_VERIFIER exchange, from the server's side: the client's A, our b and B."""

    verifier: PasswordVerifier
    client_public: int  # A
    server_secret: int  # b
    server_public: int  # B

    @property
    def server_public_hex(self) -> str:
        return format(self.server_public, "x")


def acceptable_client_public(client_public: int) -> bool:
    """SRP-6a safety check: A mod N must not be 0."""
    return client_public % N != 0


def start(verifier: PasswordVerifier, client_public: int) -> ServerSession:
    """B = k·v + g^b mod N, with a fresh random b (and B mod N ≠ 0, u ≠ 0)."""
    while True:
        server_secret = int.from_bytes(secrets.token_bytes(128), "big") % N
        server_public = (K * verifier.value + pow(G, server_secret, N)) % N
        if server_public and _scrambler(client_public, server_public):
            return ServerSession(verifier, client_public, server_secret, server_public)


def _scrambler(client_public: int, server_public: int) -> int:
    return _hash_hex(pad_hex(client_public) + pad_hex(server_public))  # u = H(A | B)


def password_claim_key(session: ServerSession) -> bytes:
    """S = (A·v^u)^b mod N, then the 16-byte HKDF the client derives from its own S."""
    u = _scrambler(session.client_public, session.server_public)
    shared = pow(session.client_public * pow(session.verifier.value, u, N), session.server_secret, N)
    prk = hmac.new(bytes.fromhex(pad_hex(u)), bytes.fromhex(pad_hex(shared)), hashlib.sha256).digest()
    return hmac.new(prk, _INFO, hashlib.sha256).digest()[:16]


def expected_signature(session: ServerSession, pool_name: str, secret_block: str, timestamp: str) -> str:
    """base64(HMAC-SHA256(key, poolName | USER_ID_FOR_SRP | SECRET_BLOCK bytes | TIMESTAMP))."""
    message = (pool_name.encode() + session.verifier.user_id_for_srp.encode()
               + base64.b64decode(secret_block) + timestamp.encode())
    return base64.b64encode(hmac.new(password_claim_key(session), message, hashlib.sha256).digest()).decode()


def signature_matches(session: ServerSession, pool_name: str, secret_block: str, timestamp: str,
                      claimed: str) -> bool:
    expected = expected_signature(session, pool_name, secret_block, timestamp)
    return hmac.compare_digest(expected.encode(), claimed.encode())


def parse_timestamp(text: str) -> datetime | None:
    """The TIMESTAMP of a PASSWORD_VERIFIER response, or None when it isn't Cognito's format
    (English names, unpadded day, UTC) or names the wrong weekday."""
    match = _TIMESTAMP.fullmatch(text)
    if match is None or match["month"] not in _MONTHS or match["day"] not in _DAYS:
        return None
    try:
        moment = datetime(int(match["year"]), _MONTHS.index(match["month"]) + 1, int(match["date"]),
                          int(match["h"]), int(match["m"]), int(match["s"]), tzinfo=timezone.utc)
    except ValueError:  # e.g. Feb 30
        return None
    return moment if _DAYS[moment.weekday()] == match["day"] else None


def format_timestamp(moment: datetime) -> str:
    """The same format, written (for tests and for clients that build their own)."""
    return (f"{_DAYS[moment.weekday()]} {_MONTHS[moment.month - 1]} {moment.day} "
            f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} UTC {moment.year}")
