//! Two-clause training sentences made of two single-target examples: "A headline, while B
//! headline", each target keeping its own label. Real sentences often set two companies
//! against each other ("Apple beat estimates, while Samsung missed them"), but most training
//! sentences hold one target, so a model learns the sentence's polarity rather than the
//! target's. Pairs are drawn at random, labels regardless, so the model learns that each
//! clause decides its own target, not that two clauses disagree.

use crate::eval::newsmtsc::TargetExample;
use crate::train::schedule::SplitMix;

/// How the two parts are joined: contrast, addition and plain juxtaposition.
const JOINS: [&str; 7] = [
    ", while ",
    ", but ",
    "; ",
    ", whereas ",
    " as ",
    ", and ",
    ". ",
];

/// `pairs` composed sentences from `pool` (two examples each, one per target), drawn with
/// `seed`. Parts are two different sentences; a trailing full stop of the first is dropped.
pub fn compose(pool: &[TargetExample], pairs: usize, seed: u64) -> Vec<TargetExample> {
    let mut rng = SplitMix::new(seed);
    let mut out = Vec::with_capacity(2 * pairs);
    if pool.iter().all(|e| e.sentence == pool[0].sentence) {
        return out;
    }
    let pick = |rng: &mut SplitMix| &pool[(rng.next_u64() % pool.len() as u64) as usize];
    while out.len() < 2 * pairs {
        let (first, second) = (pick(&mut rng), pick(&mut rng));
        if first.sentence == second.sentence {
            continue;
        }
        let join = JOINS[(rng.next_u64() % JOINS.len() as u64) as usize];
        let head = first.sentence.trim_end().trim_end_matches('.');
        let tail = second.sentence.trim();
        let dropped =
            second.sentence.chars().count() - second.sentence.trim_start().chars().count();
        let offset =
            |at: usize| at.saturating_sub(dropped) + head.chars().count() + join.chars().count();
        let sentence = format!("{head}{join}{tail}");
        // A target cut by the trim (none in practice) is left out rather than misplaced.
        if first.target.1 <= head.chars().count() {
            out.push(TargetExample {
                sentence: sentence.clone(),
                target: first.target,
                label: first.label,
            });
        }
        out.push(TargetExample {
            sentence,
            target: (offset(second.target.0), offset(second.target.1)),
            label: second.label,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(sentence: &str, target: &str, label: usize) -> TargetExample {
        let byte = sentence.find(target).expect("target in sentence");
        let start = sentence[..byte].chars().count();
        TargetExample {
            sentence: sentence.into(),
            target: (start, start + target.chars().count()),
            label,
        }
    }

    fn target_text(example: &TargetExample) -> String {
        let (start, end) = example.target;
        example
            .sentence
            .chars()
            .skip(start)
            .take(end - start)
            .collect()
    }

    #[test]
    fn each_target_keeps_its_text_and_label_in_the_joined_sentence() {
        let pool = [
            example("Zenmart’s profit doubles.", "Zenmart", 2),
            example(" Orbita cuts 900 jobs", "Orbita", 0),
            example("Lumo Bank keeps its rate", "Lumo Bank", 1),
        ];
        let composed = compose(&pool, 40, 5);
        assert!(composed.len() >= 40);
        for example in &composed {
            let name = target_text(example);
            let source = pool
                .iter()
                .find(|p| target_text(p) == name)
                .expect("a pool target");
            assert_eq!(example.label, source.label, "{}", example.sentence);
            for join in JOINS {
                let doubled = format!(".{join}");
                assert!(!example.sentence.contains(&doubled), "{}", example.sentence);
            }
        }
        assert!(composed.iter().any(|e| e.sentence.contains(", while ")));
        assert_eq!(compose(&pool, 40, 5).len(), composed.len(), "seeded");
    }

    #[test]
    fn fewer_than_two_sentences_compose_nothing() {
        let one = example("Orbita and Lumo cut jobs", "Orbita", 0);
        let same = example("Orbita and Lumo cut jobs", "Lumo", 0);
        assert!(compose(std::slice::from_ref(&one), 3, 1).is_empty());
        assert!(compose(&[one, same], 3, 1).is_empty());
    }
}
