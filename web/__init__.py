"""The HTTP layer around Streamlit: the session cookie's routes and the security headers."""
