"""The Splink 5 model: comparisons, blocking rules, training on generated data, scoring on in-process DuckDB.

The trained parameters ship as `model_<version>.json` beside this module; `MODEL_VERSION` names the one
in use and every decision stores it, so a re-trained model (a new file, a new version) never changes an
earlier decision silently. Train with `python -m caseapp.linkage.training`.
"""
from __future__ import annotations

import json
import logging
from functools import lru_cache
from pathlib import Path

logger = logging.getLogger(__name__)

MODEL_VERSION = "2026.12-1"
MODEL_FILE = Path(__file__).with_name(f"model_{MODEL_VERSION}.json")
# Pairs scored at all: well below the lower threshold, so the queue's band is complete.
SCORE_FLOOR = -5.0


def _levels():
    import splink.comparison_level_library as cll

    return cll


def comparisons():
    import splink.comparison_library as cl

    cll = _levels()
    family = cl.CustomComparison(output_column_name="family_name", comparison_description="Familienname",
                                 comparison_levels=[
        cll.NullLevel("fam"),
        cll.ExactMatchLevel("fam", term_frequency_adjustments=True),
        cll.ExactMatchLevel("fam_ph"),
        cll.JaroWinklerLevel("fam", 0.9),
        cll.JaroWinklerLevel("fam", 0.8),
        cll.ElseLevel()])
    given = cl.CustomComparison(output_column_name="given_names", comparison_description="Vornamen",
                                comparison_levels=[
        cll.NullLevel("giv"),
        cll.ExactMatchLevel("giv", term_frequency_adjustments=True),
        cll.ExactMatchLevel("giv_sorted"),
        cll.ExactMatchLevel("giv_ph"),
        cll.ExactMatchLevel("giv_first"),
        cll.JaroWinklerLevel("giv", 0.9),
        cll.JaroWinklerLevel("giv", 0.8),
        cll.ElseLevel()])
    full = "dob_l IS NOT NULL AND dob_r IS NOT NULL"
    no_placeholder = "NOT dob_placeholder_l AND NOT dob_placeholder_r"
    dob = cl.CustomComparison(output_column_name="birth_date", comparison_description="Geburtsdatum",
                              comparison_levels=[
        cll.NullLevel("dob_year"),
        cll.CustomLevel("dob_l = dob_r AND dob_placeholder_l", "same placeholder 01.01."),
        cll.ExactMatchLevel("dob", term_frequency_adjustments=True),
        cll.CustomLevel("dob_swap_l = dob_r", "day and month swapped"),
        cll.CustomLevel(f"{full} AND {no_placeholder} AND "
                        "abs(date_diff('day', CAST(dob_l AS DATE), CAST(dob_r AS DATE))) <= 31",
                        "within a month"),
        cll.CustomLevel("dob_year_l = dob_year_r AND (dob_l IS NULL OR dob_r IS NULL) AND "
                        "(dob_ym_l IS NULL OR dob_ym_r IS NULL OR dob_ym_l = dob_ym_r)",
                        "partly unknown, fits"),
        cll.CustomLevel("dob_year_l = dob_year_r AND (dob_placeholder_l OR dob_placeholder_r)",
                        "placeholder 01.01. against a date of that year"),
        cll.CustomLevel(f"{full} AND abs(dob_year_l - dob_year_r) = 1 AND "
                        "substr(dob_l, 6, 5) = substr(dob_r, 6, 5)", "year off by one"),
        cll.ElseLevel()])
    sex = cl.CustomComparison(output_column_name="sex", comparison_description="Geschlecht",
                              comparison_levels=[
        cll.NullLevel("sex"), cll.ExactMatchLevel("sex"), cll.ElseLevel()])
    nationality = cl.CustomComparison(output_column_name="nationality",
                                      comparison_description="Staatsangehörigkeit", comparison_levels=[
        cll.NullLevel("nat"),
        cll.ExactMatchLevel("nat"),
        cll.CustomLevel("contains(nats_l, '|' || nat_r || '|') OR contains(nats_r, '|' || nat_l || '|')",
                        "a second nationality matches"),
        cll.ElseLevel()])
    address = cl.CustomComparison(output_column_name="address", comparison_description="Anschrift",
                                  comparison_levels=[
        cll.NullLevel("postcode"),
        cll.CustomLevel("street_l = street_r AND postcode_l = postcode_r", "same street and number"),
        cll.ExactMatchLevel("postcode"),
        cll.ElseLevel()])
    azr = cl.CustomComparison(output_column_name="azr", comparison_description="AZR-Nummer",
                              comparison_levels=[
        cll.NullLevel("azr"), cll.ExactMatchLevel("azr"), cll.ElseLevel()])
    return [family, given, dob, sex, nationality, address, azr]


