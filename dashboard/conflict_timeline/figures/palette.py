"""Colour-blind-safe colours (Okabe–Ito and Paul Tol's palettes), readable on light and dark themes."""

from __future__ import annotations

SIDE_COLORS = {
    "armenian": "#E69F00",
    "azerbaijani": "#0072B2",
    "international": "#009E73",
    "third-party": "#CC79A7",
    "civilian": "#999999",
}

# Violence in warm/dark tones, politics in cool/light ones; symbols separate the two families too.
TYPE_COLORS = {
    "armed_clash": "#CC3311",
    "territory_change": "#882255",
    "shelling": "#EE7733",
    "air_drone_strike": "#AA3377",
    "missile_strike": "#EE3377",
    "explosion": "#BB5566",
    "violence_against_civilians": "#661100",
    "riot_pogrom": "#994455",
    "protest": "#DDAA33",
    "ceasefire_agreement": "#009988",
    "talks_meeting": "#33BBEE",
    "statement_accusation": "#77AADD",
    "mobilisation_martial_law": "#997700",
    "humanitarian": "#44BB99",
    "blockade": "#555555",
    "deployment": "#0077BB",
    "handover": "#117733",
    "political_change": "#4477AA",
    "arrest_detention": "#6699CC",
}
FALLBACK = "#888888"
VERIFICATION_COLORS = {"confirmed": "#0072B2", "claimed": "#E69F00", "disputed": "#CC79A7", "reported": "#009E73"}
# Sides of an imported dataset (ACLED actor types, UCDP side A/B) take these in their order.
SIDE_CYCLE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#999999", "#F0E442", "#000000")
ERA_FILL = "rgba(120, 120, 120, 0.10)"


def side_color(side: str, order: tuple[str, ...] = ()) -> str:
    """The curated sides' colours; any other dataset's sides by their place in its sides.csv."""
    if side in SIDE_COLORS:
        return SIDE_COLORS[side]
    return SIDE_CYCLE[order.index(side) % len(SIDE_CYCLE)] if side in order else FALLBACK


def type_color(event_type: str) -> str:
    return TYPE_COLORS.get(event_type, FALLBACK)


def hex_to_rgb(color: str, alpha: int = 255) -> list[int]:
    color = color.lstrip("#")
    return [int(color[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]
