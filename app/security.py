"""Passwords (hashing and the one policy for new ones), random tokens and CSRF tokens."""

import gzip
import hashlib
import hmac
import re
import secrets
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.errors import InvalidInput
from app.text import transliterate

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when the e-mail is unknown, so a wrong e-mail costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("kolo-timing-equalizer")

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
MIN_DISTINCT_CHARACTERS = 5
COMMON_PASSWORDS = Path(__file__).parent / "wordlists" / "common-passwords.txt.gz"  # source: wordlists/README.md


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher.hash(password)


def check_new_password(password: str, *, name: str, email: str) -> str:
    """The password, if it may be set for this person: 10–256 characters, not trivial, not one of the most common,
    not made of their name or e-mail address; else InvalidInput."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("The password must have at least {n} characters.", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput("The password must have at most {n} characters.", n=MAX_PASSWORD_LENGTH)
    lowered = password.lower().strip()
    if len(set(lowered)) < MIN_DISTINCT_CHARACTERS or _is_sequence(lowered):
        raise InvalidInput("The password is too simple: avoid repeated characters and sequences like 12345 or abcde.")
    if lowered in common_passwords() or lowered.rstrip("0123456789!?.,-_ ") in common_passwords():
        raise InvalidInput("This is one of the most common passwords, which are guessed first. Choose another one.")
    letters = "".join(char for char in lowered if char.isalpha())
    if letters and _made_of(letters, _personal_words(name, email)):
        raise InvalidInput("The password must not be made of your name or e-mail address.")
    return password


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of the most common passwords, lowercased."""
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines)


def _is_sequence(text: str) -> bool:
    steps = {ord(b) - ord(a) for a, b in zip(text, text[1:], strict=False)}
    return steps in ({1}, {-1})


def _personal_words(name: str, email: str) -> set[str]:
    text = f"{name} {transliterate(name)} {email}".lower()
    return {word for word in re.split(r"[\W\d_]+", text) if word}


def _made_of(text: str, words: set[str]) -> bool:
    """Whether `text` is nothing but the words, each any number of times, in any order."""
    ends = {0}
    for end in range(1, len(text) + 1):
        if any(text[start:end] in words for start in ends if start < end):
            ends.add(end)
    return len(text) in ends


def verify_password(password: str, password_hash: str | None) -> bool:
    """Whether the password matches; constant work even without a hash."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_token(prefix: str = "") -> str:
    """A fresh random token, URL-safe."""
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is stored for a token: its SHA-256 (tokens are random, so no salt is needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def signature(secret: str, purpose: str, message: str) -> str:
    """HMAC-SHA256 (hex) of `message` for one `purpose` ("csrf", "oidc", "calendar", "flash"): a value signed for one
    use never passes for another."""
    return hmac.new(secret.encode(), f"{purpose}:{message}".encode(), hashlib.sha256).hexdigest()


def csrf_token(secret: str, seed: str) -> str:
    """The CSRF token bound to a session (or an anonymous visitor's cookie)."""
    return signature(secret, "csrf", seed)


def csrf_valid(secret: str, seed: str, candidate: str | None) -> bool:
    """Whether `candidate` is the CSRF token for `seed`."""
    return bool(candidate) and hmac.compare_digest(csrf_token(secret, seed), candidate or "")
