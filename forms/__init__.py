"""Form specs, validation of answers, rendering (Streamlit) and documents (PDF)."""
