"""The monthly problem profile: sections built from the measures, per audience.

``write_profile`` gathers the measures once (``profile_data.gather``) and, for each
audience, builds a ``Report`` (``build_profile``), renders ``problem_profile.html`` and
``problem_profile.pdf``, writes every table shown to ``tables/<id>.csv``, a short
``summary.html`` for the email body and ``manifest.json`` for ``misper send``.

The package, one job per module:

- ``words``: the word list (codes as a reader says them);
- ``context``: the audience's view of the measures (counts in text, site and LA names);
- ``demand``, ``places``, ``people``, ``appendix``: the section builders, by group;
- ``findings``: key findings and recommendations, written from the tables shown;
- ``build``: the sections in order; ``write``: one folder per audience.

What each audience sees (docs/reports.md):

- police: everything, people named by the force's reference, sites by name;
- partner: no person references (repeat individuals by pseudonym only), no free
  text, children's homes as "Children's home A (Bolton)", small counts withheld with
  secondary suppression, no points on maps;
- public: as partner, without any list of individuals.

Key findings are sentences written from the numbers; outside the police audience a
number below the suppression threshold is written "fewer than 5".
"""

from profiles.reports.profile.build import SECTION_IDS, build_profile
from profiles.reports.profile.words import words
from profiles.reports.profile.write import default_out_dir, write_profile, write_profile_files

__all__ = ["SECTION_IDS", "build_profile", "default_out_dir", "words", "write_profile", "write_profile_files"]
