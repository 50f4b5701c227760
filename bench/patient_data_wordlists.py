"""Make the name lists of the patient-data detector (app/wordlists/*-names-*.txt, surnames-*.txt.gz), once.

    .venv/bin/python bench/patient_data_wordlists.py /path/to/names-0.3.0/names

Ukrainian given names and surnames, every inflected form, come from the pymorphy3 Ukrainian dictionary (words tagged
Name and Surn; pymorphy3-dicts-uk data, CC BY-SA 3.0, see app/wordlists/README.md). English given names and surnames
come from the 1990 US Census name files (public domain) shipped in the `names` 0.3.0 sdist (`pip download
--no-deps --no-binary :all: names==0.3.0`), plus the Ukrainian ones in the official KMU 2010 transliteration
(translitua), since staff in Ukraine write Ukrainian names in English text.
"""

import gzip
import sys
from pathlib import Path

import pymorphy3
from translitua import translit

OUT = Path(__file__).resolve().parent.parent / "app" / "wordlists"
# Common Ukrainian given names the dictionary tags as plain nouns only (богдан), or misses; all their forms are added.
COMMON_UK = (
    "богдан богдана іван петро тарас олег андрій микола василь юрій степан ярослав остап назар роман максим денис "
    "дмитро сергій олександр олексій віктор володимир михайло павло ігор артем євген вадим руслан станіслав "
    "олена марія ганна ірина наталія наталя оксана тетяна людмила мар'яна софія юлія катерина олександра вікторія "
    "анастасія дарина христина соломія галина надія віра любов лариса світлана ольга зоряна леся уляна"
).split()
EN_SURNAMES = 30_000  # the most common census surnames; the rarest tail is mostly one-family names


def census(path: Path, limit: int | None = None) -> list[str]:
    """The names of one census file (most common first), lowercased."""
    names = [line.split()[0].lower() for line in path.read_text().splitlines() if line.strip()]
    return names[:limit]


def main(census_dir: Path) -> None:
    """Write the lists."""
    morph = pymorphy3.MorphAnalyzer(lang="uk")
    given: set[str] = set()
    given_lemmas: set[str] = set()
    surnames: set[str] = set()
    surname_lemmas: set[str] = set()
    for parse in morph.iter_known_word_parses():
        grammemes = parse.tag.grammemes
        if "Name" in grammemes and len(parse.normal_form) >= 3:
            given.add(parse.word)
            given_lemmas.add(parse.normal_form)
        if "Surn" in grammemes and len(parse.normal_form) >= 3:
            surnames.add(parse.word)
            surname_lemmas.add(parse.normal_form)
    for name in COMMON_UK:
        lexeme = next(p for p in morph.parse(name) if p.normal_form == name).lexeme
        given.update(form.word for form in lexeme)
        given_lemmas.add(name)
    (OUT / "given-names-uk.txt").write_text("".join(f"{w}\n" for w in sorted(given)))
    with gzip.open(OUT / "surnames-uk.txt.gz", "wt") as out:
        out.writelines(f"{w}\n" for w in sorted(surnames))
    en_given = set(census(census_dir / "dist.male.first")) | set(census(census_dir / "dist.female.first"))
    en_given |= {translit(w).lower() for w in given_lemmas}
    (OUT / "given-names-en.txt").write_text("".join(f"{w}\n" for w in sorted(en_given) if w.isalpha()))
    en_surnames = set(census(census_dir / "dist.all.last", EN_SURNAMES))
    en_surnames |= {translit(w).lower() for w in surname_lemmas}
    with gzip.open(OUT / "surnames-en.txt.gz", "wt") as out:
        out.writelines(f"{w}\n" for w in sorted(en_surnames) if w.replace("'", "").isalpha())


if __name__ == "__main__":
    main(Path(sys.argv[1]))
