"""The codebook: which themes exist, what each means, and which version coded a run.

A codebook is a YAML file (documented in ``docs/codebook.md``)::

    name: ungekompetencer
    version: "1.0"
    language: da
    themes:
      - id: motivation
        label: Motivation
        parent: personlige_kompetencer
        definition: Lyst og vilje til at lære og gennemføre skole og uddannelse.
        include: [...]            # what counts
        exclude: [...]            # what does not (and where it goes instead)
        examples:
          strength: ["Eleven er meget motiveret for at komme videre."]
          concern:  ["Han har svært ved at se meningen med skolen."]
        not_examples: ["Han gider ikke komme til tiden."]   # near misses: not this theme
        keywords: [motiveret, gider]
        tags: [upv]               # e.g. a former UPV criterion
    uncoded_examples: ["Vejleder orienteret."]   # phrasings no theme applies to (administration)

Only ``id`` and ``label`` are required; a list of bare names (``themes: [Sport, Politik]``)
is a valid codebook, the label doubling as definition. A theme that is another theme's
``parent`` is a *group*: coders code the leaves, reports may roll up to groups.

``version`` is what the author declares; ``fingerprint`` hashes the content, so an edit made
without bumping the version still shows in ``version_tag`` (``name@version+fingerprint``),
which every ``themes`` row carries as ``codebook_version``.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from kvalitativ.constants import UNCODED
from kvalitativ.errors import ConfigError

__all__ = ["Theme", "Codebook", "load_codebook", "codebook_from_dict", "codebook_dir", "slugify",
           "THEMES_COLUMNS", "discovered_theme_ids"]

THEMES_COLUMNS = ["theme_id", "label", "parent_id", "origin", "definition", "keywords", "codebook_version",
                  "sensitive"]


def discovered_theme_ids(themes: pd.DataFrame | None) -> frozenset[str]:
    """The theme ids a ``themes`` table marks as topics of ``kvalitativ discover`` (``origin``
    "discovered"): their own q-value family in the link, municipality-level quotes, a mark in the report."""
    if themes is None or "origin" not in themes.columns:
        return frozenset()
    return frozenset(themes.loc[themes["origin"].astype(str) == "discovered", "theme_id"].astype(str))
_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_RESERVED = {UNCODED}


def slugify(label: str) -> str:
    """A theme id from a label: lower-case ASCII, æ→ae, ø→oe, å→aa, other runs → ``_``."""
    s = label.strip().lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", s).strip("_")


@dataclass
class Theme:
    """One theme of a codebook. Only ``id`` and ``label`` are required."""

    id: str
    label: str
    parent: str | None = None
    definition: str = ""
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    examples_strength: list[str] = field(default_factory=list)
    examples_concern: list[str] = field(default_factory=list)
    examples_neutral: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    #: Near misses: phrasings that sound like the theme but are not it (the zero-shot coder
    #: uses them as counter-examples).
    not_examples: list[str] = field(default_factory=list)
    #: Quotes of this theme could single out a person (mental health, substance use, family,
    #: bullying): published for the municipality only, per ``summarize.sensitive_quotes``.
    sensitive: bool = False

    @property
    def description(self) -> str:
        """The definition, or the label when the codebook gives none."""
        return self.definition or self.label

    @property
    def legacy_upv(self) -> bool:
        """True for the former UPV criteria (abolished from 2024/25), kept for older notes."""
        return "upv" in self.tags

    @property
    def examples(self) -> list[str]:
        return [*self.examples_strength, *self.examples_concern, *self.examples_neutral]


@dataclass
class Codebook:
    """An ordered, validated set of themes."""

    name: str
    themes: list[Theme]
    version: str = "0"
    language: str = "da"
    description: str = ""
    source: str | None = None
    #: Phrasings no theme applies to (administration: "Vejleder orienteret."): the zero-shot
    #: coder's examples of "uncoded".
    uncoded_examples: list[str] = field(default_factory=list)
    #: False for topics that carry no strength or concern (petitions, agenda items): every coding
    #: is then "neutral" instead of a valence guessed from the wording.
    valence: bool = True

    def __post_init__(self) -> None:
        _validate(self)

    # --- lookups ---------------------------------------------------------------------------
    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.themes]

    def __len__(self) -> int:
        return len(self.themes)

    def __iter__(self):
        return iter(self.themes)

    def __getitem__(self, theme_id: str) -> Theme:
        for t in self.themes:
            if t.id == theme_id:
                return t
        raise KeyError(theme_id)

    def __contains__(self, theme_id: object) -> bool:
        return any(t.id == theme_id for t in self.themes)

    @property
    def group_ids(self) -> list[str]:
        """Themes that are some other theme's parent."""
        parents = {t.parent for t in self.themes if t.parent}
        return [t.id for t in self.themes if t.id in parents]

    def leaves(self) -> list[Theme]:
        """The themes coders assign: every theme that is nobody's parent."""
        groups = set(self.group_ids)
        return [t for t in self.themes if t.id not in groups]

    def ancestors(self, theme_id: str) -> list[str]:
        out, cur = [], self[theme_id].parent
        while cur:
            out.append(cur)
            cur = self[cur].parent
        return out

    # --- identity --------------------------------------------------------------------------
    @property
    def fingerprint(self) -> str:
        # fields added later enter the hash only when used, so older codebooks keep their fingerprint
        themes = [{k: v for k, v in asdict(t).items() if not (k == "not_examples" and not v)} for t in self.themes]
        payload = json.dumps(themes + ([{"uncoded_examples": self.uncoded_examples}] if self.uncoded_examples else [])
                             + ([{"valence": False}] if not self.valence else []), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:8]

    @property
    def version_tag(self) -> str:
        return f"{self.name}@{self.version}+{self.fingerprint}"

    def subset(self, theme_ids: list[str]) -> "Codebook":
        """A codebook of only these themes (their parents kept so the hierarchy stays valid)."""
        keep = set(theme_ids)
        for tid in theme_ids:
            keep.update(self.ancestors(tid))
        return Codebook(self.name, [t for t in self.themes if t.id in keep], self.version,
                        self.language, self.description, self.source, list(self.uncoded_examples), self.valence)

    def is_sensitive(self, theme_id: str) -> bool:
        """True when the theme or a group above it is marked ``sensitive``."""
        by_id = {t.id: t for t in self.themes}
        return any(by_id[a].sensitive for a in [theme_id, *self.ancestors(theme_id)] if a in by_id)

    def to_themes_table(self) -> pd.DataFrame:
        """The ``themes`` output table (one row per theme, groups included)."""
        rows = [
            {
                "theme_id": t.id,
                "label": t.label,
                "parent_id": t.parent,
                "origin": "codebook",
                "definition": t.definition or None,
                "keywords": "; ".join(t.keywords) or None,
                "codebook_version": self.version_tag,
                "sensitive": self.is_sensitive(t.id),
            }
            for t in self.themes
        ]
        return pd.DataFrame(rows, columns=THEMES_COLUMNS)


