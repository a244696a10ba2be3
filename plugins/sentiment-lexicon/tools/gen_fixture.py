#!/usr/bin/env python3
"""Generates the VADER parity fixtures from the reference implementation.

    pip install vaderSentiment==3.3.2
    cargo run --release -p newslens-sentiment-lexicon --example dump_sentences > /tmp/sentences.tsv
    python3 plugins/sentiment-lexicon/tools/gen_fixture.py /tmp/sentences.tsv plugins/sentiment-lexicon/fixtures

Writes fixtures/parity.tsv (text and scores: the bundled articles' sentences
and fixtures/edge_cases.txt) and fixtures/parity-shared.tsv (hash and scores:
sentences of the shared corpora, whose text may not be copied into the repo).
"""
import sys
from pathlib import Path

import vaderSentiment
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer


def main():
    dump, out = Path(sys.argv[1]), Path(sys.argv[2])
    assert vaderSentiment.__version__ if hasattr(vaderSentiment, "__version__") else True
    analyzer = SentimentIntensityAnalyzer()

    def scores(text):
        s = analyzer.polarity_scores(text)
        return f"{s['compound']}\t{s['pos']}\t{s['neu']}\t{s['neg']}"

    texts, shared = [], []
    for line in dump.read_text(encoding="utf-8").splitlines():
        digest, origin, text = line.split("\t", 2)
        (texts if origin == "seed" else shared).append((origin, digest, text))
    for line in (out / "edge_cases.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            texts.append(("edge", "", line))

    with open(out / "parity.tsv", "w", encoding="utf-8") as f:
        f.write("# origin\ttext\tcompound\tpos\tneu\tneg  (vaderSentiment 3.3.2)\n")
        for origin, _, text in texts:
            f.write(f"{origin}\t{text}\t{scores(text)}\n")
    with open(out / "parity-shared.tsv", "w", encoding="utf-8") as f:
        f.write("# fnv1a64(sentence)\tcompound\tpos\tneu\tneg  (vaderSentiment 3.3.2)\n")
        for _, digest, text in shared:
            f.write(f"{digest}\t{scores(text)}\n")
    print(f"{len(texts)} sentences with text, {len(shared)} by hash", file=sys.stderr)


if __name__ == "__main__":
    main()
