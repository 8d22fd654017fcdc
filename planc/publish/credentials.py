"""Where ``planc publish`` finds the intervals.icu API key.

Order, per field:

1. the environment: ``INTERVALS_ICU_API_KEY``, ``INTERVALS_ICU_ATHLETE_ID``
   (default ``"0"`` = the key's own athlete), ``INTERVALS_ICU_BASE_URL``
   (default ``https://intervals.icu``);
2. only when the key is *not* in the environment: the ``[intervals]`` table of
   ``$XDG_CONFIG_HOME/planc/config.toml`` (``~/.config/planc/config.toml``
   when ``XDG_CONFIG_HOME`` is unset)::

       [intervals]
       api_key = "..."
       athlete_id = "0"                    # optional
       base_url = "https://intervals.icu"  # optional

   Environment values still override the file's athlete id and base URL.

The file holds a secret, so — like ssh with private keys — it is refused when
its permission bits give group or others any access; the error names the path
and the ``chmod 600`` fix.  No error message or ``repr`` ever contains the key.
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ENV_API_KEY = "INTERVALS_ICU_API_KEY"
ENV_ATHLETE_ID = "INTERVALS_ICU_ATHLETE_ID"
ENV_BASE_URL = "INTERVALS_ICU_BASE_URL"
DEFAULT_ATHLETE_ID = "0"
DEFAULT_BASE_URL = "https://intervals.icu"
CONFIG_TABLE = "intervals"


class CredentialsError(Exception):
    """No usable API key, or an unsafe/unreadable config file (a usage problem)."""


@dataclass(frozen=True)
class Credentials:
    api_key: str
    athlete_id: str = DEFAULT_ATHLETE_ID
    base_url: str = DEFAULT_BASE_URL
    source: str = "environment"  # "environment" or the config file's path

    def __repr__(self) -> str:
        return (
            f"Credentials(api_key='***', athlete_id={self.athlete_id!r}, "
            f"base_url={self.base_url!r}, source={self.source!r})"
        )

    __str__ = __repr__


def default_config_path(env: Mapping[str, str] = os.environ) -> Path:
    """``$XDG_CONFIG_HOME/planc/config.toml``, else ``~/.config/planc/config.toml``."""
    xdg = env.get("XDG_CONFIG_HOME")
    # XDG: a relative value is invalid and must be ignored.
    base = (
        Path(xdg)
        if xdg and os.path.isabs(xdg)
        else Path(env.get("HOME") or Path.home()) / ".config"
    )
    return base / "planc" / "config.toml"


def _check_private(path: Path) -> None:
    if os.name != "posix":
        return  # POSIX mode bits mean nothing useful on Windows
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise CredentialsError(
            f"refusing to read {path}: it holds your intervals.icu API key but is accessible "
            f"to group or others (mode {stat.filemode(mode)}); fix with: chmod 600 {path}"
        )


def _read_config(path: Path) -> dict[str, object]:
    if path.is_dir():
        raise CredentialsError(f"{path} is a directory; the config file must be a TOML file")
    _check_private(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:  # the message cites line/column, not content
        raise CredentialsError(f"{path} is not valid TOML: {error}") from None
    except UnicodeDecodeError:
        raise CredentialsError(f"{path} is not UTF-8 text (TOML must be)") from None
    except OSError as error:
        raise CredentialsError(f"cannot read {path}: {error.strerror}") from None
    table = data.get(CONFIG_TABLE, {})
    if not isinstance(table, dict):
        raise CredentialsError(f"{path}: [{CONFIG_TABLE}] must be a table")
    for name in ("api_key", "athlete_id", "base_url"):
        if name in table and not isinstance(table[name], str):
            raise CredentialsError(f"{path}: [{CONFIG_TABLE}] {name} must be a string")
    return table


def load_credentials(
    env: Mapping[str, str] = os.environ, config_path: Path | str | None = None
) -> Credentials:
    """Find the API key, athlete id and base URL; see the module docstring."""
    path = Path(config_path) if config_path is not None else default_config_path(env)
    api_key = env.get(ENV_API_KEY, "").strip()
    table: dict[str, object] = {}
    source = "environment"
    if not api_key:
        if path.exists():  # a directory there is an error, not "no key"
            table = _read_config(path)
            api_key = str(table.get("api_key", "")).strip()
            source = str(path)
        if not api_key:
            raise CredentialsError(
                f"no intervals.icu API key: set {ENV_API_KEY} (the key is under Developer "
                f"Settings at https://intervals.icu/settings) or put api_key in the "
                f"[{CONFIG_TABLE}] table of {path}"
            )
    athlete_id = env.get(ENV_ATHLETE_ID) or str(table.get("athlete_id") or DEFAULT_ATHLETE_ID)
    base_url = env.get(ENV_BASE_URL) or str(table.get("base_url") or DEFAULT_BASE_URL)
    return Credentials(api_key, athlete_id.strip(), base_url.strip().rstrip("/"), source)
