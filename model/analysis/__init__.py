"""Scenario analysis: what the model says across many scenarios rather than one.

- :mod:`~model.analysis.compare`: the presets and the user's scenario side by side, with variance
  against the base (the layout of Excel's Scenario Summary);
- :mod:`~model.analysis.sensitivity`: a tornado of every uncertain assumption, and a two-way table;
- :mod:`~model.analysis.montecarlo`: many draws of the uncertain assumptions at once, as percentiles;
- :mod:`~model.analysis.calibration`: the base case against every reported figure it must reproduce.

Each runs the pure model (:mod:`model.engine`, :mod:`model.simulate`) and knows nothing of how its
tables are shown or written.
"""
