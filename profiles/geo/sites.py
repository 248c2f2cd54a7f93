"""The sites register: care settings and other repeat locations.

Built from the reference data (:func:`build_sites_register`): CQC care homes
(``adult_care_home``) and the user's own site lists (children's homes, hospitals,
mental-health units, supported accommodation). A user-listed site with a CQC location
id replaces that CQC entry. Children's homes are ``sensitive``: their name, address and
precise position are for police-restricted outputs only.

Repeated go-missing locations that match no site become ``candidate`` sites for an
analyst to review (:func:`refresh_candidate_sites`).
"""

from __future__ import annotations

import hashlib
import re

import duckdb
import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from profiles.config import Settings
from profiles.db import query_df, registered, run_sql, transaction
from profiles.geo.boundaries import AreaIndex
from profiles.geo.crs import bng_to_wgs84
from profiles.geo.normalise import normalise_text

SENSITIVE_TYPES = ("childrens_home",)
_NUMBER = re.compile(r"\b\d+[A-Z]?\b")


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12].upper()


def build_sites_register(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    *,
    index: AreaIndex | None = None,
) -> int:
    """Replace the register rows of ``sites`` from ``ref_care_homes`` and ``ref_user_sites``.

    Candidate sites are kept. Site ids are stable across rebuilds: ``USR-<site_ref>`` for a
    user-listed site, ``CQC-<location id>`` (or ``CQC-<hash of name and postcode>``) for a
    care home. Returns the number of register sites. One transaction (or part of the caller's).
    """
    homes = query_df(con, "geo/sites_from_care_homes.sql")
    users = query_df(con, "geo/sites_from_user_lists.sql")
    homes["site_id"] = np.where(
        homes["cqc_location_id"].notna(),
        "CQC-" + homes["cqc_location_id"].fillna(""),
        "CQC-" + (normalise_text(homes["name"]) + "|" + homes["postcode"].fillna("")).map(_short_hash),
    )
    users["site_id"] = "USR-" + users["site_ref"].str.upper()
    # A user-listed site naming a CQC location replaces the CQC entry.
    listed_cqc = set(users["cqc_location_id"].dropna())
    homes = homes[~homes["cqc_location_id"].isin(listed_cqc)]
    sites = pd.concat([users, homes], ignore_index=True)
    sites = sites.drop_duplicates("site_id", keep="first").reset_index(drop=True)
    sites["sensitive"] = sites["type"].isin(SENSITIVE_TYPES)
    if len(sites):
        lon, lat = bng_to_wgs84(sites["easting"], sites["northing"])
        sites["lon"], sites["lat"] = lon, lat
        index = index or AreaIndex(con)
        areas = index.assign(sites["easting"], sites["northing"])
        sites["lad_code"] = sites["lad_code"].fillna(pd.Series(areas["lad_code"].values, index=sites.index))
        sites["ward_code"] = areas["ward_code"].values
        sites["lsoa_code"] = areas["lsoa_code"].values
    else:
        for col in ("lon", "lat", "ward_code", "lsoa_code"):
            sites[col] = pd.Series(dtype="float64" if col in ("lon", "lat") else "object")
    sites["status"] = "register"
    version = _short_hash(
        sites[["site_id", "site_ref", "name", "address", "postcode", "easting", "northing"]]
        .astype(str).to_csv(index=False)
    )
    with transaction(con):  # inside the reference import's transaction, joins it
        with registered(con, "_sites_in", sites):
            run_sql(con, "geo/sites_replace_register.sql")
        previous = query_df(con, "geo/ref_get_meta.sql", {"key": "sites_version"})
        if previous.empty or previous["value"].iloc[0] != version:
            # matches against the old register are stale
            run_sql(con, "geo/cache_clear.sql")
        run_sql(con, "geo/ref_set_meta.sql", {"key": "sites_version", "value": version})
    return len(sites)


