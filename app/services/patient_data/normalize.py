"""One spelling for the look-alike characters people type, without moving a single offset."""

import re

_APOSTROPHES = "'’ʼ‘`´ʹ′"
_SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t"
_DASHES = "‐‑‒–—―−﹘﹣－"
_TABLE = str.maketrans(
    {**{c: "'" for c in _APOSTROPHES}, **{c: " " for c in _SPACES}, **{c: "-" for c in _DASHES}, "*": " ", "|": " "}
)
# Markdown emphasis `_word_` hides a word boundary; an underscore inside a word (an e-mail's `ivan_p`) stays.
_EDGE_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")


def normalize(text: str) -> str:
    """`text` with every apostrophe as ', every space as a plain space, every dash as -, and Markdown emphasis and
    table bars as spaces: one character for one, so a match's offsets are those of the original text."""
    return _EDGE_UNDERSCORE.sub(" ", text.translate(_TABLE))
