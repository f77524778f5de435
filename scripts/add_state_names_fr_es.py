"""Add each State's French and Spanish names to matching/data/states.tsv (column fr_es), from pycountry's ISO 3166
translations.

    .venv/bin/pip install pycountry && .venv/bin/python scripts/add_state_names_fr_es.py

French and Spanish are official languages of the Council: on the floor channel delegations name themselves
"España", "la Mauritanie", and chairs call "el Reino Unido". pycountry ships the Debian iso-codes translations;
a State is matched to its ISO entry by name and kept only if the ISO name leads back to the same State (so "Republic
of Korea" never takes the names of its neighbour). An inverted form ("Bolivie, État plurinational de") gives the
part before the comma, unless two States share it ("Corée", "Congo"), and the form put back in order ("État
plurinational de Bolivie"). Run it again after editing the file by hand:
forms already present are left alone.
"""

from __future__ import annotations

import gettext
import sys
from pathlib import Path
from typing import Any

import pycountry

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from uprwatch.matching.gazetteer import DATA, fold, gazetteer  # noqa: E402


def iso_entry(name: str, display: str) -> Any:
    """pycountry's record of a State (its type is built at run time), or None."""
    for query in (name, display):
        try:
            return pycountry.countries.lookup(query)
        except LookupError:
            continue
    return None


def main() -> int:
    g = gazetteer()
    translations = [gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang]) for lang in ("fr", "es")]
    candidates: dict[str, list[str]] = {}  # state name -> new forms
    heads: dict[str, set[str]] = {}  # the part before a comma -> States giving it
    for state in g.states:
        entry = iso_entry(state.name, state.display)
        if entry is None or g.lookup(entry.name) != state:
            continue
        for t in translations:
            local = t.gettext(entry.name)
            form = local.split(",")[0].strip() if "," in local else local
            heads.setdefault(fold(form), set()).add(state.name)
            candidates.setdefault(state.name, []).append(form)
            if "," in local:  # the form a chair says: "Fédération de Russie", "République islamique d'Iran"
                head, tail = (part.strip() for part in local.split(",", 1))
                joint = "" if tail.endswith("'") else " "
                candidates[state.name].append(f"{tail}{joint}{head}")
    lines = DATA.read_text(encoding="utf-8").splitlines()
    out, added = [], 0
    for line in lines:
        if line.startswith("#"):
            out.append(line)
            continue
        if line.startswith("name\t"):
            out.append("name\tdisplay\taliases\tfr_es")
            continue
        name, display, aliases, translated = [*line.split("\t"), "", ""][:4]
        forms = [a for a in translated.split(";") if a]
        known = {fold(f) for f in (name, display, *aliases.split(";"), *forms) if f}
        for form in candidates.get(name, []):
            key = fold(form)
            if key in known or len(heads.get(key, ())) > 1 or (g.exact(form) not in (None, g.exact(name))):
                continue
            forms.append(form)
            known.add(key)
            added += 1
        out.append("\t".join([name, display, aliases, ";".join(forms)]))
    DATA.write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"{added} French and Spanish forms added to {DATA}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
