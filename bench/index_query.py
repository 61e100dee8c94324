"""Query benchmarks: dense (FAISS) and lexical (bm25s) latency and memory at 10k, 100k and 1M chunks,
rank-bm25 at 100k as the lexical baseline, and HNSW recall@10 against exact search on real embeddings.

Real data: BioASQ snippets (the shared retrieval corpus) with vectors from the embedding cache that
``--prepare`` fills, queried with real BioASQ questions. Sizes beyond the real corpus are SYNTHETIC
(labelled so): real vectors plus Gaussian noise, re-normalised; token lists sampled from the real
corpus's word distribution. Recall is measured on real vectors only.

Usage: CURBSIDE_HOME=.curbside-home/bench python bench/index_query.py [--prepare] [--sizes 10000,100000]
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from pathlib import Path

import faiss
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from curbside.settings import IndexSettings, Settings, shared_data_dir  # noqa: E402
from index import dense, lexical  # noqa: E402
from index.embed import Embedder  # noqa: E402
from index.embed_cache import EmbeddingCache, text_hash  # noqa: E402

BIOASQ = "research/bioasq"


def snippets() -> list[str]:
    path = shared_data_dir() / BIOASQ / "snippet_corpus_7B-11B.jsonl"
    return [json.loads(line)["text"] for line in path.open(encoding="utf-8")]


def questions(limit: int) -> list[str]:
    found = []
    for path in sorted((shared_data_dir() / BIOASQ).glob("Task*BGoldenEnriched/*.json")):
        found.extend(q["body"] for q in json.loads(path.read_text(encoding="utf-8"))["questions"])
    return found[:: max(1, len(found) // limit)][:limit]  # spread over tasks and batches


def cached_real_vectors(settings: Settings, prepare: bool) -> tuple[list[str], np.ndarray]:
    """The snippets whose vectors are cached (all of them after ``--prepare``), with their vectors."""
    embedder = Embedder(settings.embedding)
    cache = EmbeddingCache(settings.cache_dir, embedder.model_id, embedder.dimension)
    texts = list(dict.fromkeys(snippets()))
    if prepare:
        keys = [text_hash(t) for t in texts]
        have = cache.get_many(keys)
        todo = [i for i, k in enumerate(keys) if k not in have]
        embedder.encode([texts[i] for i in todo], progress=True,
                        on_batch=lambda idx, v: cache.put_many([keys[todo[i]] for i in idx], v))
    found = cache.get_many([text_hash(t) for t in texts])
    kept = [t for t in texts if text_hash(t) in found]
    return kept, np.stack([found[text_hash(t)] for t in kept]) if kept else np.zeros((0, 384), np.float32)


def synthetic_vectors(real: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    base = real[rng.integers(0, len(real), n)]
    noisy = base + rng.normal(0, 0.03, base.shape).astype(np.float32)
    return noisy / np.linalg.norm(noisy, axis=1, keepdims=True)


def synthetic_tokens(real: list[list[str]], n: int, rng: np.random.Generator) -> list[list[str]]:
    stream = np.array([t for doc in real for t in doc])
    lengths = rng.choice([len(d) for d in real], n)
    picks = rng.integers(0, len(stream), int(lengths.sum()))
    out, pos = [], 0
    for length in lengths:
        out.append(stream[picks[pos : pos + length]].tolist())
        pos += length
    return out


def percentiles(seconds: list[float]) -> str:
    ms = np.array(seconds) * 1000
    return f"{np.percentile(ms, 50):.2f} / {np.percentile(ms, 95):.2f}"


def time_queries(fn, queries) -> list[float]:  # noqa: ANN001 - any search callable and its queries
    times = []
    for q in queries:
        start = time.perf_counter()
        fn(q)
        times.append(time.perf_counter() - start)
    return times


def recall_table(real: np.ndarray, qvecs: np.ndarray, ix: IndexSettings) -> list[tuple[str, ...]]:
    """recall@10 of HNSW (configured M, efConstruction) against exact search, over efSearch."""
    exact = dense.build_dense(real, IndexSettings(exact_search_max=len(real)))
    _, truth = exact.search(qvecs, 10)
    hnsw = dense.build_dense(real, IndexSettings(exact_search_max=0, hnsw_m=ix.hnsw_m,
                                                 hnsw_ef_construction=ix.hnsw_ef_construction))
    rows = []
    for ef in (16, 32, 64, ix.hnsw_ef_search, 256):
        got = [dense.search_dense_index(hnsw, q, 10, 0, ef) for q in qvecs]
        recall = np.mean([len({r for r, _ in g} & set(t)) / 10 for g, t in zip(got, truth, strict=True)])
        lat = percentiles(time_queries(lambda q, ef=ef: dense.search_dense_index(hnsw, q, 10, 0, ef), qvecs))
        rows.append((f"HNSW M={ix.hnsw_m} efC={ix.hnsw_ef_construction} efSearch={ef}", f"{recall:.4f}", lat))
    lat = percentiles(time_queries(lambda q: dense.search_dense_index(exact, q, 10, 0, 0), qvecs))
    rows.append(("exact flat (baseline)", "1.0000", lat))
    return rows


def size_rows(size: int, real: np.ndarray, real_tokens: list[list[str]], qvecs: np.ndarray,
              qtokens: list[list[str]], rng: np.random.Generator, hnsw_above: int) -> list[tuple[str, ...]]:
    label = "real" if size <= len(real) else f"SYNTHETIC beyond {len(real)} real"
    if size <= len(real):
        vecs, toks = real[:size], real_tokens[:size]
    else:
        vecs = np.concatenate([real, synthetic_vectors(real, size - len(real), rng)])
        toks = real_tokens + synthetic_tokens(real_tokens, size - len(real_tokens), rng)
    index = dense.build_dense(vecs, IndexSettings(exact_search_max=hnsw_above))
    dense_mb = faiss.serialize_index(index).nbytes / 2**20
    del vecs
    dense_lat = percentiles(time_queries(lambda q: dense.search_dense_index(index, q, 10, 0, 128), qvecs))
    kind = dense.index_kind(index)
    bm25 = lexical.build_bm25(toks, 1.2, 0.75)
    lex_mb = (sum(bm25.scores[k].nbytes for k in ("data", "indices", "indptr"))
              + len(json.dumps(bm25.vocab_dict))) / 2**20
    lex_lat = percentiles(time_queries(lambda t: lexical.search_bm25_index(bm25, t, 10, 0, size), qtokens))
    rows = [(f"{size:,}", f"dense FAISS {kind}", dense_lat, f"{dense_mb:.0f}", label),
            (f"{size:,}", "lexical bm25s", lex_lat, f"{lex_mb:.0f}", label)]
    if size == 100_000:
        from rank_bm25 import BM25Okapi

        okapi = BM25Okapi(toks, k1=1.2, b=0.75)
        okapi_mb = len(pickle.dumps(okapi)) / 2**20  # a lower bound: Python objects take more in memory
        lat = percentiles(time_queries(lambda t: np.argsort(-okapi.get_scores(t))[:10], qtokens[:20]))
        rows.append((f"{size:,}", "lexical rank-bm25 (baseline)", lat, f"{okapi_mb:.0f}", label))
    return rows


def print_table(title: str, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print(f"\n{title}")
    for row in [header, *rows]:
        print("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prepare", action="store_true", help="embed all BioASQ snippets first")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--queries", type=int, default=200)
    # Default: flat at every size. HNSW at 1M takes far longer to build than a shared 2-core machine allows;
    # pass --hnsw-above 200000 to mirror the index's own setting.
    parser.add_argument("--hnsw-above", type=int, default=10**9,
                        help="exact flat search up to this size, HNSW above")
    args = parser.parse_args()
    settings = Settings()
    rng = np.random.default_rng(7)
    texts, real = cached_real_vectors(settings, args.prepare)
    order = rng.permutation(len(texts))  # a random real sample, not the longest snippets first
    texts, real = [texts[i] for i in order], real[order]
    qtexts = questions(args.queries)
    qvecs = Embedder(settings.embedding).encode(qtexts)
    print(f"real corpus: {len(texts)} BioASQ snippets with cached vectors; {len(qtexts)} BioASQ questions")
    print_table("HNSW recall@10 vs exact search (real embeddings, real questions)",
                ("index", "recall@10", "p50 / p95 ms"), recall_table(real, qvecs, settings.index))
    real_tokens = [lexical.tokenize_with(settings.index, t) for t in texts]
    qtokens = [lexical.tokenize_with(settings.index, q) for q in qtexts]
    rows: list[tuple[str, ...]] = []
    for size in (int(s) for s in args.sizes.split(",")):
        rows.extend(size_rows(size, real, real_tokens, qvecs, qtokens, rng, args.hnsw_above))
        print(f"  measured {size:,}: {rows[-2:]}", flush=True)  # long runs: keep what is done
    print_table("Query latency (top-10, one query at a time) and memory",
                ("chunks", "search", "p50 / p95 ms", "index MB", "data"), rows)


if __name__ == "__main__":
    main()
