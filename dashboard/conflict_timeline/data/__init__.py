"""The data layer: schema, load, validate, query and export. No Streamlit here."""
