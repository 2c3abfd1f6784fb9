"""Company sentiment in business paragraphs: one annotated mention against the aggregate.

Usage: python3 scripts/paragraph-aggregates.py [--split dev|train] [--data DIR] [--bin PATH]

For every organisation labelled in its paragraph in gold/business-quotes-reuters-2006-2013.jsonl
(split `dev` by default), it runs claimlink on the paragraph with every word-bounded
occurrence of the annotated mention's text as an input target, and scores against the gold
label (macro-F1, accuracy):
  given     the answer at the annotated mention alone;
  count     the polar label with more answers over all occurrences (on a tie the surer side);
  weighted  the polar side with more weight, each answer weighted by its probability
            (what `companies[].sentiment` does over a company's mentions).
"""
import argparse
import json
import os
import re
import subprocess
import tempfile

LABELS = ['negative', 'neutral', 'positive']
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def inputs(gold, data, split):
    """Articles (one per paragraph) with targets, and per organisation its gold label and
    the indices of its targets."""
    texts = {}
    with open(os.path.join(data, 'reuters-2006-2013/articles.jsonl'), encoding='utf-8') as f:
        for line in f:
            d = json.loads(line)
            texts[d['id']] = d['text']
    articles, keys = [], []
    with open(gold, encoding='utf-8') as f:
        docs = [json.loads(line) for line in f]
    for d in docs:
        if d.get('split') != split:
            continue
        text = texts[d['id']]
        paragraphs = {}
        for o in d.get('organisations', []):
            span = (o['paragraph']['start'], o['paragraph']['end'])
            paragraphs.setdefault(span, []).append(o)
        for (start, end), orgs in paragraphs.items():
            paragraph = text[start:end]  # Python indexes code points, as the gold does
            targets, labelled = [], []
            for o in orgs:
                name = text[o['mention']['start']:o['mention']['end']]
                pattern = r'(?<!\w)' + re.escape(name) + r'(?!\w)'
                spans = [(m.start(), m.end()) for m in re.finditer(pattern, paragraph)]
                given = (o['mention']['start'] - start, o['mention']['end'] - start)
                if given not in spans:
                    spans.append(given)
                first = len(targets)
                targets.extend({'start': s, 'end': e} for s, e in spans)
                labelled.append((o['sentiment'], list(range(first, len(targets))),
                                 first + spans.index(given)))
            article_id = f"{d['id']}@{start}"
            articles.append({'id': article_id, 'text': paragraph, 'targets': targets})
            keys.append((article_id, labelled))
    return articles, keys


def weighted(answers):
    weight = [0.0, 0.0, 0.0]
    for label, score in answers:
        weight[LABELS.index(label)] += score
    return 'negative' if weight[0] > weight[2] else 'positive' if weight[2] > weight[0] else 'neutral'


def counted(answers):
    n = [sum(1 for l, _ in answers if l == k) for k in LABELS]
    if n[0] != n[2]:
        return 'negative' if n[0] > n[2] else 'positive'
    return weighted(answers) if n[0] else 'neutral'


def scores(pairs):
    f1s = []
    for c in LABELS:
        tp = sum(g == c and p == c for g, p in pairs)
        fp = sum(g != c and p == c for g, p in pairs)
        fn = sum(g == c and p != c for g, p in pairs)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(f1s) / 3, sum(g == p for g, p in pairs) / len(pairs)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--split', default='dev', choices=['dev', 'train'])
    parser.add_argument('--data', default=os.path.join(ROOT, '..', 'shared', 'data'))
    parser.add_argument('--gold', default=os.path.join(ROOT, 'gold/business-quotes-reuters-2006-2013.jsonl'))
    parser.add_argument('--bin', default=os.path.join(ROOT, 'target/release/claimlink'))
    parser.add_argument('--models', default=None)
    args = parser.parse_args()
    articles, keys = inputs(args.gold, args.data, args.split)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'paragraphs.jsonl')
        with open(path, 'w', encoding='utf-8') as f:
            for a in articles:
                f.write(json.dumps(a) + '\n')
        command = [args.bin, 'run', '--quiet', path]
        if args.models:
            command += ['--models', args.models]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    records = {r['id']: r for r in map(json.loads, out.splitlines())}
    rules = {'given': [], 'count': [], 'weighted': []}
    occurrences = 0
    for article_id, labelled in keys:
        targets = records[article_id].get('targets') or []
        for gold, indices, given in labelled:
            answers = [(targets[i]['sentiment']['label'], targets[i]['sentiment']['score'])
                       for i in indices]
            occurrences += len(answers)
            rules['given'].append((gold, targets[given]['sentiment']['label']))
            rules['count'].append((gold, counted(answers)))
            rules['weighted'].append((gold, weighted(answers)))
    n = len(rules['given'])
    print(f'{args.split}: {n} organisations in {len(articles)} paragraphs, '
          f'{occurrences / n:.2f} occurrences each')
    for rule, pairs in rules.items():
        macro, accuracy = scores(pairs)
        print(f'{rule:9} macro-F1 {macro:.4f}  accuracy {accuracy:.4f}')


if __name__ == '__main__':
    main()
