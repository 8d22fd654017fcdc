"""The optional front matter of a standalone workout file (planc extension)."""

from __future__ import annotations

from planc.diagnostics import Diagnostic, did_you_mean, error, sport_guess, warning
from planc.syntax.grammar import tok_span
from planc.units import SPORTS

# ------------------------------------------------------------ front matter --

HEADER_KEYS = ("name", "sport", "description", "tags")


def read_front_matter(front, diags: list[Diagnostic]) -> dict:
    out: dict = {}
    seen: set[str] = set()
    for _, children in front:
        key_tok = children[0]
        key = str(key_tok).rstrip(" \t:").lower()
        value = str(children[1]).strip() if len(children) > 1 else ""
        span = tok_span(key_tok)
        if key not in HEADER_KEYS:
            guess = did_you_mean(key, HEADER_KEYS)
            diags.append(error("header-key", f"unknown header key '{key}'", span,
                               f"did you mean '{guess}'?" if guess else
                               "header keys: " + ", ".join(HEADER_KEYS)))
            continue
        if key in seen:
            diags.append(warning("header-key", f"'{key}' appears twice in the header; the "
                                 "second replaces the first", span, "keep one"))
        seen.add(key)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        if key == "tags":
            inner = value.strip("[]")
            out["tags"] = tuple(t.strip().strip("\"'") for t in inner.split(",") if t.strip())
        elif key == "sport":
            canonical = {s.lower(): s for s in SPORTS}.get(value.lower())
            if canonical is None:
                guess = sport_guess(value)
                vspan = tok_span(children[1]) if len(children) > 1 else span
                diags.append(error("unknown-sport", f"unknown sport '{value}'", vspan,
                                   f"did you mean '{guess}'?" if guess else
                                   "intervals.icu types: " + ", ".join(SPORTS)))
                continue
            out["sport"] = canonical
        else:
            out[key] = value
    return out


