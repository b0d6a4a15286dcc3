"""The programme's own words and rules, pure: no database, no Streamlit, none of the project's other packages."""
