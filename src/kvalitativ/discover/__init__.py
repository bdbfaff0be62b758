"""Theme discovery: BERTopic, Danish-aware, guided by the codebook, reproducible, saved without pickle.

Public API: :class:`Discoverer`, :func:`map_to_codebook`, :func:`tune`,
:func:`discovery_tables` (the output tables of ``kvalitativ discover``).
"""

from kvalitativ.discover.model import Discoverer, auto_label, seed_topics_from_codebook

__all__ = ["Discoverer", "auto_label", "seed_topics_from_codebook", "map_to_codebook", "tune",
           "discovery_tables"]


def __getattr__(name):  # lazy: tuning and tables pull in more than fitting needs
    if name == "map_to_codebook":
        from kvalitativ.discover.mapping import map_to_codebook

        return map_to_codebook
    if name == "tune":
        from kvalitativ.discover.tune import tune

        return tune
    if name == "discovery_tables":
        from kvalitativ.discover.tables import discovery_tables

        return discovery_tables
    raise AttributeError(name)
