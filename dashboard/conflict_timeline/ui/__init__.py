"""Streamlit glue: cached data access, the URL state, the shared sidebar and the event card."""
