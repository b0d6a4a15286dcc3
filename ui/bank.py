"""The bank-account form shared by organisations and Partnerships."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from sqlmodel import Session

from domain.i18n import _
from ui.actions import act
from ui.widgets import field_error, form_errors_banner


def bank_account_form(
    form: str, *, iban: str, bic: str, holder: str, save: Callable[[Session, str, str, str], object]
) -> None:
    """`save(session, iban, bic, holder)` is the service call that stores the account."""
    if iban:
        st.caption(
            _("Account on file: {holder} · IBAN …{tail} · BIC {bic}").format(holder=holder, tail=iban[-4:], bic=bic)
        )
    form_errors_banner(form)
    with st.form(form):
        new_holder = st.text_input(_("Account holder") + " *", value=holder, key=f"{form}_holder", max_chars=70)
        field_error(form, "holder")
        new_iban = st.text_input(
            _("IBAN") + " *",
            value=iban,
            key=f"{form}_iban",
            max_chars=42,
            help=_("As on a bank statement; spaces are fine."),
        )
        field_error(form, "iban")
        new_bic = st.text_input(
            _("BIC"),
            value=bic,
            key=f"{form}_bic",
            max_chars=11,
            help=_("Found from the IBAN for most banks; give it if asked."),
        )
        field_error(form, "bic")
        if st.form_submit_button(_("Save the bank account")):
            act(
                lambda s: save(s, new_iban, new_bic, new_holder),
                success=_("Bank account saved."),
                form=form,
                rerun=True,
            )
