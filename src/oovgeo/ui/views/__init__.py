"""One module per page: the Streamlit sections that a page file calls after ``frame()``.

A view draws; it does not compute. Data shaping lives in the core (``analysis``, ``report``,
``services``) where it is tested without Streamlit, and session values go through
:mod:`oovgeo.ui.state`.
"""
