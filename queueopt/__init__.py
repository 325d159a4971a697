"""queueopt: plan queues and staffing for business halls.

Forecast footfall per interval, estimate waits with Erlang C / Erlang A and
simulation, turn a service target into staffing, build rosters with OR-Tools,
and show it all in a Streamlit app. ``import queueopt`` never imports
streamlit.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
