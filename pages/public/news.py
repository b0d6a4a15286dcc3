import streamlit as st

from domain.errors import NotFound
from domain.i18n import _, moment
from services import news
from services.runtime import read_session
from ui.actions import act

st.title(_("ClusterXchange news"))
params = st.query_params
confirm_token = params.get("confirm", "")
email, token, action = params.get("email", ""), params.get("token", ""), params.get("action", "")

if confirm_token:
    subscriber = act(lambda s: news.confirm(s, confirm_token), success=None)
    if subscriber is not None:
        st.success(
            _("Thank you: {email} now receives our news.").format(email=subscriber.email),
            icon=":material/mark_email_read:",
        )
elif email or token:
    try:
        if action == "unsubscribe":
            # Mail scanners open every link: only the click below unsubscribes, never opening the page.
            with read_session() as session:
                news.subscription(session, email, token)  # a bad link says so before any button
            st.markdown(_("Stop sending ClusterXchange news to **{email}**?").format(email=email))
            if st.button(_("Unsubscribe"), key="news_unsubscribe", type="primary", icon=":material/unsubscribe:"):
                removed = act(lambda s: news.unsubscribe(s, email, token) or False, success=None)
                if removed is not None:
                    st.success(
                        _("{email} is unsubscribed; we keep nothing of the subscription.").format(email=email)
                        if removed
                        else _("{email} receives no news from us.").format(email=email),
                        icon=":material/unsubscribe:",
                    )
        else:
            with read_session() as session:
                subscriber = news.subscription(session, email, token)
            if subscriber is None:
                st.info(_("{email} receives no news from us.").format(email=email))
            else:
                st.markdown(
                    _(
                        "**Your subscription**  \nAddress: {email}  \nAsked on: {asked}  \nConfirmed: {confirmed}"
                    ).format(
                        email=subscriber.email,
                        asked=moment(subscriber.created_at),
                        confirmed=moment(subscriber.confirmed_at) if subscriber.confirmed_at else _("not yet"),
                    )
                )
                if (
                    st.button(_("Delete my subscription"), key="news_delete", icon=":material/delete:")
                    and act(lambda s: news.unsubscribe(s, email, token), success=None) is not None
                ):
                    st.success(_("Deleted. We keep nothing of the subscription."))
    except NotFound as exc:
        st.error(str(exc))
else:
    st.markdown(
        _(
            "News of the programme a few times a year: new Partnerships, calls, stories of exchanges. "
            "We send a confirmation e-mail first; every e-mail has a link to unsubscribe."
        )
    )
    with st.form("news_form"):
        address = st.text_input(_("Your e-mail address"), key="news_email", max_chars=254)
        asked = st.form_submit_button(_("Sign up"), icon=":material/mail:")
    if asked:
        if act(lambda s: news.subscribe(s, address), success=_("Check your inbox.")):
            st.success(
                _("Check your inbox: we have sent a link to confirm the subscription."), icon=":material/outgoing_mail:"
            )

    with read_session() as session:
        items = news.published(session)
    for item in items:
        st.divider()
        st.header(item.title)
        st.caption(moment(item.sent_at) if item.sent_at else "")
        st.markdown(item.body)
