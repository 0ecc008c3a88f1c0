"""Train the Splink model offline on a generated population and write model_<version>.json.

    python -m caseapp.linkage.training [--persons 20000] [--seed 11]

u values come from random pairs, m values from the known truth of the generated records (Splink's
estimate_m_from_label_column), the prior from the share of true pairs. A new training run is a new
model version (model.MODEL_VERSION): decisions already made keep the version they were made with.
"""
from __future__ import annotations

import argparse
import json
import logging

import pandas as pd

from caseapp.linkage import features, model, synth


def frames(pop: synth.Population, sources=("soz", "jug", "sch"), label: bool = False):
    left_rows, right_rows = [], []
    for source in sources:
        for ident, truth, _key in pop.records[source]:
            left_rows.append((*features.row(ident), truth) if label else features.row(ident))
    for ident, truth, _key in pop.records["abh"]:
        right_rows.append((*features.row(ident), truth) if label else features.row(ident))
    cols = list(features.COLUMNS) + (["truth"] if label else [])
    return pd.DataFrame(left_rows, columns=cols), pd.DataFrame(right_rows, columns=cols)


def train(persons: int, seed: int) -> dict:
    from splink import DuckDBAPI, Linker

    pop = synth.population(persons, seed)
    left, right = frames(pop, label=True)
    matches = len(set(left["truth"]) & set(right["truth"]))
    prior = matches / (len(left) * len(right))
    db_api = DuckDBAPI()
    linker = Linker([db_api.register(left, dataset_display_name="incoming"),
                     db_api.register(right, dataset_display_name="known")],
                    model.settings(prior), log_level=logging.WARNING)
    linker.training.estimate_u_using_random_sampling(max_pairs=3e6, seed=seed)
    linker.training.estimate_m_from_label_column("truth")
    out = linker.misc.save_model_to_json(overwrite=True)
    out["probability_two_random_records_match"] = prior
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    trained = train(args.persons, args.seed)
    model.MODEL_FILE.write_text(json.dumps(trained, indent=1, ensure_ascii=False))
    print(f"wrote {model.MODEL_FILE}")


if __name__ == "__main__":
    main()
