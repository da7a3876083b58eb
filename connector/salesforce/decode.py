"""Salesforce answers decoded by pydantic-core's JSON parser, the library's decoder as fallback.

simple-salesforce decodes every answer with `requests`' `Response.json` (the standard library's
json). A query page is about 3 KB of JSON a deal; pydantic-core (already installed for pydantic)
parses it in about 60% of the CPU and shares the dict keys between records (`cache_strings`):
every record of a page repeats the same field names. Its parser is stricter than json in two
places a CRM answer can reach: a lone surrogate escape (`"\\ud800"`, which Java-based servers
can emit) and a byte order mark. Any answer it refuses is decoded again the library's way, so
the set of answers dealgate accepts, and the error for those it does not (`requests`'
JSONDecodeError, "not JSON"), stay exactly the library's.
"""

from __future__ import annotations

from typing import Any

import requests
from pydantic_core import from_json
from simple_salesforce.api import Salesforce


class DecodingSalesforce(Salesforce):
    """simple-salesforce's client with answers decoded by pydantic-core's parser first."""

    def parse_result_to_json(self, result: requests.Response) -> Any:
        """The JSON value of `result`: pydantic-core's parse or, where that refuses the body,
        the library's own (raising `requests.exceptions.JSONDecodeError` if it is not JSON)."""
        try:
            return from_json(result.content, cache_strings="keys")
        except ValueError:
            return super().parse_result_to_json(result)
