"""Sections on places: high-demand sites, clusters, hot spots, maps and found locations."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from profiles.disclosure import only_local_authority
from profiles.reports import maps
from profiles.reports.care_homes import summary_table
from profiles.reports.objects import Figure, Section, Table
from profiles.reports.profile.context import Context
from profiles.reports.profile.words import words


def sites(ctx: Context) -> Section:
    d = ctx.data
    top = d.sites.head(ctx.settings.reports.top_rows).reset_index(drop=True)
    data = pd.DataFrame({
        "rank": range(1, len(top) + 1),
        "site": [ctx.site(s) for s in top["site_id"]],
        "type": [words(t) for t in top["type"]],
        "local_authority": [ctx.la(c) for c in top["lad_code"]],
    })
    if ctx.police:
        data["site_ref"] = top["site_ref"]
        data["postcode"] = top["postcode"]
    for col in ("incidents", "individuals", "repeat_individuals", "calls", "estimated_cost_gbp"):
        data[col] = top[col].to_numpy()
    if ctx.police:
        data["change_vs_previous"] = top["change_vs_previous"].to_numpy()
    else:  # an exact change with the count shown would give the earlier (maybe small) count away
        data["change_vs_previous"] = ["up" if c > 0 else ("down" if c < 0 else "no change") for c in top["change_vs_previous"]]
    months = ctx.settings.sites.ranking_months
    ranked = ctx.table(Table(
        id="sites_ranked", caption=f"Sites with most reports, {months} months to {d.month.title}",
        data=data, count_columns=("incidents", "individuals", "repeat_individuals", "calls"),
        derived={"estimated_cost_gbp": "incidents"},
        body_columns=("rank", "site", "local_authority", "incidents", "individuals", "repeat_individuals",
                      "change_vs_previous"),
        formats={"estimated_cost_gbp": "gbp", "rank": "text", "change_vs_previous": "number" if ctx.police else "text"},
        labels={"site_ref": "Ref", "local_authority": "Local authority", "repeat_individuals": "Repeat individuals",
                "estimated_cost_gbp": "Estimated cost", "change_vs_previous": f"Change on previous {months} months"},
        notes=("A site's reports are those whose go-missing location the geocoder matched to it.",),
    ))
    tables = [ranked]
    flagged = d.persistent[d.persistent["persistent"] | d.persistent["emerging"]].reset_index(drop=True)
    tables.append(ctx.table(Table(
        id="sites_persistent_emerging", caption="Persistent and emerging sites",
        data=pd.DataFrame({
            "site": [ctx.site(s) for s in flagged["site_id"]],
            "type": [words(t) for t in flagged["type"]],
            "local_authority": [ctx.la(c) for c in flagged["lad_code"]],
            "incidents": flagged["incidents"].to_numpy(), "recent_incidents": flagged["recent_incidents"].to_numpy(),
            "status": flagged["status"].to_numpy(),
        }),
        count_columns=("incidents", "recent_incidents"),
        labels={"local_authority": "Local authority", "incidents": f"Incidents, {months} months",
                "recent_incidents": f"Last {ctx.settings.sites.emerging_recent_months} months"},
        notes=("Persistent: high in most months. Emerging: rising now against the earlier months.",),
    )))
    if ctx.police:
        tables.append(replace(summary_table(d.care_homes, d.lad_names), body_columns=(
            "name", "local_authority", "incidents", "individuals", "repeat_individuals", "incidents_12_months",
            "trend")))
    homes = d.people.absences.by_home
    if len(homes):
        tables.append(ctx.table(Table(
            id="sites_absences", caption="Unauthorised absences shared by care providers, and how many were reported",
            data=pd.DataFrame({
                "home": [ctx.site(s) if isinstance(s, str) else (n if ctx.police else "Home not matched to a site")
                         for s, n in zip(homes["site_id"], homes["site_name"])],
                "absences": homes["absences"], "reported_to_police": homes["reported_to_police"],
                "not_reported": homes["not_reported"], "reported_share": homes["reported_share"],
            }),
            count_columns=("absences", "reported_to_police", "not_reported"), additive_rows=True,
            total_column="absences", derived={"reported_share": ("reported_to_police", "absences")},
            formats={"reported_share": "percent"},
        )))
    cl = d.clusters_missing.head(ctx.settings.reports.top_rows)
    cdata = pd.DataFrame({
        "cluster": cl["cluster_id"].to_numpy(),
        "incidents": cl["incidents"].to_numpy(), "individuals": cl["individuals"].to_numpy(),
        "local_authority": cl["lad_name"].to_numpy(), "ward": cl["ward_name"].to_numpy(),
        "main_site": [ctx.site(s) if isinstance(s, str) else "None" for s in cl["main_site_id"]],
        "share_at_known_sites": cl["share_at_known_sites"].to_numpy(),
        "nearest_place": cl["nearest_place"].to_numpy(),
    })
    if ctx.police:
        cdata["centre_easting"] = cl["centre_easting"].to_numpy()
        cdata["centre_northing"] = cl["centre_northing"].to_numpy()
    cdata = only_local_authority(cdata, [ctx.sensitive_site(s) for s in cl["main_site_id"]], ctx.audience)
    tables.append(ctx.table(Table(
        id="sites_clusters", caption=f"Clusters of go-missing locations, {months} months (DBSCAN)",
        data=cdata, count_columns=("incidents", "individuals"),
        body_columns=("cluster", "incidents", "individuals", "local_authority", "main_site", "share_at_known_sites"),
        derived={"share_at_known_sites": "incidents"}, formats={"share_at_known_sites": "percent", "cluster": "text"},
        labels={"share_at_known_sites": "Share at known sites", "main_site": "Main site", "local_authority": "Local authority"},
        notes=(f"A cluster: at least {ctx.settings.sites.cluster_min_points} go-missing points within "
               f"{ctx.settings.sites.cluster_radius_m:.0f} m of one another; it finds demand no register names.",),
    )))
    figures: list[Figure] = []
    paragraphs = []
    if ctx.police:
        hot = d.hot_cells[d.hot_cells["hotspot"] == "hot"].head(ctx.settings.reports.top_rows).reset_index(drop=True)
        tables.append(Table(
            id="sites_hot_cells", caption=f"Hot-spot grid cells, {months} months (Getis-Ord Gi*, FDR controlled)",
            data=hot[["cell_id", "easting", "northing", "incidents", "neighbourhood_incidents", "gi_z", "q_value"]],
            count_columns=("incidents", "neighbourhood_incidents"), formats={"gi_z": "number", "q_value": "text"},
            labels={"cell_id": "Cell", "neighbourhood_incidents": "With neighbours", "gi_z": "Gi* z", "q_value": "q"},
        ))
        if d.lads is not None:
            sites_xy = top.dropna(subset=["easting", "northing"]).assign(rank=lambda f: f.index + 1)
            cells = d.hot_cells[d.hot_cells["hotspot"] == "hot"]
            figures.append(maps.point_map(
                id="sites_map", caption=f"Where people went missing from, {months} months",
                areas=d.lads, points=d.points[["easting", "northing"]], hot_cells=cells[["easting", "northing", "cell_m"]],
                sites=sites_xy[["easting", "northing", "rank"]], notes=tuple(d.map_attribution)))
    elif d.ward_hotspots is not None:
        wh = d.ward_hotspots
        hot = wh[wh["hotspot"] == "hot"].head(ctx.settings.reports.top_rows)
        main_site, ward_la = _ward_main_sites(d.points)
        wdata = pd.DataFrame({"ward": hot["name"].to_numpy(),
                              "local_authority": [ctx.la(ward_la.get(c)) for c in hot["code"]],
                              "incidents": hot["incidents"].to_numpy(), "gi_z": hot["gi_z"].to_numpy()})
        # a hot ward that is mostly one children's home would name the home's ward: its authority only
        wdata = only_local_authority(wdata, [ctx.sensitive_site(main_site.get(c)) for c in hot["code"]], ctx.audience)
        tables.append(ctx.table(Table(
            id="sites_hot_wards", caption=f"Hot-spot wards: more reports than in and around the wards nearby, {months} months",
            data=wdata, count_columns=("incidents",), formats={"gi_z": "number"},
            labels={"gi_z": "Hot-spot strength", "local_authority": "Local authority"},
            notes=("Hot-spot strength: how far the ward and its neighbours stand above the force's average (see "
                   "Methods). A ward whose reports are mostly from one children's home is shown by its local "
                   "authority only.",),
        )))
    if not ctx.police:
        areas, codes, word = (d.wards, d.points["ward_code"], "ward") if d.wards is not None else (d.lads, d.points["lad_code"], "local authority")
        if areas is not None:
            figures.append(maps.area_map(
                id="sites_map", caption=f"Reports by {word}, {months} months", areas=areas,
                counts=codes.value_counts().to_dict(), threshold=ctx.threshold, area_word=word,
                notes=tuple(d.map_attribution), names=d.lads))
    if not figures:
        paragraphs.append("No boundaries have been imported (misper reference import), so there is no map.")
    return Section(id="sites", title="High-demand sites and maps", tables=tuple(tables), figures=tuple(figures),
                   paragraphs=tuple(paragraphs))


def found_locations(ctx: Context) -> Section:
    d = ctx.data
    fp = d.found_places
    names = []
    for kind, code, name in zip(fp["place_kind"], fp["place_code"], fp["place_name"]):
        names.append(ctx.site(code) if kind == "site" else (d.ward_names.get(code, name) if kind == "ward" else words(kind)))
    places_table = ctx.table(Table(
        id="found_places", caption=f"Where people were found most often, {d.month.title}",
        data=pd.DataFrame({"place": names, "kind": [words(k) for k in fp["place_kind"]],
                           "incidents": fp["incidents"].to_numpy(), "individuals": fp["individuals"].to_numpy(),
                           "share_of_found": fp["share_of_found"].to_numpy(),
                           "median_distance_m": fp["median_distance_m"].to_numpy()}),
        count_columns=("incidents", "individuals"),
        derived={"share_of_found": "incidents", "median_distance_m": "incidents"},
        formats={"share_of_found": "percent", "median_distance_m": "number"},
        labels={"median_distance_m": "Median distance (m)", "share_of_found": "Share of found"},
    ))
    ring_cols = [c for c in d.rings.columns if c.startswith("p") and c.endswith("_m")]
    rings = ctx.table(Table(
        id="found_distance_rings", caption="Found-distance rings: within what distance each share was found",
        data=d.rings.drop(columns=["category"]).rename(columns={"label": "group"}),
        count_columns=("found",), derived={c: "found" for c in ring_cols},
        formats={c: "number" for c in ring_cols},
        labels={c: f"{c[1:-2]}% within (m)" for c in ring_cols},
        notes=("Straight-line distance on the British National Grid from where they went missing to where they "
               "were found; for search planning. Groups overlap.",),
    ))
    directions = ctx.table(Table(
        id="found_directions", caption="Direction of the found place from where they went missing",
        data=d.directions.assign(direction=[words(x) if x == "same_location" else x for x in d.directions["direction"]]),
        count_columns=("found",), derived={"share": "found", "median_distance_m": "found"},
        formats={"share": "percent", "median_distance_m": "number"},
        labels={"median_distance_m": "Median distance (m)"},
    ))
    if not ctx.police:  # search-planning detail: in the police body, in every audience's CSV
        rings, directions = replace(rings, in_body=False), replace(directions, in_body=False)
    return Section(id="found_locations", title="Found locations", tables=(places_table, rings, directions))


def _ward_main_sites(points: pd.DataFrame) -> tuple[dict[str, str], dict[str, str]]:
    """Per ward: the site that more than half of its go-missing points matched (if any), and
    the ward's local authority (the authority most of its points lie in; a tie: the one
    met first)."""
    located = points.dropna(subset=["ward_code"])
    points_in = located.groupby("ward_code").size()
    sites = located.dropna(subset=["site_id"]).groupby(["ward_code", "site_id"]).size()
    over_half = sites[sites.to_numpy() * 2 > points_in.reindex(sites.index.get_level_values(0)).to_numpy()]
    main = dict(over_half.index.tolist())
    # in the order each (ward, authority) is first met, so that idxmax keeps the first of a tie
    lads = located.dropna(subset=["lad_code"]).groupby(["ward_code", "lad_code"], sort=False).size()
    la = dict(lads.groupby(level=0, sort=False).idxmax().tolist())
    return main, la
