"""The test factories produce rows the schema accepts, in local time."""

from tests.factories import add_episodes, add_locations, add_sites


def test_factory_episode_times_are_london_local(con):
    add_episodes(con, [dict(incident_id="A", person="P1", reported_at="2024-07-01 10:00")])
    hour, key, ident = con.execute(
        "select hour(reported_at), e.person_key, person_id from episodes e join person_identity using (person_key)"
    ).fetchone()
    assert (hour, key, ident) == (10, "P1", "REF-P1")


def test_factory_locations_and_sites(con):
    add_episodes(con, [dict(incident_id="A", person="P1", reported_at="2024-01-01 10:00")])
    add_sites(con, [dict(site_id="S1", name="Home A")])
    add_locations(con, [dict(incident_id="A", role="missing_from", easting=383000.0, northing=398000.0, site_id="S1")])
    assert con.execute("select sensitive from sites").fetchone() == (True,)
    assert con.execute("select count(*) from episode_locations where site_id='S1'").fetchone() == (1,)
