"""Microsoft's exposure to OpenAI as one cash-flow model, with no user interface of its own.

The pure model sits at the top of the package: the assumptions (:mod:`~model.scenario`), the reported
facts (:mod:`~model.facts`, read through :mod:`~model.datafiles`), the arithmetic
(:mod:`~model.simulate`) and its tables and metrics (:mod:`~model.engine`). Around it, each in its own
subpackage: scenario analysis (:mod:`model.analysis`), market data (:mod:`model.market`), exports
(:mod:`model.export`) and the command line (:mod:`model.cli`). Imports flow one way, from the command
line down to the pure model; ``[tool.importlinter]`` in pyproject.toml says how, and the tests check it.

Sign convention, once for all: from Microsoft's point of view, money in is positive.
"""
