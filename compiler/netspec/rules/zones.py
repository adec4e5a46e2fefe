"""Region and Availability Zone rules."""

from __future__ import annotations

import difflib
from typing import Iterator

from .. import regions
from ..codes import Code
from ..findings import Finding
from .base import SpecView, repeats, rule


@rule("NS201")
def unknown_region(view: SpecView, code: Code) -> Iterator[Finding]:
    if view.region is None:
        name = view.data["region"]
        guess = difflib.get_close_matches(name, list(regions.REGIONS), n=1)
        hint = f"did you mean `{guess[0]}`?" if guess else code.hint
        yield code.at(view.doc.at(("region",)), f"unknown AWS region {name!r}", hint=hint)


def _zone_examples(region: regions.Region) -> str:
    names = ", ".join(f"{region.name}{letter}" for letter in region.zone_letters)
    ids = f"{region.zone_id_prefix}-az1..{region.zone_id_prefix}-az{region.zone_id_count}"
    return f"{region.name} has zones {names} (zone IDs {ids})"


@rule("NS202")
def zone_not_in_region(view: SpecView, code: Code) -> Iterator[Finding]:
    region = view.region
    if region is None:
        return
    for i, zone in view.indexed("azs"):
        if regions.zone_slot(region, zone) is None:
            yield code.at(view.doc.at(("azs", i)), f"{zone!r} is not an Availability Zone of {region.name}",
                          hint=_zone_examples(region))


@rule("NS203")
def duplicate_zone(view: SpecView, code: Code) -> Iterator[Finding]:
    for i, first in repeats(view.zones):
        yield code.at(view.doc.at(("azs", i)), f"zone {view.zones[i]!r} is listed twice",
                      related=(view.doc.at(("azs", first)),))


@rule("NS204")
def mixed_zone_forms(view: SpecView, code: Code) -> Iterator[Finding]:
    forms = [regions.is_zone_id(z) for z in view.zones]
    if all(forms) or not any(forms):
        return
    # Point at the entries written in the less common form.
    minority = forms.count(True) <= forms.count(False)
    for i, is_id in enumerate(forms):
        if is_id == minority:
            kind = "a zone ID" if is_id else "a zone name"
            yield code.at(view.doc.at(("azs", i)), f"{view.zones[i]!r} is {kind}, unlike the other zones")
