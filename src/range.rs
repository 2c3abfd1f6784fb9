//! The two coordinate systems of the stages, each its own type so they cannot be
//! confused: `CharRange` for code points of the normalised text, `WordRange` for word
//! indices.

/// A code point range `[start, end)` of the normalised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct CharRange {
    /// First code point.
    pub start: usize,
    /// End, exclusive.
    pub end: usize,
}

/// A range `[start, end)` of word indices (into a sentence's or an article's words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct WordRange {
    /// First word.
    pub start: usize,
    /// End, exclusive.
    pub end: usize,
}

macro_rules! range_methods {
    ($t:ty) => {
        impl $t {
            /// A range from `start` to `end` (exclusive).
            pub const fn new(start: usize, end: usize) -> Self {
                Self { start, end }
            }

            /// Number of positions in the range.
            pub fn len(&self) -> usize {
                self.end.saturating_sub(self.start)
            }

            /// Whether the range holds no position.
            pub fn is_empty(&self) -> bool {
                self.end <= self.start
            }

            /// Whether the two ranges share at least one position.
            pub(crate) fn overlaps(&self, other: Self) -> bool {
                self.start < other.end && other.start < self.end
            }

            /// Whether `other` lies inside this range.
            pub fn covers(&self, other: Self) -> bool {
                self.start <= other.start && other.end <= self.end
            }
        }
    };
}
range_methods!(CharRange);
range_methods!(WordRange);
