"""Demo data: deterministic, realistic synthetic account histories (pure Python + numpy, no Django)."""
