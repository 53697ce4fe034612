"""smartsmm: goal-driven social media marketing for SMM agencies."""

__version__ = "0.1.0"
