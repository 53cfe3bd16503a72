"""Text shown as it is, whatever it holds (issue 19, #8): a network's rejection reason may look like HTML."""

from __future__ import annotations

import html


def plain_tip(text: str) -> str:
    """A tooltip that shows `text` as it is. Qt takes a tooltip that looks like HTML (Qt::mightBeRichText) as rich
    text: a network's reason « <img src=…> » or « <a href=…> » would be rendered, an image fetched. Escaped inside
    a paragraph of our own (line breaks kept), every character of it is shown literally."""
    return "<p style='white-space:pre-wrap'>" + html.escape(text) + "</p>"
