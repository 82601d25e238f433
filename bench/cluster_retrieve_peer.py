#!/usr/bin/env python3
"""Peer of ClusterRetrieveBench (issue 10's evaluation library) in scikit-learn / NumPy.

k-means: sklearn KMeans(10, init="k-means++", n_init=RESTARTS, algorithm="lloyd") on the 60,000
MNIST training images (pixels in [0, 1]); accuracy by Hungarian matching (scipy), NMI, ARI.
Retrieval: random-hyperplane LSH (centred, Gaussian planes) and PCA-ITQ (Gong & Lazebnik's ITQ.m,
50 iterations) at BITS bits, fitted on the training set; mAP of Hamming ranking with query = test
image, database = training set, relevant = same label, ties broken by database index (a stable
sort), the protocol of dev.bottleneck.eval.HammingRetrieval.

Usage: MNIST_DIR=... /usr/bin/python3 bench/cluster_retrieve_peer.py [kmeans|retrieve|all]
Env:   RESTARTS (4), BITS ("16 32 64"), PEERS (../shared/peers, for mnist.py)
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")
os.environ.setdefault("OMP_NUM_THREADS", "2")

import sys  # noqa: E402
import time  # noqa: E402

sys.path.insert(0, os.environ.get("PEERS", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "peers")))
import numpy as np  # noqa: E402
from mnist import load_mnist  # noqa: E402
from scipy.optimize import linear_sum_assignment  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score  # noqa: E402


def hungarian_accuracy(clusters, labels):
    k = max(clusters.max(), labels.max()) + 1
    m = np.zeros((k, k), dtype=np.int64)
    np.add.at(m, (clusters, labels), 1)
    r, c = linear_sum_assignment(-m)
    return m[r, c].sum() / len(labels)


def mean_ap(q_codes, q_labels, db_codes, db_labels, bits, chunk=200):
    """q_codes, db_codes: {0,1} uint8 (N, bits). Hamming distance via a +-1 matrix product."""
    qs = (2.0 * q_codes - 1).astype(np.float32)
    ds = (2.0 * db_codes - 1).astype(np.float32)
    aps = []
    ranks = np.arange(1, len(db_labels) + 1)
    for s in range(0, len(qs), chunk):
        dist = np.rint((bits - qs[s:s + chunk] @ ds.T) / 2).astype(np.int16)
        for i in range(dist.shape[0]):
            order = np.argsort(dist[i], kind="stable")  # ties by database index
            rel = db_labels[order] == q_labels[s + i]
            if rel.any():
                hits = np.cumsum(rel)
                aps.append((hits[rel] / ranks[rel]).mean())
    return float(np.mean(aps))


def itq(v, bits, iters=50, seed=0):
    rng = np.random.default_rng(seed)
    r, _, _ = np.linalg.svd(rng.standard_normal((bits, bits)))
    for _ in range(iters):
        z = v @ r
        b = np.where(z >= 0, 1.0, -1.0)
        ub, _, uat = np.linalg.svd(b.T @ v)
        r = uat.T @ ub.T
    return r


def main():
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    xtr, ytr = load_mnist("train")
    xte, yte = load_mnist("test")
    xtr = xtr.astype(np.float32) / 255
    xte = xte.astype(np.float32) / 255
    if what in ("kmeans", "all"):
        restarts = int(os.environ.get("RESTARTS", "4"))
        t = time.time()
        km = KMeans(10, init="k-means++", n_init=restarts, algorithm="lloyd", random_state=0).fit(xtr)
        s = time.time() - t
        print(f"peer k-means 60000x784 k=10 restarts={restarts}: {s:.2f} s, {km.n_iter_} iterations (kept run), "
              f"inertia {km.inertia_:.1f}, acc {hungarian_accuracy(km.labels_, ytr):.4f} "
              f"nmi {normalized_mutual_info_score(ytr, km.labels_):.4f} ari {adjusted_rand_score(ytr, km.labels_):.4f}")
    if what in ("retrieve", "all"):
        mean = xtr.mean(0)
        cov = np.cov(xtr - mean, rowvar=False)
        w, vecs = np.linalg.eigh(cov)
        for bits in [int(b) for b in os.environ.get("BITS", "16 32 64").split()]:
            planes = np.random.default_rng(0).standard_normal((784, bits)).astype(np.float32)
            lsh_db = ((xtr - mean) @ planes >= 0).astype(np.uint8)
            lsh_q = ((xte - mean) @ planes >= 0).astype(np.uint8)
            t = time.time()
            pcs = vecs[:, ::-1][:, :bits]
            r = itq((xtr - mean) @ pcs, bits)
            t_itq = time.time() - t
            proj = (pcs @ r).astype(np.float32)
            itq_db = ((xtr - mean) @ proj >= 0).astype(np.uint8)
            itq_q = ((xte - mean) @ proj >= 0).astype(np.uint8)
            t = time.time()
            a = mean_ap(lsh_q, yte, lsh_db, ytr, bits)
            t_map = time.time() - t
            b = mean_ap(itq_q, yte, itq_db, ytr, bits)
            print(f"peer {bits} bits: LSH mAP {a:.4f} | ITQ iterations {t_itq:.2f} s, mAP {b:.4f} | "
                  f"one mAP evaluation (10000 x 60000) {t_map:.2f} s")


if __name__ == "__main__":
    main()
