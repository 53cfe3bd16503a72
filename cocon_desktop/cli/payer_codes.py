"""`--network` of the batch commands (issue 22): a COCON network, or a payer the practice configured for another
pathway (PCO1, PCO2…: `cocon payer add`). The parser cannot know the practice's payers (it is built before the
practice is opened), so its `choices` are the COCON networks — the help and argparse's own refusals say exactly what
they said before pathways — plus anything shaped like a configured payer's code, which the services check once the
practice is open (services/batch_payers.py: « Payeur inconnu : PCO9 (…) », exit 1)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from cocon_desktop.domain.networks import NETWORKS

# a configured payer's code: a pathway's code_prefix (2 to 6 capitals) and its number, 8 characters at most
CONFIGURED_CODE = re.compile(r"(?=.{3,8}$)[A-Z]{2,6}[1-9][0-9]*")


class PayerCodes:
    """A `choices` container: iterates over the COCON networks (what --help lists), contains them and every
    configured payer's code shape."""

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(NETWORKS))

    def __len__(self) -> int:
        return len(NETWORKS)

    def __contains__(self, value: Any) -> bool:
        return isinstance(value, str) and (value in NETWORKS or CONFIGURED_CODE.fullmatch(value) is not None)


PAYER_CODES = PayerCodes()
