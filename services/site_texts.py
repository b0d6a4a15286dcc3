"""The texts of the public landing page: built-in defaults, each editable by an admin."""

from __future__ import annotations

from sqlmodel import Session, select

from db.models import SiteText, User
from db.types import utcnow
from domain.errors import ValidationFailed
from domain.i18n import _
from services.permissions import require_admin

MAX_TEXT = 10_000
# (key, what the admin edits, built-in text). Markdown; HTML is shown as text, never run.
DEFAULTS: tuple[tuple[str, str, str], ...] = (
    (
        "intro",
        "Introduction",
        "ClusterXchange funds **short stays abroad** between members of industrial clusters, so that "
        "organisations learn from each other, find partners and start joint projects across Europe.",
    ),
    (
        "exchange",
        "What is an exchange",
        "A **Visitor** organisation spends **3 working days to one month** (consecutive, travel "
        "excluded) at a **Host** organisation in another participating country. Together they agree an action plan "
        "of what they "
        "will do and learn; each side is supervised by a **Partnership** of its choice.",
    ),
    (
        "who_visitor",
        "Who can be a Visitor",
        "Cluster organisations, SMEs that are members of a cluster, scaling-up support "
        "organisations and training providers.",
    ),
    (
        "who_host",
        "Who can be a Host",
        "Cluster organisations, SMEs, large companies, public authorities, scaling-up support "
        "organisations and training providers.",
    ),
    (
        "benefits_visitor",
        "Benefits for the Visitor",
        "See how peers run their services, meet new partners and customers, "
        "and bring ideas home; the travel and stay are supported by a lump sum.",
    ),
    (
        "benefits_host",
        "Benefits for the Host",
        "Show your ecosystem to Europe, attract partners and talent, and learn from the questions of your visitors.",
    ),
    (
        "phases",
        "The three phases",
        "**1. Preparation**: an expression of interest, finding the counterpart, the action plan, "
        "the Commitment to Quality and the Financial Agreement.  \n**2. Execution**: the stay; then the Visitor "
        "files a closing "
        "report with evidence.  \n**3. Finalisation**: the Partnership accepts the report and pays the lump sum.",
    ),
    (
        "lump_sum",
        "The lump sum",
        "The Visitor's Partnership pays a lump sum for travel and accommodation after the exchange: "
        "a daily rate of the host country for each working day, plus a travel amount by distance, within a cap.",
    ),
    (
        "partnerships",
        "The Partnerships",
        "Partnerships are consortia of cluster organisations that supervise exchanges: they "
        "approve expressions of interest and plans, sign the commitments and pay the lump sums. Browse their "
        "profiles to choose yours.",
    ),
)
TITLES = {key: title for key, title, _text in DEFAULTS}


def site_texts(session: Session) -> dict[str, str]:
    stored = {row.key: row.body for row in session.exec(select(SiteText))}
    return {key: stored.get(key, text) for key, _title, text in DEFAULTS}


def set_site_text(*, session: Session, actor: User, key: str, body: str) -> SiteText:
    require_admin(actor)
    if key not in TITLES:
        raise ValidationFailed({"key": _("There is no text called “{key}”.").format(key=key)})
    text = body.strip()
    if not text:
        raise ValidationFailed({"body": _("A text cannot be empty; use “Back to the built-in text” instead.")})
    if len(text) > MAX_TEXT:
        raise ValidationFailed({"body": _("At most {n} characters.").format(n=MAX_TEXT)})
    row = session.get(SiteText, key) or SiteText(key=key, body=text)
    row.body, row.updated_by_user_id, row.updated_at = text, actor.id, utcnow()
    session.add(row)
    session.commit()
    return row


def reset_site_text(*, session: Session, actor: User, key: str) -> None:
    require_admin(actor)
    row = session.get(SiteText, key)
    if row is not None:
        session.delete(row)
        session.commit()
