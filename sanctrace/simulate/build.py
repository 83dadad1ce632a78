"""Building a world: population first, then the diverters (the order is part of determinism)."""

from __future__ import annotations

import random

from sanctrace.simulate.config import WorldConfig
from sanctrace.simulate.population import Populator
from sanctrace.simulate.schemes import SchemeBuilder
from sanctrace.simulate.world import World


def build_world(config: WorldConfig, scale: float, seed: int) -> tuple[World, SchemeBuilder]:
    """The world and the scheme builder that can plan its diversions."""
    world = World(config, scale)
    populator = Populator(world, random.Random(f"{seed}/world"))
    populator.manufacturers()
    populator.distributors()
    populator.module_makers()
    populator.forwarders()
    populator.vary_styles()
    populator.listed()
    populator.customers()
    populator.lookalikes()
    populator.module_trade()
    populator.supply_contracts()
    populator.forwarding_clients()
    schemes = SchemeBuilder(populator)
    schemes.build()
    return world, schemes
