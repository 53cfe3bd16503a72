"""The pathways a practice works with come from its setting `pathways` (issue 22, S1): COCON alone until it
chooses; only shipped pathways count, in the order of their files."""

from __future__ import annotations

from cocon_desktop import settings
from cocon_desktop.services import settings_store
from cocon_desktop.services.pathway_store import enabled_pathways, shipped_pathways
from cocon_desktop.services.practice_handle import Practice


def _ids(practice: Practice) -> list[str]:
    return [pathway.id for pathway in enabled_pathways(practice.sessions)]


def test_enabled_pathways_follow_the_setting(practice: Practice) -> None:
    assert _ids(practice) == ["cocon"]  # a practice that never chose: as before the setting existed
    settings_store.put(practice.sessions, settings.PATHWAYS, "pco-tnd,cocon")
    assert _ids(practice) == ["cocon", "pco-tnd"]
    settings_store.put(practice.sessions, settings.PATHWAYS, "pco-tnd")
    assert _ids(practice) == ["pco-tnd"]
    assert enabled_pathways(practice.sessions)[0] is shipped_pathways()["pco-tnd"]
    settings_store.put(practice.sessions, settings.PATHWAYS, "base")  # not shipped: COCON
    assert _ids(practice) == ["cocon"]
    only_cocon = {"cocon": shipped_pathways()["cocon"]}
    settings_store.put(practice.sessions, settings.PATHWAYS, "cocon,pco-tnd")
    assert [p.id for p in enabled_pathways(practice.sessions, only_cocon)] == ["cocon"]
