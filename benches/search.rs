//! Search latency over an index built by `scripts/bench-index.sh`: each query is a term
//! with one facet filter, run in this process through the library's searchers (no process
//! start-up in the timing), repeated; prints p50 and p99 per backend.
//!
//! `CLAIMLINK_BENCH_DB=FILE.db|postgres://… cargo bench --bench search`
//! Without `CLAIMLINK_BENCH_DB` it says how to build the index and exits.

use std::time::Instant;

use claimlink::index::postgres::Postgres;
use claimlink::index::sqlite::Sqlite;
use claimlink::index::{Search, Searcher, Target};

/// Terms of PolNeAR's election coverage, from frequent to rare, each with a facet filter.
const TERMS: [&str; 16] = [
    "campaign",
    "voters",
    "email",
    "police",
    "economy",
    "immigration",
    "debate",
    "tax",
    "nuclear",
    "border",
    "Russia",
    "jobs",
    "health",
    "polls",
    "media",
    "security",
];

fn main() {
    let Ok(db) = std::env::var("CLAIMLINK_BENCH_DB") else {
        eprintln!("set CLAIMLINK_BENCH_DB to an index (scripts/bench-index.sh builds one)");
        return;
    };
    let rounds: usize = std::env::var("CLAIMLINK_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(20);
    let mut searcher: Box<dyn Searcher> = match Target::parse(&db) {
        Target::Sqlite(path) => Box::new(Sqlite::open(&path, false).expect("open index")),
        Target::Postgres(url) => Box::new(Postgres::connect(&url, false).expect("connect")),
    };
    let filters: [fn(&mut Search); 3] = [
        |s| s.sentiment = Some("negative".into()),
        |s| s.kind = Some("direct".into()),
        |s| s.speaker = vec!["Trump".into()],
    ];
    let mut times = Vec::new();
    let mut hits = 0;
    for round in 0..=rounds {
        for (i, term) in TERMS.iter().enumerate() {
            let set = filters[i % filters.len()];
            let mut search = Search {
                query: Some(term.to_string()),
                limit: 10,
                ..Search::default()
            };
            set(&mut search);
            let started = Instant::now();
            let found = searcher.search(&search).expect("search");
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            // Round 0 warms the caches and is not counted.
            if round > 0 {
                times.push(ms);
                hits += found.len();
            }
        }
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!(
        "search: {} queries (a term and one filter: sentiment, kind or speaker; limit 10), {hits} hits: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        times.len(),
        at(0.5),
        at(0.99),
        at(1.0)
    );
}
