//! The `hyphenate` filter: soft hyphens (U+00AD) between the syllables of
//! long words, by the hyphenation patterns of the page's language (hypher,
//! TeX's patterns), so that a browser can break a long word at a line's end
//! instead of moving it whole to the next line.
//!
//! The handout needs it: its texts are held to fixed lengths so that the
//! sheet fits one page, and a line that ends early before a long compound
//! (`Oberschenkelmuskulaturdehnung`) costs a line the sheet does not have.
//! Browsers hyphenate with `hyphens: auto` only where they have the
//! language's dictionary, which headless Chromium on Linux often lacks; a
//! soft hyphen works in every browser, and is invisible unless a line
//! breaks there.

use std::collections::HashMap;

use tera::Value;

/// Words shorter than this are never broken: short words seldom end a line
/// early, and a broken short word reads badly.
const MIN_WORD_CHARS: usize = 10;

/// Hyphenates `text` for the language of BCP 47 tag `language` (`de-CH`
/// hyphenates as German); in a language without patterns, `text` is
/// returned as it was. Tags (`<a href="...">`) and character references
/// (`&amp;`) are copied as they are: an address with a soft hyphen in it
/// is another address.
pub fn hyphenate(text: &str, language: &str) -> String {
    let Some(lang) = lang_of(language) else {
        return text.to_string();
    };
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.chars().count() >= MIN_WORD_CHARS {
            let mut syllables = hypher::hyphenate_bounded(word, lang, 2, 3);
            if let Some(first) = syllables.next() {
                out.push_str(first);
                for syllable in syllables {
                    out.push('\u{AD}');
                    out.push_str(syllable);
                }
            }
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    let addresses = addresses(text);
    let mut address = addresses.iter().peekable();
    // Inside a tag until its `>`, inside a reference until its `;`.
    let mut until: Option<char> = None;
    for (at, c) in text.char_indices() {
        while address.next_if(|a| a.end <= at).is_some() {}
        if address.peek().is_some_and(|a| a.contains(&at)) {
            flush(&mut word, &mut out);
            out.push(c);
            continue;
        }
        match until {
            Some(end) => {
                out.push(c);
                if c == end || (end == ';' && c.is_whitespace()) {
                    until = None;
                }
            }
            None if c.is_alphabetic() => word.push(c),
            None => {
                flush(&mut word, &mut out);
                out.push(c);
                until = match c {
                    '<' => Some('>'),
                    '&' => Some(';'),
                    _ => None,
                };
            }
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Where `text`, outside its tags, writes an address (`https://…`,
/// `www.…`, `name@host`): a word run of text between spaces and tags that
/// holds `://` or `@`, or starts with `www.`. Copied as written: an address
/// with a soft hyphen in it is another address when copied.
fn addresses(text: &str) -> Vec<std::ops::Range<usize>> {
    let is_address = |run: &str| {
        run.contains("://")
            || run.contains('@')
            || run.get(..4).is_some_and(|s| s.eq_ignore_ascii_case("www."))
    };
    let mut found = Vec::new();
    let mut start = None;
    let mut in_tag = false;
    let end = std::iter::once((text.len(), ' '));
    for (at, c) in text.char_indices().chain(end) {
        if in_tag {
            in_tag = c != '>';
        } else if c.is_whitespace() || c == '<' {
            if let Some(start) = start.take() {
                if is_address(&text[start..at]) {
                    found.push(start..at);
                }
            }
            in_tag = c == '<';
        } else if start.is_none() {
            start = Some(at);
        }
    }
    found
}

/// The hyphenation patterns of a BCP 47 tag's language, if hypher has them.
fn lang_of(language: &str) -> Option<hypher::Lang> {
    let primary = language.split('-').next()?.to_ascii_lowercase();
    let code: [u8; 2] = primary.as_bytes().try_into().ok()?;
    hypher::Lang::from_iso(code)
}

/// The Tera filter: `{{ text | hyphenate(lang=site.language) }}`.
pub struct Filter;

impl tera::Filter for Filter {
    fn filter(&self, value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
        const USAGE: &str = "write it `hyphenate(lang=site.language)`";
        let Some(text) = value.as_str() else {
            return Err(tera::Error::msg(
                "Filter `hyphenate` was called on a value that is not text",
            ));
        };
        if let Some(other) = args.keys().find(|k| *k != "lang") {
            return Err(tera::Error::msg(format!(
                "Filter `hyphenate` takes only `lang`, not `{other}`: {USAGE}"
            )));
        }
        let language = match args.get("lang") {
            Some(Value::String(lang)) if crate::config::is_language_tag(lang) => lang,
            Some(Value::String(lang)) => {
                return Err(tera::Error::msg(format!(
                    "Filter `hyphenate` was given `lang` \"{lang}\", which is not a language tag such as \"en\" or \"de-CH\": {USAGE}"
                )));
            }
            Some(_) => {
                return Err(tera::Error::msg(format!(
                    "Filter `hyphenate` takes `lang`, a language tag such as \"en\" or \"de-CH\": {USAGE}"
                )));
            }
            None => {
                return Err(tera::Error::msg(format!(
                    "Filter `hyphenate` needs `lang`, the language to hyphenate in: {USAGE}"
                )));
            }
        };
        Ok(Value::String(hyphenate(text, language)))
    }
}

#[cfg(test)]
mod tests {
    use super::hyphenate;

    #[test]
    fn long_words_get_soft_hyphens_in_their_language() {
        assert_eq!(
            hyphenate("Oberschenkelmuskulaturdehnung: Knie beugen.", "de-CH"),
            "Ober\u{AD}schen\u{AD}kel\u{AD}mus\u{AD}ku\u{AD}la\u{AD}tur\u{AD}deh\u{AD}nung: Knie beugen."
        );
        // Short words, numbers and addresses are left as they are.
        let text = "Hold 20-30 s, then rest: www.example.org/stretches";
        assert_eq!(hyphenate(text, "en"), text);
        assert_eq!(
            hyphenate("uncomfortable", "en-GB").replace('\u{AD}', "-"),
            "un-com-fort-able"
        );
    }

    #[test]
    fn tags_and_references_are_left_as_they_are() {
        let html = "<a href=\"https://example.org/comprehensive/\">comprehensive</a> &amp;&nbsp;<img alt=\"x\" src=\"photograph-extraordinarily.png\">";
        assert_eq!(
            hyphenate(html, "en").replace('\u{AD}', "|"),
            "<a href=\"https://example.org/comprehensive/\">com|pre|hen|sive</a> &amp;&nbsp;<img alt=\"x\" src=\"photograph-extraordinarily.png\">"
        );
    }

    #[test]
    fn addresses_written_as_text_are_left_as_they_are() {
        let text = "See <a href=\"x\">https://incomprehensibilities.example/x</a>, www.incomprehensibilities.example or help@incomprehensibilities.example; incomprehensibilities";
        assert_eq!(
            hyphenate(text, "en").replace('\u{AD}', "|"),
            "See <a href=\"x\">https://incomprehensibilities.example/x</a>, www.incomprehensibilities.example or help@incomprehensibilities.example; in|com|pre|hen|si|bil|i|ties"
        );
    }

    #[test]
    fn without_patterns_the_text_is_unchanged() {
        for language in ["", "xx", "zh-Hant-TW", "ja"] {
            assert_eq!(
                hyphenate("Oberschenkelmuskulaturdehnung", language),
                "Oberschenkelmuskulaturdehnung"
            );
        }
    }
}
