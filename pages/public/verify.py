import streamlit as st

from domain.i18n import _
from services.documents import verify_pdf, verify_reference
from services.runtime import read_session

st.title(_("Verify a document"))
st.caption(
    _(
        "Upload a PDF issued by CXC Desk, or type its reference (printed in its footer, e.g. CXC-12-CTQ-v1), "
        "to learn whether this instance issued it, whether it is unchanged, and who signed it."
    )
)
reference = st.text_input(_("Document reference"), value=st.query_params.get("ref", ""), key="verify_ref", max_chars=60)
upload = st.file_uploader(_("PDF file"), type=["pdf"], key="verify_file")
result = None
with read_session() as session:
    if upload is not None:
        result = verify_pdf(session, upload.getvalue())
    elif reference.strip():
        result = verify_reference(session, reference)
if result is not None:
    if result.issued_here and result.unchanged:
        st.success(result.line(), icon=":material/verified:")
        if result.document is not None and result.document.superseded_at is not None:
            st.warning(_("A newer version of this document exists."), icon=":material/update:")
        for signer in result.signers:
            st.markdown(f"- {signer}")
    else:
        st.error(result.line(), icon=":material/gpp_bad:")
