"""Geography: reference import, the offline geocoding cascade, areas and the sites register.

Public entry points:

- :func:`profiles.geo.reference.import_reference` - `misper reference import`
- :func:`profiles.geo.cascade.geocode_frame` - geocode any frame (`misper geocode --input`)
- :func:`profiles.geo.episodes.geocode_episodes` - the pipeline step (episode_locations)
- :func:`profiles.geo.sites.build_sites_register`, :func:`profiles.geo.sites.refresh_candidate_sites`
- :func:`profiles.geo.boundaries.load_boundaries` - boundaries for maps and hot spots
- :func:`profiles.geo.attribution.attribution_lines` - attribution text for reports

See docs/geocoding.md.
"""