def register_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The register sites with normalised text for matching."""
    frame = query_df(con, "geo/sites_for_matching.sql")
    frame["name_norm"] = normalise_text(frame["name"])
    frame["address_norm"] = _strip_postcode(normalise_text(frame["address"]), frame["postcode"])
    frame["ref_norm"] = frame["site_ref"].fillna("").str.upper().str.strip()
    return frame


def _strip_postcode(text: pd.Series, postcode: pd.Series) -> pd.Series:
    pc = postcode.fillna("").astype(str)
    out = [t.replace(p, " ").strip() if p else t for t, p in zip(text.astype(str), pc)]
    return pd.Series([re.sub(r"\s+", " ", t) for t in out], index=text.index)


def _numbers(text: str) -> set[str]:
    return set(_NUMBER.findall(text))


#: Words too common in care-setting names to identify one.
GENERIC_WORDS = frozenset(
    "THE HOUSE HOME HOMES CARE CENTRE NURSING RESIDENTIAL LODGE COURT HALL MANOR VIEW PARK "
    "ROAD STREET LANE AVENUE DRIVE CLOSE LTD LIMITED AND OF UNIT SERVICES SUPPORTED LIVING".split()
)


def _distinctive(name: str) -> list[str]:
    return [t for t in name.split() if len(t) >= 3 and not t.isdigit() and t not in GENERIC_WORDS]


def _word_in(word: str, words: list[str], *, loose: bool = False) -> bool:
    """``word`` (of a site's name) is in ``words``: exactly for numbers, else allowing a typo
    (``loose``: a worse one) or an abbreviation (``SYNTH`` for ``SYNTHETIC``)."""
    if word.isdigit():
        return word in words
    bar = 75 if loose else 85
    return any(fuzz.ratio(word, w) >= bar or (len(w) >= 4 and word.startswith(w)) for w in words)


def _score(text: str, site: dict, *, same_postcode: bool = False, require_name: bool = False) -> float:
    """Name/address similarity 0-100, or 0 without evidence that this is the site.

    Evidence is either the site's name (its distinctive words in the text, allowing a
    typo or an abbreviation, and most of its other words) or its numbered address (the house number in the text). A street name
    alone, a place name or a different house number is never a site. The score is the
    larger of the whole-text similarities (word order ignored) to the name, name and
    address, or address; with the name present, also the similarity of the words shared
    (so extra words such as the town do not count against it), and at the site's own
    postcode the name's presence is itself enough (score 95). ``require_name`` (the text
    came with another postcode) asks for the name.
    """
    words = text.split()
    nums = _numbers(text)
    site_text = f"{site['name_norm']} {site['address_norm']}".strip()
    if nums and not nums <= _numbers(site_text):
        return 0.0
    name_words = [w for w in site["name_norm"].split() if w != "THE"]
    distinctive = _distinctive(site["name_norm"]) or name_words
    present = [_word_in(w, words, loose=True) for w in name_words]
    named = (bool(name_words) and all(_word_in(w, words) for w in distinctive)
             and sum(present) >= 0.6 * len(name_words))
    address_numbers = _numbers(site["address_norm"])
    addressed = bool(address_numbers) and address_numbers <= nums
    if not (named or addressed) or (require_name and not named):
        return 0.0
    choices = [site["name_norm"], site_text] + ([site["address_norm"]] if addressed else [])
    best = max(fuzz.token_sort_ratio(text, c) for c in choices if c)
    if named:
        best = max(best, fuzz.token_set_ratio(text, site_text), 95.0 if same_postcode else 0.0)
    return float(best)


def register_scores(texts: list[str], choices: list[str], cutoff: float, *, chunk: int = 20_000) -> np.ndarray:
    """``process.cdist(texts, choices, scorer=fuzz.token_set_ratio, score_cutoff=cutoff,
    dtype=np.uint8)``: the same matrix, computed several times faster.

    By rapidfuzz's definition, the token_set_ratio of two texts that share no word is the
    plain ratio of their sorted distinct words (with no words in common, only the comparison
    of the two differences is left). Those pairs, most of them, are scored in bulk by
    ``fuzz.ratio`` (bit-parallel). The pairs that share a word are found by a sparse product
    of word incidences, ``chunk`` texts at a time, which also gives the length of the words
    they share; from the lengths alone, a pair whose best possible score is under
    ``cutoff`` is 0 (the edit distance of the two differences is at least the difference of
    their lengths), and only the rest are scored by token_set_ratio itself. Texts are
    compared as given (no processor), as cdist does."""
    from scipy import sparse

    def distinct_words(text: str) -> list[str]:
        return sorted(set(text.split()))

    text_words, choice_words = [distinct_words(t) for t in texts], [distinct_words(c) for c in choices]
    scores = process.cdist([" ".join(w) for w in text_words], [" ".join(w) for w in choice_words],
                           scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.uint8, workers=-1)
    vocab: dict[str, int] = {}
    for words in choice_words:
        for w in words:
            vocab.setdefault(w, len(vocab))
    word_length = np.array([len(w) for w in vocab], dtype=np.int64)

    def incidence(word_lists: list[list[str]]) -> "sparse.csr_matrix":
        ids = [[vocab[w] for w in words if w in vocab] for words in word_lists]
        indptr = np.cumsum([0] + [len(i) for i in ids])
        indices = np.fromiter((w for i in ids for w in i), dtype=np.int32, count=int(indptr[-1]))
        return sparse.csr_matrix((np.ones(len(indices), dtype=np.int64), indices, indptr),
                                 shape=(len(word_lists), len(vocab)))

    def shape_of(word_lists: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
        """Each text's number of distinct words and their letters (spaces not counted)."""
        return (np.array([len(w) for w in word_lists], dtype=np.int64),
                np.array([sum(map(len, w)) for w in word_lists], dtype=np.int64))

    choice_count, choice_letters = shape_of(choice_words)
    by_word = incidence(choice_words).T.tocsr()
    text_array, choice_array = np.asarray(texts, dtype=object), np.asarray(choices, dtype=object)
    for start in range(0, len(texts), chunk):
        part = text_words[start:start + chunk]
        words = incidence(part)
        # one product gives each pair's shared words (k) and their letters: 1 + 2^20 x letters a word
        shared = (words.multiply(1 + (word_length << 20)).tocsr() @ by_word).tocoo()
        if not shared.nnz:
            continue
        rows, cols = shared.row, shared.col
        k, common = shared.data & ((1 << 20) - 1), shared.data >> 20
        count, total = shape_of(part)
        sect = common + k - 1  # the shared words joined by spaces
        only_a, only_b = count[rows] - k, choice_count[cols] - k
        ab = np.where(only_a > 0, total[rows] - common + only_a - 1, 0)  # the text's other words joined
        ba = np.where(only_b > 0, choice_letters[cols] - common + only_b - 1, 0)
        best = np.maximum.reduce([
            200.0 * sect / (2 * sect + 1 + ab),  # the shared words against them with the text's others
            200.0 * sect / (2 * sect + 1 + ba),
            100.0 * (1 - np.abs(ab - ba) / (2 * sect + 2 + ab + ba)),  # the two sets of other words
        ])
        best[(only_a == 0) | (only_b == 0)] = 100.0  # one's words are all in the other's
        rows = rows + start
        scores[rows, cols] = 0
        hope = best >= cutoff - 1e-9
        if hope.any():
            scores[rows[hope], cols[hope]] = process.cpdist(
                text_array[rows[hope]], choice_array[cols[hope]], scorer=fuzz.token_set_ratio,
                score_cutoff=cutoff, dtype=np.uint8, workers=-1)
    return scores


