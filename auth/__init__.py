"""Login glue between streamlit-authenticator, the server-side session record and navigation."""
