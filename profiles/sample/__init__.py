"""The SYNTHETIC sample: a realistic, deterministic missing-person extract for Greater Manchester.

``write_sample(SampleOptions(...), out, reference_dir=...)`` writes the extract in the
canonical or the RMS shape, and optionally the care providers' absences file and the
interventions file. See docs/sample.md.
"""

from profiles.sample.generate import SampleError, SampleOptions, SampleResult, write_sample

__all__ = ["SampleError", "SampleOptions", "SampleResult", "write_sample"]
