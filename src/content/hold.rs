//! The `hold` grammar: how long a stretch is held, as a range of seconds.

use std::fmt;

/// A parsed hold time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hold {
    /// `brief`: no timed hold (0 s).
    Brief,
    /// `30 s`.
    Exact(u32),
    /// `about 30 s`.
    About(u32),
    /// `up to 30 s` (0–N).
    UpTo(u32),
    /// `20-30 s`, `20–30 seconds`, `3 to 5 s`.
    Range(u32, u32),
}

/// The forms `hold` accepts, for error messages.
pub const ACCEPTED: &str = "accepted forms: \"30 s\", \"about 30 s\", \"20-30 s\", \"20–30 seconds\", \"up to 30 s\", \"3 to 5 s\", \"brief\"; the seconds are whole numbers from 1 to 999, a range's first below its second";

impl Hold {
    /// Parses a hold; `None` when the text is not one of the accepted forms.
    pub fn parse(text: &str) -> Option<Hold> {
        // Normalise: lower case, en dash to `-`, spaces around `-` and between
        // a number and a glued unit (`30s`).
        let mut normal = String::with_capacity(text.len() + 8);
        let mut previous = ' ';
        for c in text.trim().chars().flat_map(char::to_lowercase) {
            let c = if c == '–' { '-' } else { c };
            if c == '-' {
                normal.push_str(" - ");
            } else {
                if previous.is_ascii_digit() && c.is_alphabetic() {
                    normal.push(' ');
                }
                normal.push(c);
            }
            previous = c;
        }
        let words: Vec<&str> = normal.split_whitespace().collect();
        if words == ["brief"] {
            return Some(Hold::Brief);
        }
        let (unit, words) = words.split_last()?;
        if !["s", "sec", "secs", "second", "seconds"].contains(unit) {
            return None;
        }
        let hold = match words {
            [n] => Hold::Exact(seconds(n)?),
            ["about", n] => Hold::About(seconds(n)?),
            ["up", "to", n] => Hold::UpTo(seconds(n)?),
            [a, "to" | "-", b] => Hold::Range(seconds(a)?, seconds(b)?),
            _ => return None,
        };
        match hold {
            Hold::Range(a, b) if a >= b => None,
            _ => Some(hold),
        }
    }

    /// The shortest hold, in seconds.
    pub fn min_seconds(self) -> u32 {
        match self {
            Hold::Brief | Hold::UpTo(_) => 0,
            Hold::Exact(n) | Hold::About(n) | Hold::Range(n, _) => n,
        }
    }

    /// The longest hold, in seconds.
    pub fn max_seconds(self) -> u32 {
        match self {
            Hold::Brief => 0,
            Hold::Exact(n) | Hold::About(n) | Hold::UpTo(n) | Hold::Range(_, n) => n,
        }
    }
}

impl fmt::Display for Hold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Hold::Brief => f.write_str("brief"),
            Hold::Exact(n) => write!(f, "{n} s"),
            Hold::About(n) => write!(f, "about {n} s"),
            Hold::UpTo(n) => write!(f, "up to {n} s"),
            Hold::Range(a, b) => write!(f, "{a}–{b} s"),
        }
    }
}

/// The most seconds a hold may name. Three digits at most: the handout's
/// dose line ("Lying on your front · hold 100–999 s · each side · 50 times")
/// then takes two lines beside the illustration, as the worst case measures;
/// a four-digit range took a third and pushed the sheet onto a second page.
pub const MAX_SECONDS: u32 = 999;

fn seconds(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|n| (1..=MAX_SECONDS).contains(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_every_documented_form() {
        assert_eq!(Hold::parse("30 s"), Some(Hold::Exact(30)));
        assert_eq!(Hold::parse("about 30 s"), Some(Hold::About(30)));
        assert_eq!(Hold::parse("20-30 s"), Some(Hold::Range(20, 30)));
        assert_eq!(Hold::parse("20–30 seconds"), Some(Hold::Range(20, 30)));
        assert_eq!(Hold::parse("up to 30 s"), Some(Hold::UpTo(30)));
        assert_eq!(Hold::parse("3 to 5 s"), Some(Hold::Range(3, 5)));
        assert_eq!(Hold::parse("brief"), Some(Hold::Brief));
        assert_eq!(Hold::parse("100-999 s"), Some(Hold::Range(100, 999)));
    }

    #[test]
    fn tolerates_case_spacing_and_glued_units() {
        assert_eq!(Hold::parse(" Brief "), Some(Hold::Brief));
        assert_eq!(Hold::parse("30s"), Some(Hold::Exact(30)));
        assert_eq!(Hold::parse("20 - 30 seconds"), Some(Hold::Range(20, 30)));
        assert_eq!(Hold::parse("About 30 second"), Some(Hold::About(30)));
    }

    #[test]
    fn rejects_everything_else() {
        for bad in [
            "",
            "30",
            "a while",
            "30 min",
            "30-20 s",
            "0 s",
            "about s",
            "-5 s",
            "1.5 s",
            "s",
            "up to s",
            "5 to 5 s",
            "1000 s",
            "about 1000 s",
            "100-1000 s",
        ] {
            assert_eq!(Hold::parse(bad), None, "{bad:?} should be rejected");
        }
    }

    #[test]
    fn ranges_in_seconds() {
        assert_eq!(
            (Hold::Brief.min_seconds(), Hold::Brief.max_seconds()),
            (0, 0)
        );
        assert_eq!(
            (Hold::UpTo(30).min_seconds(), Hold::UpTo(30).max_seconds()),
            (0, 30)
        );
        assert_eq!(
            (Hold::About(30).min_seconds(), Hold::About(30).max_seconds()),
            (30, 30)
        );
        assert_eq!(Hold::Range(20, 30).to_string(), "20–30 s");
    }
}
