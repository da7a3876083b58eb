"""The labels `schema install` gives dealgate's CRM fields in the configured `language`.

English keeps each field's own label (connector/*/schema.py). In Japanese the evidence fields
take the names the task texts and reasons use (`gates.reasons.JA_LABELS`, the course's words),
so that a rep reads the same word in the task and on the deal, and the verdict fields take the
catalog's `verdict.label.*` texts.
"""

from __future__ import annotations

from gates.reasons import JA_LABELS
from sync.i18n import catalog
from sync.verdict import FIELD_KEYS


def schema_labels(language: str) -> dict[str, str]:
    """Field labels by attribute (or verdict key) in `language`; empty for English."""
    if language == "en":
        return {}
    words = catalog(language)
    labels = dict(JA_LABELS) if language == "ja" else {}
    labels.update({key: words(f"verdict.label.{key}") for key in FIELD_KEYS})
    return labels
