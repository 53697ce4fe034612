"""Slugs from Russian and English names."""

from __future__ import annotations

from django.utils.text import slugify

# Transliteration for slugs (close to the Russian passport standard, ICAO 9303); slugify alone
# would drop every Cyrillic letter and leave an empty slug for "Кофейня".
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}  # fmt: skip


def make_slug(name: str) -> str:
    latin = "".join(_CYRILLIC.get(ch, ch) for ch in name.lower())
    return slugify(latin)[:80].strip("-")


# Slugs that are words of the web app's URLs (/clients/new/) and so cannot name a client.
RESERVED_SLUGS = frozenset({"new"})
