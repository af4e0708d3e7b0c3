"""Reusable Streamlit pieces. Per-user data lives only in st.session_state (DESIGN.md)."""
