//! Offsets in the unit a consumer counts: Unicode code points (claimlink's own), UTF-16
//! code units (JavaScript, Elasticsearch highlighters, Java) or UTF-8 bytes.

/// The unit offsets are given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Unit {
    /// Unicode code points (as in the record).
    #[default]
    Codepoint,
    /// UTF-16 code units: a character beyond U+FFFF counts 2.
    Utf16,
    /// UTF-8 bytes.
    Byte,
}

impl Unit {
    /// The unit's name as `--offsets` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Unit::Codepoint => "codepoint",
            Unit::Utf16 => "utf16",
            Unit::Byte => "byte",
        }
    }
}

/// Code point offset → offset in another unit, for one text.
#[derive(Debug, Clone)]
pub(crate) struct OffsetMap {
    /// The offset of each code point in the target unit, plus the text's length.
    at: Vec<usize>,
}

impl OffsetMap {
    pub(crate) fn new(text: &str, unit: Unit) -> Self {
        let mut at = Vec::with_capacity(text.len() + 1);
        let mut n = 0;
        for c in text.chars() {
            at.push(n);
            n += match unit {
                Unit::Codepoint => 1,
                Unit::Utf16 => c.len_utf16(),
                Unit::Byte => c.len_utf8(),
            };
        }
        at.push(n);
        OffsetMap { at }
    }

    /// The offset of code point `offset`; past the end, the text's length plus the excess
    /// (a record's offsets never go past the end, so this only keeps bad input harmless).
    pub(crate) fn convert(&self, offset: usize) -> usize {
        match self.at.get(offset) {
            Some(&o) => o,
            None => {
                let last = self.at.len() - 1;
                self.at[last] + (offset - last)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn astral_characters_count_two_utf16_units_and_four_bytes() {
        let text = "a😀é b";
        let utf16 = OffsetMap::new(text, Unit::Utf16);
        let bytes = OffsetMap::new(text, Unit::Byte);
        // code points: a=0 😀=1 é=2 ' '=3 b=4
        assert_eq!(utf16.convert(2), 3);
        assert_eq!(utf16.convert(4), 5);
        assert_eq!(bytes.convert(2), 5);
        assert_eq!(bytes.convert(4), 8);
        assert_eq!(&text[bytes.convert(4)..bytes.convert(5)], "b");
        let units: Vec<u16> = text.encode_utf16().collect();
        let (s, e) = (utf16.convert(1), utf16.convert(2));
        assert_eq!(String::from_utf16_lossy(&units[s..e]), "😀");
    }

    #[test]
    fn code_points_stay_as_they_are() {
        let map = OffsetMap::new("😀x", Unit::Codepoint);
        assert_eq!(map.convert(1), 1);
        assert_eq!(map.convert(2), 2);
    }
}
