"""Which tables a stage read, so that a folder mixing two codings (or two corpora) is caught.

Stage commands write into one folder one after another, and an earlier stage may be run again
(another codebook, hand codes, fewer notes) without the later ones: the folder then holds
associations and evidence of codings that are no longer there, and a report built from it would
put the new codings beside the old links without a word. So every table a stage writes records
the fingerprints of the tables the stage read (Parquet key-value metadata ``kvalitativ.read``:
``{"codings": "…", "corpus": "…"}``), and :func:`stale_tables` compares them with the tables now
in the folder. A table whose input has changed is stale, and so is every table built from it.

The fingerprint is a digest of the table's content without ``run_id`` (stored with the table by
the writer): a stage run again on the same inputs writes the same content, so only a real change
makes a table stale — not another cache folder or report title, which change the run id.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from kvalitativ.io.paths import parquet_files, stored_parquet

__all__ = ["READ_KEY", "CONTENT_KEY", "INPUT_TABLES", "ContentDigest", "content_digest", "STAGE_OF", "Stale", "fingerprint", "fingerprints", "recorded_reads", "stale_tables",
           "stale_message", "require_built_from", "coder_reads", "TRAINED_ON", "CODER_SETTINGS", "TRAINED_NOTES", "trained_on",
           "trained_notes"]

#: The Parquet metadata key under which a table records what its stage read.
READ_KEY = b"kvalitativ.read"
#: The key under which the writer stores a digest of the table's content without ``run_id``
#: (:func:`content_digest`): the run id hashes the whole config, so a table run again with only an
#: unrelated setting changed (the cache folder, the report's title) has the same content and must
#: not make the tables built from it stale.
CONTENT_KEY = b"kvalitativ.content"
#: The tables some stage reads as its input (see the ``fingerprints`` calls): only these carry the
#: digest, which costs more than writing the file (2.3 s against 0.4 s for 2 million codings rows);
#: any other table is fingerprinted by its file, should a stage ever read it.
INPUT_TABLES = frozenset({"corpus", "citizen_corpus", "codings", "citizen_codings", "indicators", "prevalence",
                          "associations", "human_codings"})

#: The command that writes each table, in the order a folder is built (for the advice).
STAGE_OF: dict[str, str] = {
    **dict.fromkeys(("corpus", "notes", "rejects", "redactions", "duplicate_texts", "indicators",
                     "citizen_corpus", "citizen_notes"), "ingest"),
    **dict.fromkeys(("codings", "themes", "citizen_codings", "citizen_themes"), "code"),
    **dict.fromkeys(("topic_map", "topic_terms", "topic_representatives", "topic_stability"), "discover"),
    **dict.fromkeys(("prevalence", "associations", "added_value", "link_exclusions", "person_themes"), "link"),
    **dict.fromkeys(("evidence", "quotes", "joint_display", "citizen_prevalence", "citizen_evidence",
                     "citizen_quotes"), "summarize"),
    "reliability": "agreement",
    "evaluation": "evaluate",
}
_STAGE_ORDER = ("ingest", "code", "discover", "link", "summarize", "agreement", "evaluate")


def fingerprint(path: str | Path) -> str:
    """A stored table's content digest (written with it), else the SHA-256 (first 16 hex digits)
    of the file — a file that is no table (the hand codes of ``code --train``) included."""
    path = Path(path)
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        try:  # the file's key-value metadata (a chunked writer adds the digest at the end)
            digest = (pq.read_metadata(path).metadata or {}).get(CONTENT_KEY)
        except (OSError, ValueError):  # not a Parquet file after all: its bytes decide
            digest = None
        if digest:
            return digest.decode()
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()[:16]


class ContentDigest:
    """A digest of a table's rows without ``run_id``, fed a whole table or chunk after chunk (the
    same rows in the same order give the same digest however they were cut)."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self._columns: list[str] | None = None

    def update(self, frame) -> None:
        import pandas as pd

        rows = frame.drop(columns=["run_id"], errors="ignore")
        if self._columns is None:
            self._columns = [str(c) for c in rows.columns]
            self._hash.update("\x1f".join(self._columns).encode())
        self._hash.update(pd.util.hash_pandas_object(rows, index=False).to_numpy().tobytes())

    def hexdigest(self) -> str:
        return self._hash.hexdigest()[:16]


def content_digest(frame) -> str:
    """:class:`ContentDigest` of one whole table."""
    digest = ContentDigest()
    digest.update(frame)
    return digest.hexdigest()