def match_sites(inputs: pd.DataFrame, sites: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Step 3 of the cascade: a known site by ``site_ref``, or by fuzzy name/address.

    ``inputs`` are prepared inputs (see :func:`profiles.geo.normalise.prepare_inputs`)
    indexed by ``input_key``. With a postcode, the sites at that postcode are compared
    (score >= ``geocoding.site_match_min_score``); without one, every site is compared
    and the bar is ``geocoding.site_match_min_score_no_postcode`` and the best must be
    unique. House numbers must agree. Returns matched rows with easting, northing,
    method, confidence, precision_m, site_id, matched_text.
    """
    cols = ["easting", "northing", "method", "confidence", "precision_m", "site_id", "matched_text"]
    if sites.empty or inputs.empty:
        return pd.DataFrame(columns=cols)
    out = []
    # by site_ref
    by_ref = sites[sites["ref_norm"] != ""].drop_duplicates("ref_norm").set_index("ref_norm")
    has_ref = inputs["site_ref"].ne("") & inputs["site_ref"].isin(by_ref.index)
    for key, ref in inputs.loc[has_ref, "site_ref"].items():
        s = by_ref.loc[ref]
        out.append((key, s["easting"], s["northing"], 0.95, s["precision_m"], s["site_id"], f"site_ref {ref}"))
    rest = inputs[~has_ref & inputs["address"].ne("")]
    if not rest.empty:
        text = _strip_postcode(rest["address"], rest["postcode"]).tolist()
        postcodes = rest["postcode"].tolist()
        # each site as a plain dict, by position: a row lookup in a loop, not a pandas one
        records = sites.to_dict("records")
        by_pc: dict[str, list[int]] = {}
        for i, pc in enumerate(sites["postcode"]):
            if isinstance(pc, str) and pc:
                by_pc.setdefault(pc, []).append(i)
        thr = settings.geocoding.site_match_min_score
        thr_no_pc = settings.geocoding.site_match_min_score_no_postcode
        all_choices = (sites["name_norm"] + " " + sites["address_norm"]).str.strip().tolist()
        # The whole-register search, in one batch: texts without a postcode, and texts whose
        # postcode has no site but which name one (a word of a site's name appears). Each
        # distinct text is compared once.
        vocab = {w for name in sites["name_norm"] for w in _distinctive(name)}
        wide = [i for i, (t, pc) in enumerate(zip(text, postcodes))
                if t and len(t.split()) >= 2 and (not pc or vocab.intersection(t.split()))]
        shortlists: dict[int, list[int]] = {}
        if wide:
            distinct = list(dict.fromkeys(text[i] for i in wide))
            row_of = {t: r for r, t in enumerate(distinct)}
            scores = register_scores(distinct, all_choices, thr_no_pc)
            best_of: dict[int, list[int]] = {}
            for row in range(len(distinct)):
                hits = np.flatnonzero(scores[row])
                if hits.size:
                    best_of[row] = hits[np.argsort(-scores[row][hits], kind="stable")][:5].tolist()
            for i in wide:
                if row_of[text[i]] in best_of:
                    shortlists[i] = best_of[row_of[text[i]]]
        for pos, (key, t, pc) in enumerate(zip(rest.index, text, postcodes)):
            if not t or len(t.split()) < 2:
                continue
            if pc and pc in by_pc:
                cands = by_pc[pc]
                scores = np.array([_score(t, records[i], same_postcode=True) for i in cands])
                best = int(scores.argmax())
                if scores[best] >= thr:
                    s = records[cands[best]]
                    conf = 0.8 + 0.15 * (scores[best] - thr) / max(100 - thr, 1)
                    out.append((key, s["easting"], s["northing"], conf, s["precision_m"], s["site_id"],
                                f"{s['name']} ({scores[best]:.0f})"))
                    continue
            # No postcode (or none of its sites matched): every site, a higher bar, a unique best.
            scored = sorted(((_score(t, records[i], require_name=bool(pc)), i) for i in shortlists.get(pos, [])),
                            reverse=True)
            scored = [(sc, i) for sc, i in scored if sc >= thr_no_pc]
            if not scored:
                continue
            if len(scored) > 1 and scored[1][0] == scored[0][0]:
                a, b = records[scored[0][1]], records[scored[1][1]]
                if np.hypot(a["easting"] - b["easting"], a["northing"] - b["northing"]) > 200:
                    continue  # two sites equally likely, in different places: do not guess
            sc, i = scored[0]
            s = records[i]
            conf = 0.7 + 0.2 * (sc - thr_no_pc) / max(100 - thr_no_pc, 1)
            out.append((key, s["easting"], s["northing"], conf, s["precision_m"], s["site_id"],
                        f"{s['name']} ({sc:.0f})"))
    frame = pd.DataFrame(out, columns=["input_key", "easting", "northing", "confidence", "precision_m",
                                       "site_id", "matched_text"]).set_index("input_key")
    frame = frame[frame["easting"].notna()]
    frame["method"] = "site"
    return frame[cols]


def refresh_candidate_sites(con: duckdb.DuckDBPyConnection, settings: Settings) -> int:
    """Link go-missing locations to sites by type and place; make repeated locations that
    match no site into ``candidate`` sites.

    First, a location of a care-setting type (children's home, adult care home, hospital,
    mental-health unit, supported accommodation) at the postcode of, or within
    ``sites.site_link_radius_m`` of, exactly one register site of that type takes that
    site's ``site_id`` (e.g. only the home's postcode was written down).

    A location is the postcode unit of go-missing episodes located by postcode, or the
    point (to 10 m) of those located by coordinates or override, that matched no register
    site. It becomes a
    candidate when it has at least ``sites.candidate_min_incidents`` incidents and
    ``sites.candidate_min_persons`` distinct people, not counting episodes from private
    homes (``sites.candidate_exclude_types``: home, foster care). Candidates are sensitive (unverified addresses: police only) and their
    episodes carry the candidate's ``site_id``. Re-running with the same data changes
    nothing. Returns the number of candidate sites.
    """
    run_sql(con, "geo/link_sites_by_type.sql", {"radius_m": settings.sites.site_link_radius_m})
    params = {
        "min_incidents": settings.sites.candidate_min_incidents,
        "min_persons": settings.sites.candidate_min_persons,
        "exclude_types": list(settings.sites.candidate_exclude_types),
    }
    groups = query_df(con, "geo/candidate_locations.sql", params)
    groups["site_id"] = "CAND-" + groups["location_key"].map(_short_hash)
    if len(groups):
        lon, lat = bng_to_wgs84(groups["easting"], groups["northing"])
        groups["lon"], groups["lat"] = lon, lat
    else:
        groups["lon"] = groups["lat"] = pd.Series(dtype="float64")
    with registered(con, "_candidates_in", groups):
        run_sql(con, "geo/candidate_sites_apply.sql")
    return len(groups)
