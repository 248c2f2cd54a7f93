"""Reports: presentation objects, one renderer (Jinja + filters), disclosure control,
charts and maps, the UKMPU annual return, partner shares, the care-home summary and
the monthly problem profile.

The analysis hands this package plain DataFrames; this package turns them into
``Report`` objects (sections, tables, figures, key findings) and renders them with
``templates/``. It never imports Prefect.
"""