#: The keys under which the coding stage records the hand-codes file it was trained on and the
#: settings of that coder (no tables of the folder, so :func:`stale_tables` never compares them):
#: the link knows from them that ``--human`` with the same file must be cross-fitted, and how to
#: refit the coder for it.
TRAINED_ON = "code.train"
CODER_SETTINGS = "code.settings"
#: The note ids of those hand codes (sorted JSON list): hand codes for the correction from another
#: file (a sheet imported again, a copy) still share notes with them, and must be cross-fitted too.
TRAINED_NOTES = "code.train_notes"


def coder_reads(source: str | Path, config, train=None) -> dict[str, str]:
    """What the coding stage read — the corpus of ``source`` and the hand-codes file it trained on
    (``config.code.train``) — and, for a trained coder, the settings it was made with. ``train``:
    those hand codes as the stage already read them (their note ids; else the file is read)."""
    read = fingerprints([(source, "corpus")])
    train_path = config.code.train
    if train_path and Path(train_path).is_file():
        read[TRAINED_ON] = fingerprint(train_path)
        read[TRAINED_NOTES] = json.dumps(_note_ids(train_path if train is None else train))
        read[CODER_SETTINGS] = json.dumps({
            "code": {k: getattr(config.code, k) for k in ("codebook", "level", "threshold", "exclusive")},
            "embed": {k: getattr(config.embed, k) for k in ("name", "model")}, "seed": config.seed}, sort_keys=True)
    return read


def _note_ids(codes) -> list[str]:
    """The note ids of hand codes: a table, or a file to read."""
    if not hasattr(codes, "columns"):
        from kvalitativ.io.readers import read_table

        codes = read_table(codes)
    return sorted(codes["note_id"].dropna().astype(str).unique()) if "note_id" in codes.columns else []


def fingerprints(sources: Iterable[tuple[str | Path | None, str]]) -> dict[str, str]:
    """``{table: fingerprint}`` of the tables a stage reads, given as ``(folder, table)`` pairs;
    a folder that is None or lacks the table is left out (nothing was read from it)."""
    out: dict[str, str] = {}
    for folder, name in sources:
        path = None if folder is None else stored_parquet(Path(folder), name)
        if path is not None:
            out[name] = fingerprint(path)
    return out


def recorded_reads(path: str | Path) -> dict[str, str]:
    """What the table stored at *path* says its stage read (``{}`` for a table that says nothing)."""
    import pyarrow.parquet as pq

    try:
        metadata = pq.read_metadata(path).metadata or {}
    except (OSError, ValueError):  # a file in the folder that is no Parquet table: it says nothing
        return {}
    raw = metadata.get(READ_KEY)
    if not raw:
        return {}
    try:
        reads = json.loads(raw)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in reads.items()} if isinstance(reads, dict) else {}


@dataclass(frozen=True)
class Stale:
    """A table of the folder built from another version of ``changed`` than the one there now
    (``via``: the stale table it was built from, when it is stale only through it)."""

    table: str
    changed: str
    via: str | None = None


def stale_tables(folder: str | Path) -> list[Stale]:
    """Every table in *folder* built from a table that has changed there since, directly or
    through another stale table. Tables read from other folders are not compared."""
    folder = Path(folder)
    paths = {p.stem: p for p in parquet_files(folder)}
    reads = {name: recorded_reads(path) for name, path in paths.items()}
    current: dict[str, str] = {}

    def now(name: str) -> str:
        if name not in current:
            current[name] = fingerprint(paths[name])
        return current[name]

    stale: dict[str, Stale] = {}
    for name, read in reads.items():
        for source, fp in read.items():
            if source in paths and source != name and now(source) != fp:
                stale.setdefault(name, Stale(name, source))
    for name in _orphaned_topic_tables(paths):
        stale.setdefault(name, Stale(name, "themes"))
    grew = True
    while grew:  # a table built from a stale table is stale too
        grew = False
        for name, read in reads.items():
            if name in stale:
                continue
            through = next((source for source in read if source in stale), None)
            if through is not None:
                stale[name] = Stale(name, stale[through].changed, via=through)
                grew = True
    return sorted(stale.values(), key=lambda s: (_rank(s.table), s.table))


#: Discovery's tables: each row names a discovered topic by its ``themes`` row (``theme_id`` topic_<n>).
TOPIC_TABLES = ("topic_map", "topic_terms", "topic_representatives", "topic_stability")


