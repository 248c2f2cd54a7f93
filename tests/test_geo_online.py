"""The optional online geocoder: parsing, rate limit, cache. No real service is ever called."""

from __future__ import annotations

import pandas as pd

from profiles.geo.cascade import geocode_frame
from profiles.geo.online import RateLimiter, online_step, parse_os_places
from tests.test_geo_world import world  # noqa: F401  (fixture)


def test_rate_limiter_spaces_calls():
    now = [0.0]
    slept = []

    def sleep(s):
        slept.append(round(s, 3))
        now[0] += s

    limiter = RateLimiter(2.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        limiter.wait()
    assert slept == [0.5, 0.5]


def test_os_places_answer_is_parsed_in_bng():
    answer = {"results": [{"DPA": {"X_COORDINATE": 383000.0, "Y_COORDINATE": 396000.0}}]}
    assert parse_os_places(answer) == (383000.0, 396000.0)
    assert parse_os_places({"header": {}}) is None


def test_online_step_only_sees_what_offline_steps_could_not_place_and_is_cached(world, monkeypatch):  # noqa: F811
    con, settings, _, _ = world
    settings.geocoding.online_provider = "nominatim"
    asked = []

    def fake_fetch(url, params, headers):
        asked.append(params["q"])
        return [{"lon": "-2.28", "lat": "53.46"}]

    from profiles.geo import cascade

    monkeypatch.setattr(cascade, "online_for",
                        lambda s, c: online_step(s, fetch=fake_fetch, limiter=RateLimiter(0)))
    frame = pd.DataFrame({"postcode": ["M1 1AA", ""], "address": ["", "The Old Mill, Mill Lane"]})
    out = geocode_frame(con, frame, settings)
    assert out["method"].tolist() == ["postcode", "online"]
    assert asked == ["THE OLD MILL MILL LANE"]
    geocode_frame(con, frame, settings)
    assert len(asked) == 1  # the second time came from the cache
