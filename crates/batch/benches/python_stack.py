"""The Python tools a user would otherwise run on the same text, timed on one
core for the throughput bench (crates/batch/benches/throughput.rs).

    python3 python_stack.py SENTENCES.jsonl DOCUMENTS.jsonl SECONDS

SENTENCES.jsonl holds one JSON string a line (the sentences newslens splits,
so VADER is not charged for a splitter); DOCUMENTS.jsonl one article text a
line, read by dateparser's search_dates until SECONDS have passed, since it
is too slow for the whole corpus. Prints one JSON object a line per tool:
{"tool", "items", "bytes", "seconds"}, or {"tool", "missing"} when the
package is not installed.
"""

import json
import sys
import time


def report(tool, items, size, seconds):
    print(json.dumps({"tool": tool, "items": items, "bytes": size, "seconds": seconds}), flush=True)


def vader(path):
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        print(json.dumps({"tool": "vaderSentiment", "missing": "pip install vaderSentiment==3.3.2"}), flush=True)
        return
    with open(path, encoding="utf-8") as f:
        sentences = [json.loads(line) for line in f]
    analyzer = SentimentIntensityAnalyzer()
    started = time.process_time()
    for sentence in sentences:
        analyzer.polarity_scores(sentence)
    seconds = time.process_time() - started
    report("vaderSentiment", len(sentences), sum(len(s.encode()) for s in sentences), seconds)


def dateparser_search(path, budget):
    try:
        from dateparser.search import search_dates
    except ImportError:
        print(json.dumps({"tool": "dateparser", "missing": "pip install dateparser"}), flush=True)
        return
    with open(path, encoding="utf-8") as f:
        texts = [json.loads(line) for line in f]
    # The first call loads the language data; it is not charged to the text.
    search_dates("The talks resumed on Tuesday.", languages=["en"])
    started = time.process_time()
    done = size = 0
    for text in texts:
        search_dates(text, languages=["en"])
        done += 1
        size += len(text.encode())
        if time.process_time() - started > budget:
            break
    report("dateparser.search_dates", done, size, time.process_time() - started)


if __name__ == "__main__":
    vader(sys.argv[1])
    dateparser_search(sys.argv[2], float(sys.argv[3]))