def blocking_rules():
    from splink import block_on

    return [block_on("fam_ph", "dob_year"), block_on("giv_ph", "dob_year"), block_on("dob"),
            block_on("fam_ph", "giv_ph"), block_on("azr")]


def settings(prior: float = 1e-5):
    from splink import SettingsCreator

    return SettingsCreator(link_type="link_only", comparisons=comparisons(),
                           blocking_rules_to_generate_predictions=blocking_rules(),
                           probability_two_random_records_match=prior,
                           retain_intermediate_calculation_columns=False, retain_matching_columns=False)


@lru_cache(maxsize=1)
def trained_settings() -> dict:
    data = json.loads(MODEL_FILE.read_text())
    data.pop("model_version", None)
    data["retain_intermediate_calculation_columns"] = True  # gamma_* and mw_* per field: the "why"
    return data


# Term frequencies are counted on the data being linked; on a small register (a test, a new city) every
# name looks common, so below this many known records the adjustment is left out.
TF_MIN_RECORDS = 2000


def _without_tf(settings: dict) -> dict:
    settings = json.loads(json.dumps(settings))
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            level.pop("tf_adjustment_column", None)
            level.pop("tf_adjustment_weight", None)
    return settings


def score(left, right, *, floor: float = SCORE_FLOOR, tf: dict | None = None, population: int | None = None):
    """Scored pairs (pandas DataFrame) between the new records (`left`) and the known ones (`right`).

    Columns: unique_id_l, unique_id_r, match_weight, match_probability, mw_<comparison> and
    gamma_<comparison> per field (the "why"). Both inputs are pandas frames of features.COLUMNS.
    `tf` {column: frame of the column and tf_<column>}: term frequencies to use instead of counting them
    over the two frames; `population`: the number of records they were counted over.
    """
    from splink import DuckDBAPI, Linker

    size = len(right) if population is None else population
    settings = dict(trained_settings()) if size >= TF_MIN_RECORDS else _without_tf(trained_settings())
    left, right, settings = _cap_blocks(left, right, settings)
    db_api = DuckDBAPI()
    sdf_l = db_api.register(left, dataset_display_name="incoming")
    sdf_r = db_api.register(right, dataset_display_name="known")
    linker = Linker([sdf_l, sdf_r], settings, log_level=logging.ERROR)
    if tf is not None and size >= TF_MIN_RECORDS:
        # `right` holds only the persons that share a blocking key with `left` (features.blocked_identities):
        # the term frequencies are those of everyone, counted beforehand, not of these few.
        for column, frame in tf.items():
            linker.table_management.register_term_frequency_lookup(db_api.register(frame), column)
    pred = linker.inference.predict(threshold_match_weight=floor)
    return pred.as_pandas_dataframe()


# A blocking key shared by more known records than this (a placeholder birth date 01.01.1990, one
# phonetic code for thousands of generated names) is left out of that rule: every new record in it
# would be compared with all of them (20,000 equal keys made 400 million pairs and 13 GB in the worker).
# The pair is still found by the other rules when they are selective; otherwise it stays a new person
# (a missed link, never a wrong one). Setting: CASEAPP_LINKAGE_MAX_BLOCK.
MAX_BLOCK_DEFAULT = 1000


def _cap_blocks(left, right, settings: dict):
    """Frames with a flag column per blocking rule (1 = key too common) and the rules told to skip them."""
    import re

    from flask import current_app, has_app_context

    cap = int(current_app.config.get("CASEAPP_LINKAGE_MAX_BLOCK", MAX_BLOCK_DEFAULT)) if has_app_context() \
        else MAX_BLOCK_DEFAULT
    settings = dict(settings)
    rules = []
    left, right = left.copy(), right.copy()
    for n, rule in enumerate(settings["blocking_rules_to_generate_predictions"]):
        keys = re.findall(r'l\."(\w+)"', rule["blocking_rule"])
        flag = f"blk_heavy_{n}"
        sizes = right.dropna(subset=keys).groupby(keys).size()
        heavy = sizes[sizes > cap]
        for frame in (left, right):
            if heavy.empty:
                frame[flag] = 0
                continue
            joined = frame[keys].merge(heavy.rename("n").reset_index(), on=keys, how="left")
            frame[flag] = joined["n"].notna().astype(int).to_numpy()
        if not heavy.empty:
            logger.warning("linkage: %d blocking keys of rule %d shared by more than %d records are skipped",
                           len(heavy), n, cap)
        rules.append({**rule, "blocking_rule": f'({rule["blocking_rule"]}) AND l."{flag}" = 0'})
    settings["blocking_rules_to_generate_predictions"] = rules
    return left, right, settings
