"""The dashboard's Streamlit side: `state` (the one session object), `controllers` (what a click
changes in it), `widgets` (shared pieces) and `views` (one page's rendering). Per-user data lives
only in the session object, in st.session_state (DESIGN.md)."""
