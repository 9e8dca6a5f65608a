"""conflict-timeline: explore sourced conflict events on a timeline and a map."""

__version__ = "0.1.0"
