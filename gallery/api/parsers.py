"""Request body parsers: DRF's, with JSON nested deeper than Python's parser can follow answered as a 400."""

from __future__ import annotations

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:  # DRF catches only ValueError: without this, a 500
            raise ParseError("JSON parse error - the body is nested too deeply.") from None
