"""The presets: named starting points for the what-if (data/presets.yaml), each a story in one
sentence and the few assumptions it changes from the reported terms, checked against the scenario
model when the file is read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from model.datafiles import DATA_DIR, load_file
from model.scenario import Scenario, with_values

PRESETS_FILE = DATA_DIR / "presets.yaml"


class Preset(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    title: str
    story: str
    values: dict[str, Any] = Field(default_factory=dict)

    @field_validator("values")
    @classmethod
    def _valid_scenario(cls, values: dict[str, Any]) -> dict[str, Any]:
        with_values(Scenario(), values)  # raises ScenarioError (a ValueError) naming the field
        return values

    @property
    def scenario(self) -> Scenario:
        return with_values(Scenario(), self.values)


class _PresetFile(BaseModel):
    presets: list[Preset] = Field(min_length=1)

    @field_validator("presets")
    @classmethod
    def _unique_names(cls, presets: list[Preset]) -> list[Preset]:
        # One name, one preset: a second "bull" would silently replace the first in the sidebar.
        first_index: dict[str, int] = {}
        for index, preset in enumerate(presets):
            if preset.name in first_index:
                raise ValueError(
                    f"preset name {preset.name!r} is used twice (presets[{first_index[preset.name]}] "
                    f"and presets[{index}]); each preset needs its own name"
                )
            first_index[preset.name] = index
        return presets


def load_presets(path: Path = PRESETS_FILE) -> dict[str, Preset]:
    """The named presets (base, bull, bear, breakup), each checked against the scenario model."""
    return {preset.name: preset for preset in load_file(path, _PresetFile, wrap="presets").presets}
