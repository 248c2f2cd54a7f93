"""An optional online geocoder (Nominatim or OS Places), last step of the cascade.

Off by default (``geocoding.online_provider: none``) and never called by tests with a
real service. When on, it is asked only about locations every offline step failed on,
one request at a time under a rate limit, and its answers are cached like any other
result. Transport (:func:`http_get_json`), rate limit and parsing are separate so that
the parsing can be tested with recorded answers.
"""

from __future__ import annotations

import json
import os
import time
import urllib.parse
import urllib.request
from typing import Callable

import pandas as pd

from profiles.config import Settings
from profiles.errors import MisperError
from profiles.geo.crs import wgs84_to_bng

DEFAULT_URLS = {
    "nominatim": "https://nominatim.openstreetmap.org/search",
    "os_places": "https://api.os.uk/search/places/v1/find",
}
ONLINE_CONFIDENCE = 0.7
ONLINE_PRECISION_M = 50.0

Fetch = Callable[[str, dict, dict], object]


class RateLimiter:
    """At most ``per_second`` calls per second (sleeps between calls)."""

    def __init__(self, per_second: float, clock=time.monotonic, sleep=time.sleep):
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self.clock, self.sleep = clock, sleep
        self.last: float | None = None

    def wait(self) -> None:
        now = self.clock()
        if self.last is not None and now - self.last < self.interval:
            self.sleep(self.interval - (now - self.last))
            now = self.clock()
        self.last = now


def http_get_json(url: str, params: dict, headers: dict, timeout: float = 10.0) -> object:
    request = urllib.request.Request(url + "?" + urllib.parse.urlencode(params), headers=headers)
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - configured URL
        return json.loads(response.read().decode("utf-8"))


def _query_text(row: pd.Series) -> str:
    parts = [row.get("address", ""), row.get("place", ""), row.get("postcode", "") or row.get("partial", "")]
    return ", ".join(p for p in parts if p)


def parse_nominatim(answer: object) -> tuple[float, float] | None:
    if isinstance(answer, list) and answer:
        lon, lat = float(answer[0]["lon"]), float(answer[0]["lat"])
        e, n = wgs84_to_bng([lon], [lat])
        return float(e[0]), float(n[0])
    return None


def parse_os_places(answer: object) -> tuple[float, float] | None:
    results = answer.get("results") if isinstance(answer, dict) else None
    if results:
        dpa = results[0].get("DPA") or results[0].get("LPI") or {}
        if "X_COORDINATE" in dpa:
            return float(dpa["X_COORDINATE"]), float(dpa["Y_COORDINATE"])
    return None


def online_step(settings: Settings, *, fetch: Fetch | None = None, limiter: RateLimiter | None = None):
    """The cascade step for the configured provider: ``step(inputs) -> results``."""
    cfg = settings.geocoding
    provider = cfg.online_provider
    if provider not in DEFAULT_URLS:
        raise MisperError(f"geocoding.online_provider {provider!r}: expected none, nominatim or os_places")
    url = cfg.online_url or DEFAULT_URLS[provider]
    key = os.environ.get(cfg.online_api_key_env, "")
    if provider == "os_places" and not key:
        raise MisperError(f"OS Places needs an API key in {cfg.online_api_key_env}")
    limiter = limiter or RateLimiter(cfg.online_rate_limit_per_second)
    get = fetch or (lambda u, p, h: http_get_json(u, p, h, cfg.online_timeout_seconds))
    headers = {"User-Agent": cfg.online_user_agent}

    def step(inputs: pd.DataFrame) -> pd.DataFrame:
        rows = []
        for key_, row in inputs.iterrows():
            text = _query_text(row)
            if not text:
                continue
            if provider == "nominatim":
                params, parse = {"q": text, "format": "jsonv2", "countrycodes": "gb", "limit": 1}, parse_nominatim
            else:
                params, parse = {"query": text, "key": key, "output_srs": "EPSG:27700", "maxresults": 1}, parse_os_places
            limiter.wait()
            try:
                point = parse(get(url, params, headers))
            except (OSError, ValueError, KeyError):
                point = None  # a failed lookup stays unmatched
            if point:
                rows.append((key_, point[0], point[1], f"{provider}: {text}"))
        out = pd.DataFrame(rows, columns=["input_key", "easting", "northing", "matched_text"]).set_index("input_key")
        out["method"] = "online"
        out["confidence"] = ONLINE_CONFIDENCE
        out["precision_m"] = ONLINE_PRECISION_M
        out["site_id"] = None
        return out[["easting", "northing", "method", "confidence", "precision_m", "site_id", "matched_text"]]

    return step
