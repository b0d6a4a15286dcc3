"""The few style rules the app adds to Streamlit's theme (.streamlit/config.toml), each for an
accessibility check that the theme options cannot meet (docs/accessibility.md)."""

from __future__ import annotations

import streamlit as st

FOCUS = "#1f5c99"  # the theme's primary colour: 6.9:1 on white, 6.2:1 on the sidebar's grey

CSS = f"""
<style>
/* WCAG 2.4.7: keyboard focus is always visible. Streamlit's page links only tint their background. */
a:focus-visible, button:focus-visible, summary:focus-visible, [role="tab"]:focus-visible,
[role="checkbox"]:focus-visible, [role="switch"]:focus-visible, [role="radio"]:focus-visible,
input:focus-visible, textarea:focus-visible, [tabindex]:focus-visible {{
  outline: 2px solid {FOCUS} !important;
  outline-offset: 2px !important;
}}
/* WCAG 2.5.8: targets of at least 24 px. A multiselect's chevron is 18 px wide, the day and month
   parts of a date field 18 by 20 px. */
[data-testid="stMultiSelect"] button[aria-haspopup="listbox"] {{
  min-width: 24px;
  min-height: 24px;
}}
[data-testid="stDateInput"] [role="spinbutton"] {{
  display: inline-flex;
  align-items: center;
  justify-content: center;
  min-width: 24px;
  min-height: 24px;
}}
/* WCAG 1.4.10: at 360 px a link's words wrap instead of ending in "…" (a queue item says it all). */
[data-testid="stPageLink-NavLink"] span {{
  white-space: normal;
  overflow: visible;
  line-height: 1.5;
}}
/* The same for the menu's items, at any width: Polish "Wprowadzanie danych dla członków" ended in "…" at 1280 px. */
[data-testid="stSidebarNavLink"] {{
  height: auto;
  min-height: 28px;
}}
[data-testid="stSidebarNavLink"] span[label], [data-testid="stSidebarNavLink"] span[label] * {{
  white-space: normal;
  overflow: visible;
  text-overflow: clip;
  height: auto;
  line-height: 1.5;
}}
/* And for a button's words: French "Envoyer un lien de réinitialisation du mot de passe" ended in "…" at 360 px. */
[data-testid^="stBaseButton"] .stMarkdownEllipsis, [data-testid^="stBaseButton"] .stMarkdownEllipsis p {{
  white-space: normal;
  overflow: visible;
  text-overflow: clip;
}}
/* WCAG 1.4.3: inline code in a caption keeps the caption's colour (Streamlit's green fades to 3:1). */
[data-testid="stCaptionContainer"] code {{
  color: inherit;
}}
</style>
"""


def apply() -> None:
    """Add the rules to this run's page (a <style> only: Streamlit draws no block for it)."""
    st.html(CSS)