def _validate(cb: Codebook) -> None:
    where = cb.source or f"codebook {cb.name!r}"
    if not cb.themes:
        raise ConfigError(f"{where}: the codebook has no themes; add a 'themes:' list.")
    seen: set[str] = set()
    for i, t in enumerate(cb.themes, start=1):
        if not t.id:
            raise ConfigError(f"{where}: theme #{i} has no id; give it 'id:' (lower-case, a-z0-9_).")
        if not _ID.match(t.id):
            raise ConfigError(f"{where}: theme id {t.id!r} (theme #{i}) must be lower-case letters, digits and "
                              f"'_' (e.g. {slugify(t.id) or 'theme_' + str(i)!r}).")
        if t.id in _RESERVED:
            raise ConfigError(f"{where}: theme id {t.id!r} is reserved for notes no theme applies to; rename it.")
        if not t.label or not str(t.label).strip():
            raise ConfigError(f"{where}: theme {t.id!r} has no label; add 'label:'.")
        if t.id in seen:
            raise ConfigError(f"{where}: theme id {t.id!r} appears more than once; ids must be unique.")
        seen.add(t.id)
    for t in cb.themes:
        if t.parent is not None and t.parent not in seen:
            raise ConfigError(f"{where}: theme {t.id!r} has parent {t.parent!r}, which is not a theme of this "
                              "codebook; add that theme or fix the parent.")
    parent = {t.id: t.parent for t in cb.themes}
    for t in cb.themes:
        chain, cur = [t.id], t.parent
        while cur is not None:
            if cur in chain:
                raise ConfigError(f"{where}: the parents form a cycle: {' -> '.join([*chain, cur])}.")
            chain.append(cur)
            cur = parent[cur]


