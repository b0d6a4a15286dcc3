"""All Streamlit outside pages: navigation, login widgets, guard, actions, wizard, widgets, journey views."""
