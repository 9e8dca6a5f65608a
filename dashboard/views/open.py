"""Open a file: an ACLED or UCDP export, or a zip of a dataset directory, for this session only."""

import streamlit as st

from conflict_timeline.importers.uploads import UploadError, is_upload, limit_bytes, open_upload, upload_name
from conflict_timeline.ui.context import page_header
from conflict_timeline.ui.data_access import UPLOAD_KEY, switch_dataset
from conflict_timeline.ui.safe import md

ctx = page_header("Open a file")
uploaded_now = is_upload(ctx.data.path)


if uploaded_now:
    st.success(
        f"You are exploring **{md(upload_name(ctx.data.path))}** ({ctx.data.n_events:,} events). Every page "
        "shows it, for this browser session only: nobody else can see it, and a link you share says "
        "`data=upload` instead of carrying the file.",
        icon=":material/upload_file:",
    )
    st.button(
        "Back to the curated record",
        on_click=switch_dataset,
        args=(None,),
        icon=":material/undo:",
        key="back-to-curated",
    )

st.markdown(
    "Open an **ACLED** export (Data Export Tool or API, any of its layouts), a **UCDP GED** CSV, or a "
    "**.zip of a dataset directory** in this project's format. The file is imported on this server, kept "
    "apart from the curated data, and removed after a day without use."
)
file = st.file_uploader(
    "ACLED or UCDP CSV, or a zip of a dataset directory",
    type=["csv", "zip"],
    key="upload-file",
    help=f"Up to {limit_bytes() // (1 << 20):,} MB. Larger files: `conflict-timeline import` on your own machine.",
)
if file is not None:
    status = st.status(f"Opening {md(file.name)}…", expanded=True)
    bar = status.progress(0.0)

    def progress(what: str, done: int, total: int) -> None:
        text = f"{what}: {done:,} of {total:,} rows" if total else f"{what}: {done:,} rows"
        bar.progress(min(done / total, 1.0) if total else 0.0, text=text)

    try:
        if file.size > limit_bytes():  # said before reading the bytes
            raise UploadError(
                f"This file is {file.size / (1 << 20):,.1f} MB; uploads are limited to "
                f"{limit_bytes() / (1 << 20):,.0f} MB here. Import it with `conflict-timeline import` instead."
            )
        upload = open_upload(file.name, file.getvalue(), progress)
    except UploadError as exc:
        status.update(label="The file could not be opened", state="error")
        st.error(md(exc), icon=":material/error:")
    else:
        status.update(label=f"{md(upload.name)} is ready", state="complete", expanded=False)
        if upload.report:
            st.markdown("**Import report**")
            st.code("\n".join(upload.report[:400]), language=None)
        opened = st.session_state.get(UPLOAD_KEY) == str(upload.path)
        if not opened and st.button("Explore it", type="primary", icon=":material/travel_explore:", key="explore"):
            switch_dataset(str(upload.path))
            st.switch_page("views/timeline.py")
