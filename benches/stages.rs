//! Per-stage benchmarks on the bundled corpus: normalise, segment, wordpiece + pack, and
//! the whole pipeline (NER model included) on one batch of articles.

use std::path::Path;

use claimlink::doc::Article;
use claimlink::model::window::{encode_words, pack, EncodedWord};
use claimlink::model::wordpiece::WordPiecer;
use claimlink::text::{segment, Markup, Normalized};
use claimlink::{Options, Pipeline};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn corpus() -> Vec<Article> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut articles = Vec::new();
    for name in ["microsoft-openai-briefing.txt", "retail-briefing.md"] {
        let text = std::fs::read_to_string(root.join("corpus").join(name)).expect("corpus file");
        articles.push(Article::new(name, text));
    }
    let jsonl = std::fs::read_to_string(root.join("corpus/articles.jsonl")).expect("corpus");
    for line in jsonl.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("json");
        articles.push(Article::new(
            v["id"].as_str().expect("id"),
            v["text"].as_str().expect("text"),
        ));
    }
    articles
}

fn bench_text(c: &mut Criterion) {
    let articles = corpus();
    let bytes: usize = articles.iter().map(|a| a.text.len()).sum();
    let mut group = c.benchmark_group("text");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("normalize", |b| {
        b.iter(|| {
            for a in &articles {
                std::hint::black_box(Normalized::new(&a.text, Markup::Markdown));
            }
        })
    });
    let normalized: Vec<Normalized> = articles
        .iter()
        .map(|a| Normalized::new(&a.text, Markup::Markdown))
        .collect();
    group.bench_function("segment", |b| {
        b.iter(|| {
            for n in &normalized {
                std::hint::black_box(segment(&n.chars));
            }
        })
    });
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pieces = WordPiecer::from_dir(&root.join("models/ner")).expect("tokenizer");
    group.bench_function("wordpiece_and_pack", |b| {
        b.iter(|| {
            for n in &normalized {
                let encoded: Vec<Vec<EncodedWord>> = segment(&n.chars)
                    .iter()
                    .map(|s| encode_words(&n.chars, &s.words, &pieces))
                    .collect();
                std::hint::black_box(pack(&encoded, 128, &pieces));
            }
        })
    });
    group.finish();
}

fn bench_pipeline(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    tch::set_num_threads(
        std::thread::available_parallelism()
            .map(|n| n.get() as i32)
            .unwrap_or(1),
    );
    let pipeline = Pipeline::load(
        &root.join("models"),
        &root.join(".libtorch/base"),
        Options::default(),
    )
    .expect("models: run scripts/setup.sh");
    let articles = corpus();
    let words: usize = pipeline
        .annotate(&articles)
        .expect("annotate")
        .iter()
        .map(|a| a.as_ref().map_or(0, |a| a.words))
        .sum();
    let mut group = c.benchmark_group("pipeline");
    group.sample_size(10);
    group.throughput(Throughput::Elements(words as u64));
    group.bench_function("annotate_corpus_words", |b| {
        b.iter(|| std::hint::black_box(pipeline.annotate(&articles).expect("annotate")))
    });
    group.finish();
}

criterion_group!(benches, bench_text, bench_pipeline);
criterion_main!(benches);
