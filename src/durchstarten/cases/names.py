"""Transliteration-tolerant name keys for participant search and, later, duplicate detection.

Why this exists: the same person reaches us as "Mohammed", "Muhammad" or "Mohamad", as
"Chaled" (German spelling of خالد) or "Khalid", as "Aicha" (French) or "Aischa" (German),
as "Hüseyin" (Turkish) or "Hussein". Arabic, Persian/Dari, Pashto, Kurdish, Tigrinya/Amharic
and Somali names have no single Latin spelling, and offices write what they hear in their own
orthography. A plain ``icontains`` search makes a case manager miss people and, worse, lets
duplicates slip in.

How it works (pure string operations, no Django, no dictionaries of names):

1. ``normalize`` folds case, diacritics, ligatures, apostrophes (ʿayn/hamza marks) and
   separators, so "ÖZTÜRK", "Öztürk" and "Ozturk" are the same text.
2. Each word is cut into graphemes ("dsch", "sch", "kh", "ch", "th", vowel runs, single
   letters) and encoded as a *key*: a consonant skeleton that keeps only the two vowels that
   carry information across spellings:

   * ``V0`` the word-initial vowel (Omar vs. Amira, Ahmad vs. Hamid),
   * ``V1`` the vowel right after the first consonant (Hassan vs. Hussein, Ali vs. Alaa).

   Later vowels are dropped: they are unwritten short vowels in Arabic script and every
   orthography renders them differently (Mohamed/Mohammad, Khaled/Khalid, Fatma/Fatima).
   A vowel run is classed by its *first* letter (a; i/y; o/u; and "e", which stands for both
   fatha and kasra, is emitted as both a and i), which also makes ä=ae=a, ü=ue=u, ö=oe=o in
   key space without touching "Raphael" or "Samuel" in ``normalize``.
3. Ambiguous graphemes emit every reading as a separate key ("ch" is /x/ in German
   "Chaled", /ʃ/ in French "Chadi"; "j" is /j/ in German "Jussuf", /dʒ/ in English "Jamal";
   Egyptian "g" is /dʒ/ in "Gamal"; word-final d/t and b/p merge for Turkish "Mahmut").
4. Stored keys (``name_keys``) add compounds of particle-joined words ("Abd al-Rahman" ->
   "abdalrahman", "abdrahman") and splits of glued ones ("Abdulrahman" -> "rahman") so the
   forms are findable from each other.

Matching contract (mirrors the indexed table): a query token matches a participant when one of
``query_keys(token)`` is a prefix of one of the participant's stored ``name_keys``. Every query
token must match (AND). Query keys are built in *prefix mode*: the last letters may be the start
of a longer grapheme ("Mus" may continue as "Mush…"), so their possible completions are added.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "MAX_KEY_LENGTH",
    "matches",
    "name_keys",
    "name_words",
    "normalize",
    "query_keys",
    "tokens",
    "word_keys",
]

MAX_KEY_LENGTH = 20
"""Keys are cut to this length: enough to separate names, short enough for a compact index."""

_MAX_VARIANTS = 64
"""Upper bound of keys per word (a slot has at most 4 readings, so expansion stops once 16
partial keys exist); beyond it the key is cut short, which only widens, never hides."""

# --------------------------------------------------------------------------------------------
# normalize
# --------------------------------------------------------------------------------------------

_APOSTROPHES = "'’‘ʼʿʾʻʽ`´′ʹ"
_FOLD = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "þ": "th",
        "Þ": "th",
        "ł": "l",
        "Ł": "l",
        "ı": "i",
        "ħ": "h",
        "Ħ": "h",
        "ŋ": "ng",
        "Ŋ": "ng",
        "ſ": "s",
        **dict.fromkeys(_APOSTROPHES),
    }
)
_SEPARATORS = re.compile(r"[\W_]+")
_NON_KEY = re.compile(r"[^a-z]+")


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.category(ch).startswith("M"))


def normalize(text: str) -> str:
    """Fold a name to lowercase, mark-free, single-spaced text.

    Why each step: NFKD + dropping combining marks turns "Öztürk", "José", "Hüseyin" into their
    base letters (and strips accents people add or forget at random); casefold handles "ẞ" and
    Turkish dotted "İ"; ß/æ/œ/ø/ł/ı have no decomposition and are mapped explicitly; apostrophes
    and ʿayn/hamza signs ("Sa'id", "Saʿīd") are dropped because half the offices omit them;
    hyphens, dots and other separators become spaces ("Abd-al-Rahman").

    German "ae/oe/ue" is deliberately *not* rewritten here: it would break Raphael, Samuel,
    Manuel, Joel, Noel, Michael. The key encoding classes a vowel run by its first letter, so
    "Mueller"/"Müller"/"Muller" get identical keys anyway.
    """
    if text.isascii():
        text = text.casefold().translate(_FOLD)
    else:
        text = _strip_marks(text.translate(_FOLD))
        text = text.casefold().translate(_FOLD)
        if not text.isascii():
            text = _strip_marks(text)
    return " ".join(_SEPARATORS.sub(" ", text).split())


# --------------------------------------------------------------------------------------------
# particles and compounds
# --------------------------------------------------------------------------------------------

_ARTICLES = frozenset(
    # Arabic article "al" in its spellings and sun-letter assimilations (ad-Din, ar-Rahman,
    # as-Sayed, ash-Shami, at-Tayeb, az-Zahra, an-Nur, ud-Din, ...).
    {"al", "el", "ul", "il", "ol", "ad", "ed", "ud", "ar", "er", "ur", "as", "es", "us"}
    | {"at", "et", "ut", "az", "ez", "uz", "an", "en", "un", "ash", "esh", "ush", "ath", "adh"}
)
_CONNECTIVES = frozenset({"bin", "ibn", "ben", "bint", "ould", "wuld"})
""""son/daughter of": dropped from queries, joined to the next word in stored compounds."""

_PARTICLES = _ARTICLES | _CONNECTIVES

_HEAD = re.compile(r"(?:abd[aeiou]?[a-z]?|abu|abou|abo|nou?r|noor|gul|umm?)\Z")
"""First halves of names that are often written apart or together (Abdul Karim/Abdulkarim)."""

_TAIL = re.compile(r"(?:[aeiou]?d?dine?|[aeiou]l?lah|[uo]lla|shah|khan|jan|zai|zada|zadeh)\Z")
"""Second halves likewise (Nour Eddin/Noureddin, Habib Ullah/Habibullah, Ahmad Shah)."""

_TAIL_WORD = (
    (re.compile(r"[aeiou]?d?dine?\Z"), "din"),
    (re.compile(r"(?:[aeiou]l?lah|[uo]lla)\Z"), "allah"),
)
_TAIL_SPLIT = re.compile(r"([a-z]{3,}?)([aeiou]d?dine?|[aeiou]llah|[uo]lla)\Z")
_PREFIX_SPLIT = re.compile(r"(?:abou|abu|abo|bin|ibn)(?=[a-z]{4})")
_ARTICLE_SPLIT = re.compile(r"(?:al|el)(?=[^aeiouy][a-z]{3})")


def _canonical_tail(word: str) -> str | None:
    """ "eddin"/"uddin"/"ud din" -> "din", "ullah"/"ollah"/"allah" -> "allah"."""
    for pattern, canonical in _TAIL_WORD:
        if pattern.match(word) and word != canonical:
            return canonical
    return None


def _split_parts(word: str) -> list[str]:
    """Parts of a glued compound, so "Abdulrahman" is found by "Abd al-Rahman" and "Rahman"."""
    parts: list[str] = []
    if word.startswith("abd"):
        rest = word[3:]
        if rest[:1] in ("a", "e", "i", "o", "u"):
            rest = rest[1:]
        # Drop the article: "l", or the first of a sun-letter double (abdur-rahman).
        if rest.startswith("l") or (len(rest) > 1 and rest[0] == rest[1]):
            rest = rest[1:]
        if len(rest) >= 4:
            parts.append(rest)
    elif (m := _PREFIX_SPLIT.match(word)) or (m := _ARTICLE_SPLIT.match(word)):
        parts.append(word[m.end() :])
    if m := _TAIL_SPLIT.match(word):
        parts.append(m.group(1))
        parts.append(_canonical_tail(m.group(2)) or m.group(2))
    return parts


def _words(text: str) -> list[str]:
    """Normalized words reduced to the ASCII letters the key encoding understands."""
    words = (_NON_KEY.sub("", word) for word in normalize(text).split())
    return [word for word in words if word]


def tokens(text: str) -> list[str]:
    """Split a search query (or a name) into the tokens that must each match.

    Standalone particles ("al", "el", "ad", "bin", "ibn", ...) are dropped because a query
    "Hassan al-Amin" must also find "Hassan Amin" and "Hassan Alamin"; dropping only ever
    widens a query, it never hides anyone. A query consisting only of particles ("Al") keeps
    them, since the user is probably typing the start of "Ali". "abd"/"abu" are kept: they are
    part of the name (Abd al-Aziz is not Abd al-Rahman).
    """
    words = normalize(text).split()
    kept = [word for word in words if word not in _PARTICLES]
    return kept or words


# --------------------------------------------------------------------------------------------
# key encoding
# --------------------------------------------------------------------------------------------

_GRAPHEME = re.compile(r"dsch|tsch|sch|dzh|tch|dj|dh|th|sh|ch|kh|gh|ph|zh|ck|[aeiouy]+|[a-z]")

_MULTI: dict[str, tuple[str, ...]] = {
    "dsch": ("j",),  # German Dschamal
    "tsch": ("c",),  # German tsch = /tʃ/
    "sch": ("x",),  # German Schirin
    "dzh": ("j",),
    "tch": ("c",),
    "dj": ("j",),  # French Djamal
    "dh": ("d", "s"),  # ذ: Dhafer / Zafer
    "th": ("t", "s"),  # ث: Othman / Osman, and German Th = t
    "sh": ("x",),
    "ch": ("h", "x"),  # German Chaled (/x/) or French Chadi (/ʃ/)
    "kh": ("h",),  # خ merges with h: Turkish writes both as h (Haled, Halil)
    "gh": ("g",),
    "ph": ("f",),
    "zh": ("j",),  # Persian Zhila / Jila
    "ck": ("k",),
}
_SINGLE: dict[str, tuple[str, ...]] = {
    "b": ("b",),
    "d": ("d",),
    "f": ("f",),
    "g": ("g", "j"),  # Egyptian g = ج: Gamal / Jamal
    "h": ("h",),
    "j": ("j", "y"),  # English Jamal vs German Jussuf / Johannes
    "k": ("k",),
    "l": ("l",),
    "m": ("m",),
    "n": ("n",),
    "p": ("p",),
    "q": ("k",),
    "r": ("r",),
    "s": ("s",),
    "t": ("t",),
    "v": ("w",),  # Persian Vahid / Wahid
    "w": ("w",),
    "x": ("ks", "h"),  # Alexander, but Kurdish/Somali x = خ/ح: Xalid, Axmed
    "z": ("s",),  # German s = /z/: Seinab / Zainab
}
_C_SOFT = ("s", "j", "c")  # c before e/i/y: Cecile, Turkish Cemal (/dʒ/), Çelik (ç -> c)
_C_HARD = ("k", "j", "c")  # Carl, Turkish Can (/dʒ/), Çakır
_C_OPEN = ("k", "s", "j", "c")  # word ends in c: the next letter is unknown
_CH_K = ("h", "x", "k")  # ch before r/l or at the end (Christian, Chloe): also /k/
_VOWEL_CLASS: dict[str, tuple[str, ...]] = {
    "a": ("a",),
    "e": ("a", "i"),  # e renders fatha (Mohamed) and kasra (Persian Mehdi, Ebrahim)
    "i": ("i",),
    "y": ("i",),
    "o": ("u",),  # Arabic has no o/u contrast: Omar / Umar, Mostafa / Mustafa
    "u": ("u",),
}
_DEVOICE: dict[tuple[str, ...], tuple[str, ...]] = {
    ("d",): ("d", "t"),  # Turkish final devoicing: Mahmut / Mahmud, Halit / Khalid
    ("t",): ("t", "d"),
    ("b",): ("b", "p"),  # Eyüp / Ayyub
    ("p",): ("p", "b"),
}


def _completions() -> dict[str, tuple[str, ...]]:
    """Codes of every multi-letter grapheme a query token may be cut inside of ("ds" -> dsch)."""
    table: dict[str, list[str]] = {}
    for grapheme, codes in _MULTI.items():
        codes = _CH_K if grapheme == "ch" else codes
        for cut in range(1, len(grapheme)):
            bucket = table.setdefault(grapheme[:cut], [])
            bucket.extend(code for code in codes if code not in bucket)
    return {head: tuple(codes) for head, codes in table.items()}


_COMPLETIONS = _completions()

# A unit is (is_vowel, codes, literal).
_Unit = tuple[bool, tuple[str, ...], str]


_UNITS: dict[str, _Unit] = {
    grapheme: (False, codes, grapheme)
    for grapheme, codes in (*_MULTI.items(), *_SINGLE.items())
    if grapheme not in ("c", "ch")
}
_VOWEL_UNITS: dict[str, _Unit] = {
    letter: (True, codes, letter) for letter, codes in _VOWEL_CLASS.items()
}
_INITIAL_Y: _Unit = (False, ("y",), "y")


def _parse(word: str, following_word: str = "") -> list[_Unit]:
    """Cut an ASCII word into graphemes, each with all of its possible codes.

    ``following_word`` is the letter after ``word`` when ``word`` is a head cut off a longer
    token: it decides "c" and "ch" exactly as in the full token.
    """
    units: list[_Unit] = []
    start = 0
    if word[:1] == "y":  # only word-initial y is a consonant (Yusuf vs Hüseyin, Zaynab)
        units.append(_INITIAL_Y)
        start = 1
    graphemes = _GRAPHEME.findall(word, start)
    last = len(graphemes) - 1
    for index, grapheme in enumerate(graphemes):
        unit = _UNITS.get(grapheme) or _VOWEL_UNITS.get(grapheme[0])
        if unit is None:  # "c" or "ch": the reading depends on the next letter
            following = graphemes[index + 1][0] if index < last else following_word
            if grapheme == "c":
                if not following:
                    codes = _C_OPEN
                elif following in ("e", "i", "y"):
                    codes = _C_SOFT
                else:
                    codes = _C_HARD
            else:
                codes = _CH_K if following in ("", "r", "l") else _MULTI["ch"]
            unit = (False, codes, grapheme)
        units.append(unit)
    return units


def _assemble(units: list[_Unit]) -> set[str]:
    """Turn graphemes into keys: V0 + C1 + V1 + remaining consonants, all readings expanded."""
    merged: list[_Unit] = []
    for unit in units:
        if merged and not unit[0] and not merged[-1][0]:
            # Geminates and doubled spellings: Mohammed/Mohamed, Hussein/Husein, Matthias.
            previous = merged[-1]
            if previous[1] == unit[1]:
                continue
            common = tuple(code for code in previous[1] if code in unit[1])
            if common:
                merged[-1] = (False, common, previous[2])
                continue
        merged.append(unit)

    # Final h after a vowel is silent (Fatimah/Fatima, Fatemeh, Abdullah/Abdulla); kept in
    # short words so that typing "Mah" does not widen to every "Ma…".
    if (
        len(merged) >= 3
        and merged[-1][2] == "h"
        and merged[-2][0]
        and sum(1 for unit in merged if not unit[0]) >= 3
    ):
        merged.pop()
    if merged and not merged[-1][0] and merged[-1][1] in _DEVOICE:
        last = merged[-1]
        merged[-1] = (False, _DEVOICE[last[1]], last[2])

    slots: list[tuple[str, ...]] = []
    index = 0
    if merged and merged[0][0]:
        slots.append(merged[0][1])
        index = 1
    if index < len(merged):
        slots.append(merged[index][1])
        index += 1
        if index < len(merged) and merged[index][0]:
            slots.append(merged[index][1])
            index += 1
        slots.extend(unit[1] for unit in merged[index:] if not unit[0])

    keys = [""]
    fixed = ""  # run of unambiguous codes not yet appended to every key
    for codes in slots:
        if len(codes) == 1:
            fixed += codes[0]
            continue
        keys = [key + fixed + code for key in keys for code in codes]
        fixed = ""
        # Decided on the slots so far only, so that a typed prefix of the word is cut at the
        # same place (its last slot may be narrower or wider than the full word's). Cutting a
        # key short rather than dropping readings keeps it a prefix: it only widens a match.
        if len(keys) > _MAX_VARIANTS // 4:
            break
    if fixed:
        keys = [key + fixed for key in keys]

    result: set[str] = set()
    for key in keys:
        if not key:
            continue
        result.add(key[:MAX_KEY_LENGTH])
        # "Abd" + optional article: Abdulrahman = Abdurrahman = Abdirahman = Abd al-Rahman.
        if key.startswith("abd") and len(key) > 3:
            if key[3] == "l":
                if len(key) > 4:
                    result.add(("abd" + key[4:])[:MAX_KEY_LENGTH])
            else:
                result.add(("abdl" + key[3:])[:MAX_KEY_LENGTH])
    return result


@lru_cache(maxsize=1 << 16)
def _word_keys(word: str, prefix: bool) -> frozenset[str]:
    """Keys of one ASCII word; in prefix mode also for a grapheme cut off at the end."""
    keys = _assemble(_parse(word))
    if prefix:
        for cut in (1, 2, 3):
            if len(word) >= cut and (codes := _COMPLETIONS.get(word[-cut:])):
                units = _parse(word[:-cut], word[-cut])
                units.append((False, codes, word[-cut:]))
                keys |= _assemble(units)
    return frozenset(keys)


@lru_cache(maxsize=1 << 16)
def _stored_word_keys(word: str) -> frozenset[str]:
    keys = set(_word_keys(word, False))
    canonical = _canonical_tail(word)
    if canonical:
        keys |= _word_keys(canonical, False)
    for part in _split_parts(word):
        keys |= _word_keys(part, False)
    return frozenset(keys)


# --------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------


def name_keys(full_name: str) -> set[str]:
    """Keys to store for a participant (all given and family names in one string).

    Contains the keys of every word, of canonical forms of name tails ("eddin" -> "din"), of the
    parts of glued compounds ("abdulkarim" -> "karim"), and of particle-joined compounds of
    adjacent words ("Abd al Rahman" -> "abdalrahman" and "abdrahman", "Abu Bakr" ->
    "abubakr", "al Hassan" -> "alhassan"), so spellings written apart and together meet.
    Ordinary adjacent names ("Ali Hassan") are not joined: that would roughly double the
    stored rows for little gain.
    """
    words = _words(full_name)
    keys: set[str] = set()
    for word in words:
        keys |= _stored_word_keys(word)
    for index in range(len(words) - 1):
        first, second = words[index], words[index + 1]
        if second in _ARTICLES:
            if index + 2 < len(words):
                third = words[index + 2]
                keys |= _word_keys(first + second + third, False)
                keys |= _word_keys(first + third, False)
            continue
        if first in _PARTICLES or _HEAD.match(first) or _TAIL.match(second):
            keys |= _word_keys(first + second, False)
    return keys


def query_keys(token: str) -> set[str]:
    """Keys to look up for one typed search token, which may be the start of a name.

    A stored key matches when it starts with one of these. The token is encoded like a stored
    word, plus the readings of a grapheme the user may not have finished typing ("Mus" ->
    "mus" and "mux" for "Musch…"/"Mush…"; "Dsc" -> Dschamal). Spaces inside the token are
    joined ("abd al" -> "abdal").
    """
    word = _NON_KEY.sub("", normalize(token))
    if not word:
        return set()
    keys = set(_word_keys(word, True))
    canonical = _canonical_tail(word)
    if canonical:
        keys |= _word_keys(canonical, True)
    return keys


def matches(query: str, full_name: str) -> bool:
    """Whether a search query finds a participant name, the way the indexed search does.

    Every query token must have a key that is a prefix of some stored key. For tests and small
    in-memory lists; the database search runs the same rule against stored ``name_keys``.
    """
    query_tokens = tokens(query)
    if not query_tokens:
        return False
    stored = name_keys(full_name)
    for token in query_tokens:
        wanted = query_keys(token)
        if not any(key.startswith(prefix) for key in stored for prefix in wanted):
            return False
    return True


def name_words(text: str) -> list[str]:
    """The words of a name as the key encoding sees them, particles ("al", "bin") left out.

    For comparing two names word by word (cases.duplicates); a name of particles only keeps
    them, as ``tokens`` does.
    """
    words = _words(text)
    kept = [word for word in words if word not in _PARTICLES]
    return kept or words


def word_keys(word: str) -> frozenset[str]:
    """The stored keys of one word of ``name_words`` (or of two of them written together).

    The same keys ``name_keys`` stores for the word, so a word is found in another name when
    its keys meet that name's stored keys.
    """
    return _stored_word_keys(word)