def _str_list(value, where: str, key: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return [str(v) for v in value]
    raise ConfigError(f"{where}: '{key}' must be a text or a list of texts.")


_THEME_KEYS = {"id", "label", "parent", "definition", "include", "exclude", "examples", "keywords", "tags",
               "examples_strength", "examples_concern", "examples_neutral", "upv", "description", "name",
               "sensitive", "not_examples"}


_CODEBOOK_KEYS = {"name", "version", "language", "description", "themes", "uncoded_examples", "valence"}


def _theme_from(item, i: int, source: str) -> Theme:
    where = f"{source}: theme #{i}"
    if isinstance(item, str):
        return Theme(id=slugify(item), label=item.strip())
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: expected a theme name or a mapping with 'id' and 'label'.")
    unknown = set(item) - _THEME_KEYS
    if unknown:
        raise ConfigError(f"{where} ({item.get('id', '?')}): unknown key(s) {sorted(unknown)}; "
                          f"known: {', '.join(sorted(_THEME_KEYS - {'name', 'description', 'upv'}))}.")
    label = item.get("label") or item.get("name")
    tid = item.get("id")
    if tid is None and label:
        tid = slugify(str(label))
    if not label:
        raise ConfigError(f"{where} ({tid or '?'}): missing 'label'.")
    examples = item.get("examples") or {}
    if isinstance(examples, list):
        examples = {"neutral": examples}
    if not isinstance(examples, dict):
        raise ConfigError(f"{where} ({tid}): 'examples' must map strength/concern/neutral to lists of phrasings.")
    bad = set(examples) - {"strength", "concern", "neutral"}
    if bad:
        raise ConfigError(f"{where} ({tid}): examples may only have strength, concern, neutral (not {sorted(bad)}).")
    tags = _str_list(item.get("tags"), where, "tags")
    if item.get("upv") and "upv" not in tags:
        tags.append("upv")
    return Theme(
        id=str(tid),
        label=str(label).strip(),
        parent=(str(item["parent"]) if item.get("parent") not in (None, "") else None),
        definition=str(item.get("definition") or item.get("description") or "").strip(),
        include=_str_list(item.get("include"), where, "include"),
        exclude=_str_list(item.get("exclude"), where, "exclude"),
        examples_strength=_str_list(examples.get("strength"), where, "examples.strength")
        + _str_list(item.get("examples_strength"), where, "examples_strength"),
        examples_concern=_str_list(examples.get("concern"), where, "examples.concern")
        + _str_list(item.get("examples_concern"), where, "examples_concern"),
        examples_neutral=_str_list(examples.get("neutral"), where, "examples.neutral")
        + _str_list(item.get("examples_neutral"), where, "examples_neutral"),
        keywords=_str_list(item.get("keywords"), where, "keywords"),
        tags=tags,
        not_examples=_str_list(item.get("not_examples"), where, "not_examples"),
        sensitive=_flag(item.get("sensitive", False), where, "sensitive"),
    )


def _flag(value, where: str, key: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: '{key}' must be true or false (got {value!r}).")
    return value


def codebook_from_dict(data, source: str = "<codebook>", name: str | None = None) -> Codebook:
    """Build a codebook from parsed YAML: a mapping with ``themes``, or a bare list of themes."""
    if isinstance(data, list):
        data = {"themes": data}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: a codebook is a mapping with a 'themes' list (or a list of theme names).")
    themes_raw = data.get("themes")
    if isinstance(themes_raw, dict):  # {id: label} or {id: {label: ...}}
        themes_raw = [({"id": k, **v} if isinstance(v, dict) else {"id": k, "label": v}) for k, v in themes_raw.items()]
    if not isinstance(themes_raw, list) or not themes_raw:
        raise ConfigError(f"{source}: the codebook needs a non-empty 'themes:' list.")
    themes = [_theme_from(item, i, source) for i, item in enumerate(themes_raw, start=1)]
    unknown = set(data) - _CODEBOOK_KEYS
    if unknown:
        raise ConfigError(f"{source}: unknown codebook key(s) {sorted(unknown)}; known: {', '.join(sorted(_CODEBOOK_KEYS))}.")
    return Codebook(
        name=str(data.get("name") or name or "codebook"),
        themes=themes,
        version=str(data.get("version", "0")),
        language=str(data.get("language", "da")),
        description=str(data.get("description") or "").strip(),
        source=source,
        uncoded_examples=_str_list(data.get("uncoded_examples"), source, "uncoded_examples"),
        valence=_valence_flag(data.get("valence", True), source),
    )


def _valence_flag(value, source: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{source}: valence is {value!r}: write true (strength/concern/neutral, the default) or "
                          "false (every coding neutral: themes without strength or concern).")
    return value


def codebook_dir() -> Path:
    """Where the shipped codebooks live: ``models/codebooks`` of the source tree (editable
    install or checkout), else the copy inside the package (``kvalitativ/resources/codebooks``)."""
    here = Path(__file__).resolve().parent
    for cand in (here.parent.parent / "models" / "codebooks", here / "resources" / "codebooks"):
        if cand.is_dir():
            return cand
    return here.parent.parent / "models" / "codebooks"


def load_codebook(path_or_name: str | Path | Codebook | dict) -> Codebook:
    """Load a codebook from a YAML file, or a shipped one by bare name (``ungekompetencer``,
    ``borgerinput``); a ``dict`` in the file's format is read as :func:`codebook_from_dict` does."""
    if isinstance(path_or_name, Codebook):
        return path_or_name
    if isinstance(path_or_name, dict):
        return codebook_from_dict(path_or_name)
    if not isinstance(path_or_name, (str, Path)):
        raise ConfigError(f"codebook: a file path, a shipped codebook's name, a dict or a Codebook, not "
                          f"{type(path_or_name).__name__}.")
    path = Path(path_or_name)
    if not path.exists() and path.suffix == "" and len(path.parts) == 1:
        names = sorted(p.stem for p in codebook_dir().glob("*.yaml"))
        same = [n for n in names if n.lower() == path.name.lower()]
        if same:
            path = codebook_dir() / f"{same[0]}.yaml"
        else:
            close = difflib.get_close_matches(path.name.lower(), names, n=1, cutoff=0.6)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise ConfigError(f"codebook {str(path_or_name)!r}: no such file and no shipped codebook of that "
                              f"name (shipped: {', '.join(names) or 'none'}).{hint}")
    if not path.is_file():
        twin = path.with_suffix({".yml": ".yaml", ".yaml": ".yml"}.get(path.suffix.lower(), path.suffix))
        hint = f" There is {twin.name} beside it: give that name." if twin != path and twin.is_file() else ""
        raise ConfigError(f"{path}: codebook file not found.{hint}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc}).") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; save the codebook as UTF-8.") from None
    return codebook_from_dict(data, source=str(path), name=path.stem)
