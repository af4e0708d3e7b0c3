"""The baseline for the cold-start benchmark: the smallest Streamlit app."""

import streamlit as st

st.title("Hello, world")
