"""Pure figure and deck builders: data in, Plotly figure or pydeck Deck out. No Streamlit here."""
