"""Rendering that serves one page (or the sidebar), split out so the page scripts stay short."""