def _orphaned_topic_tables(paths: Mapping[str, Path]) -> list[str]:
    """Discovery tables whose topics ``themes`` no longer has: ``discover`` adds its topics to the
    coding stage's ``themes`` and ``codings``, so ``kvalitativ code`` run again afterwards writes
    them without the topics, and the topic tables describe topics that no table holds any more
    (a trial: 12 topic_map rows that joined to no theme, and no warning)."""
    import pyarrow.parquet as pq

    present = [t for t in TOPIC_TABLES if t in paths]
    if not present or "themes" not in paths:
        return []
    themes = set(pq.read_table(paths["themes"], columns=["theme_id"]).column("theme_id").to_pylist())
    out = []
    for name in present:
        if "theme_id" not in pq.read_schema(paths[name]).names:
            continue
        ids = set(pq.read_table(paths[name], columns=["theme_id"]).column("theme_id").to_pylist()) - {None}
        if ids - themes:
            out.append(name)
    return out


def _rank(table: str) -> int:
    stage = STAGE_OF.get(table)
    return _STAGE_ORDER.index(stage) if stage in _STAGE_ORDER else len(_STAGE_ORDER)


def stale_message(folder: str | Path, stale: list[Stale]) -> str:
    """What is stale, why, and the commands that rebuild it, in order."""
    by_stage: dict[str, list[str]] = {}
    changed = sorted({s.changed for s in stale}, key=lambda t: (_rank(t), t))
    for s in stale:
        by_stage.setdefault(STAGE_OF.get(s.table, "the stage that made it"), []).append(s.table)
    writers = ", ".join(f"{t} (kvalitativ {STAGE_OF[t]})" if t in STAGE_OF else t for t in changed)
    tables = "; ".join(f"{', '.join(names)}" for names in by_stage.values())
    stages = sorted(by_stage, key=lambda s: _STAGE_ORDER.index(s) if s in _STAGE_ORDER else len(_STAGE_ORDER))
    citizen = any(s.table.startswith("citizen_") for s in stale)  # summarize rebuilds them only with --citizen
    commands = ", then ".join(f"`kvalitativ {s}{' --citizen FOLDER' if s == 'summarize' and citizen else ''}`"
                              for s in stages)
    return (f"{folder}: these tables were built from an earlier version of {writers}, which has been "
            f"written again since: {tables}. They would describe other codings or notes than the ones in "
            f"the folder. Run {commands} again into {folder} (with the same settings as before, or new ones).")


def require_built_from(folder: str | Path, names: Iterable[str], reading: Mapping[str, str]) -> None:
    """Stop when a table a stage is about to combine was built from other inputs than the ones it
    reads beside it (``summarize --codings A --link B``: B's associations of other codings).

    ``reading``: the fingerprints of the tables the stage reads now (:func:`fingerprints`); a table
    that recorded nothing (written before fingerprints existed) is not judged."""
    from kvalitativ.errors import InputError

    folder = Path(folder)
    for name in names:
        path = stored_parquet(folder, name)
        recorded = recorded_reads(path) if path is not None else {}
        differ = sorted(k for k, fp in recorded.items() if k in reading and reading[k] != fp)
        if differ:
            what = " and ".join(differ)
            raise InputError(
                f"{folder}: '{name}' was built from other {what} than those given beside it, so the two "
                f"would describe different codings or notes. Run `kvalitativ {STAGE_OF.get(name, 'link')}` "
                f"again on the same {what}, or give the folders that belong together.")


def trained_on(folder: str | Path) -> tuple[str | None, dict]:
    """The fingerprint of the hand-codes file the codings of ``folder`` were trained on (None if
    none), and the coder's settings (``{"code": …, "embed": …, "seed": …}``)."""
    reads = _codings_reads(folder)
    try:
        settings = json.loads(reads.get(CODER_SETTINGS, "{}"))
    except ValueError:
        settings = {}
    return reads.get(TRAINED_ON), settings if isinstance(settings, dict) else {}


def trained_notes(folder: str | Path) -> frozenset[str] | None:
    """The note ids of the hand codes the codings of ``folder`` were trained on; None when the
    codings record none (not trained, or coded before the ids were recorded)."""
    raw = _codings_reads(folder).get(TRAINED_NOTES)
    try:
        ids = json.loads(raw) if raw else None
    except ValueError:
        return None
    return frozenset(map(str, ids)) if isinstance(ids, list) else None


def _codings_reads(folder: str | Path) -> dict[str, str]:
    path = stored_parquet(Path(folder), "codings")
    return recorded_reads(path) if path is not None else {}
