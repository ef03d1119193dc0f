//! Syntax highlighting with syntect into CSS classes (`hl-…`), and the
//! stylesheet for the configured themes.
//!
//! syntect's own syntaxes are loaded on the first code block; the extra set
//! (TOML and more, from two-face) only when a block's language needs it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;

use syntect::highlighting::{Color, Theme, ThemeSet};
use syntect::html::{ClassStyle, css_for_theme_with_class_style, line_tokens_to_classed_spans};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn default_syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

fn extra_syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(two_face::syntax::extra_newlines)
}

fn find(language: &str) -> Option<(&'static SyntaxSet, &'static SyntaxReference)> {
    let defaults = default_syntaxes();
    if let Some(syntax) = defaults.find_syntax_by_token(language) {
        return Some((defaults, syntax));
    }
    let extra = extra_syntaxes();
    extra
        .find_syntax_by_token(language)
        .map(|syntax| (extra, syntax))
}

/// Renders a fenced code block as `<pre><code>` with highlight classes.
/// Unknown or missing languages give plain, escaped code.
pub fn code_block(code: &str, language: &str) -> String {
    let language = language.split([' ', ',', '{']).next().unwrap_or("").trim();
    let escaped_language = escape(language);
    if !language.is_empty() {
        if let Some((set, syntax)) = find(language) {
            if let Some(html) = highlight(code, set, syntax) {
                return format!(
                    "<pre class=\"hl-code\"><code class=\"language-{escaped_language}\">{html}</code></pre>\n",
                );
            }
        }
    }
    let class = if language.is_empty() {
        String::new()
    } else {
        format!(" class=\"language-{escaped_language}\"")
    };
    format!(
        "<pre class=\"hl-code\"><code{class}>{}</code></pre>\n",
        escape(code)
    )
}

/// Highlights `code` line by line, as syntect's `ClassedHTMLGenerator`
/// does: each line parsed from the state the line before left, its scopes
/// turned into `<span>`s, the spans still open closed at the end. `None`
/// when syntect fails on a line.
///
/// A line's HTML, and the state it leaves, depend only on the line and the
/// state it starts in, so both are kept (per thread, per syntax) for lines
/// that start in a state seen before: blank lines, `}`, `[section]` headers
/// and the like are parsed once, not once per block.
fn highlight(code: &str, set: &SyntaxSet, syntax: &SyntaxReference) -> Option<String> {
    thread_local! {
        static LINES: RefCell<HashMap<usize, Lines>> = RefCell::new(HashMap::new());
    }
    LINES.with_borrow_mut(|all| {
        // The syntaxes are loaded once, into statics: an address names one.
        let lines = all
            .entry(std::ptr::from_ref(syntax) as usize)
            .or_insert_with(|| Lines::new(syntax));
        lines.highlight(code, set)
    })
}

/// Lines highlighted for one syntax, by the state they started in.
struct Lines {
    /// The states lines started or ended in (parser and open scopes), the
    /// first being the start of a block.
    states: Vec<(ParseState, ScopeStack)>,
    /// For each state: the lines highlighted from it.
    done: Vec<HashMap<Box<str>, Line>>,
    /// Lines kept, in all.
    kept: usize,
}

/// A line highlighted: its HTML, the change in open `<span>`s, and the
/// number of the state it leaves.
type Line = (Box<str>, isize, usize);

impl Lines {
    /// The most states and lines kept per syntax and thread.
    const MOST_STATES: usize = 64;
    const MOST_LINES: usize = 1 << 14;

    fn new(syntax: &SyntaxReference) -> Lines {
        Lines {
            states: vec![(ParseState::new(syntax), ScopeStack::new())],
            done: vec![HashMap::new()],
            kept: 0,
        }
    }

    fn highlight(&mut self, code: &str, set: &SyntaxSet) -> Option<String> {
        let mut html = String::with_capacity(code.len() * 3);
        let mut open: isize = 0;
        // The state the next line starts in: a known one (`at`), or the one
        // held in `parse` and `scopes` (`at` is `None`).
        let mut at = Some(0);
        let (mut parse, mut scopes) = self.states[0].clone();
        for line in LinesWithEndings::from(code) {
            if let Some(i) = at {
                if let Some((text, delta, next)) = self.done[i].get(line) {
                    html.push_str(text);
                    open += delta;
                    at = Some(*next);
                    continue;
                }
                (parse, scopes) = self.states[i].clone();
            }
            let ops = parse.parse_line(line, set).ok()?;
            let (text, delta) =
                line_tokens_to_classed_spans(line, &ops, CLASS_STYLE, &mut scopes).ok()?;
            html.push_str(&text);
            open += delta;
            let next = self.state(&parse, &scopes);
            if let (Some(i), Some(next)) = (at, next) {
                if self.kept < Self::MOST_LINES {
                    self.kept += 1;
                    self.done[i].insert(line.into(), (text.into(), delta, next));
                }
            }
            at = next;
        }
        for _ in 0..open {
            html.push_str("</span>");
        }
        Some(html)
    }

    /// The number of a state, known or new; `None` past [`Lines::MOST_STATES`].
    fn state(&mut self, parse: &ParseState, scopes: &ScopeStack) -> Option<usize> {
        if let Some(i) = self
            .states
            .iter()
            .position(|(p, s)| p == parse && s == scopes)
        {
            return Some(i);
        }
        (self.states.len() < Self::MOST_STATES).then(|| {
            self.states.push((parse.clone(), scopes.clone()));
            self.done.push(HashMap::new());
            self.states.len() - 1
        })
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The names of the highlight themes `gen.toml` accepts.
pub fn theme_names() -> Vec<String> {
    let mut names: Vec<String> = ThemeSet::load_defaults().themes.into_keys().collect();
    names.sort();
    names
}

/// Whether `name` is a highlight theme `gen.toml` accepts (the defaults are
/// known without unpacking syntect's themes).
pub fn is_theme(name: &str) -> bool {
    name == DEFAULT_THEME || name == DEFAULT_THEME_DARK || theme_names().iter().any(|n| n == name)
}

/// The highlight theme for light pages when `gen.toml` names none.
pub const DEFAULT_THEME: &str = "InspiredGitHub";
/// The highlight theme for dark pages when `gen.toml` names none.
pub const DEFAULT_THEME_DARK: &str = "base16-ocean.dark";

/// The stylesheet of the default themes, made ahead of time: unpacking
/// syntect's themes costs more than the rest of a six-page build's
/// highlighting. The test `the_default_stylesheet_is_current` checks it
/// against [`generate`] (run it with `BEDSIDE_BLESS=1` to rewrite it).
const DEFAULT_STYLESHEET: &str = include_str!("default_highlight.css");

/// The stylesheet for a light theme and a dark one (under
/// `prefers-color-scheme: dark`). `Err` names the unknown theme.
pub fn stylesheet(light: &str, dark: &str) -> Result<String, String> {
    if light == DEFAULT_THEME && dark == DEFAULT_THEME_DARK {
        return Ok(DEFAULT_STYLESHEET.to_string());
    }
    generate(light, dark)
}

/// Makes the stylesheet from syntect's themes.
fn generate(light: &str, dark: &str) -> Result<String, String> {
    let mut themes = ThemeSet::load_defaults().themes;
    let mut take = |name: &str| -> Result<Theme, String> {
        themes.remove(name).ok_or_else(|| name.to_string())
    };
    let mut light_theme = take(light)?;
    let mut dark_theme = if dark == light {
        light_theme.clone()
    } else {
        take(dark)?
    };
    legible(&mut light_theme);
    legible(&mut dark_theme);
    let light_css =
        css_for_theme_with_class_style(&light_theme, CLASS_STYLE).map_err(|_| light.to_string())?;
    let dark_css =
        css_for_theme_with_class_style(&dark_theme, CLASS_STYLE).map_err(|_| dark.to_string())?;
    // Each theme's rules apply in its own scheme only: a rule of the light
    // theme with more classes (`.hl-storage.hl-type`) would otherwise beat
    // the dark theme's (`.hl-storage`), a media query adding nothing to a
    // selector's weight, and print dark colours on the dark background.
    let mut css = String::with_capacity(light_css.len() + dark_css.len() + 200);
    css.push_str("/* Syntax highlighting, generated by gen from the configured themes. */\n");
    css.push_str("@media not all and (prefers-color-scheme: dark) {\n");
    css.push_str(&light_css);
    css.push_str("}\n\n@media (prefers-color-scheme: dark) {\n");
    css.push_str(&dark_css);
    css.push_str("}\n");
    Ok(css)
}

/// The contrast every text colour of a highlight theme gets against the theme's background:
/// WCAG AA's 4.5:1 for body-size text, with a little room for rounding.
const MIN_CONTRAST: f64 = 4.6;

/// Makes every text colour of `theme` legible on its background: a colour with less than
/// [`MIN_CONTRAST`] is moved towards black (on a light background) or white (on a dark one)
/// just far enough. syntect's themes have pale greens and greys (3:1) that low-vision
/// readers cannot read.
fn legible(theme: &mut Theme) {
    let background = theme.settings.background.unwrap_or(Color::WHITE);
    if let Some(foreground) = theme.settings.foreground.as_mut() {
        *foreground = with_contrast(*foreground, background);
    }
    for item in &mut theme.scopes {
        let back = item.style.background.unwrap_or(background);
        if let Some(foreground) = item.style.foreground.as_mut() {
            *foreground = with_contrast(*foreground, back);
        }
    }
}

/// `color`, or the nearest mix of it with black or white that reaches [`MIN_CONTRAST`]
/// on `background`.
fn with_contrast(color: Color, background: Color) -> Color {
    if contrast(color, background) >= MIN_CONTRAST {
        return color;
    }
    let target = if luminance(background) > 0.18 {
        0.0
    } else {
        255.0
    };
    let mix = |c: u8, t: f64| -> u8 { (f64::from(c) + (target - f64::from(c)) * t).round() as u8 };
    (1..=100)
        .map(|step| {
            let t = f64::from(step) / 100.0;
            Color {
                r: mix(color.r, t),
                g: mix(color.g, t),
                b: mix(color.b, t),
                a: color.a,
            }
        })
        .find(|mixed| contrast(*mixed, background) >= MIN_CONTRAST)
        .unwrap_or(color)
}

/// WCAG 2 relative luminance.
fn luminance(color: Color) -> f64 {
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)
}

/// WCAG 2 contrast ratio of two colours.
fn contrast(a: Color, b: Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_colour_of_every_theme_reaches_4_5_to_1() {
        for (name, mut theme) in ThemeSet::load_defaults().themes {
            legible(&mut theme);
            let background = theme.settings.background.unwrap_or(Color::WHITE);
            for item in &theme.scopes {
                if let Some(foreground) = item.style.foreground {
                    let back = item.style.background.unwrap_or(background);
                    let ratio = contrast(foreground, back);
                    assert!(
                        ratio >= 4.5,
                        "{name}: {foreground:?} on {back:?} is {ratio:.2}:1"
                    );
                }
            }
        }
    }

    #[test]
    fn a_legible_colour_is_kept() {
        let navy = Color {
            r: 0x18,
            g: 0x36,
            b: 0x91,
            a: 0xff,
        };
        assert_eq!(with_contrast(navy, Color::WHITE), navy);
        let green = Color {
            r: 0x63,
            g: 0xa3,
            b: 0x5c,
            a: 0xff,
        };
        let darker = with_contrast(green, Color::WHITE);
        assert!(darker.g < green.g && contrast(darker, Color::WHITE) >= 4.5);
    }

    #[test]
    fn highlights_toml_from_the_extra_set() {
        let html = code_block("title = \"x\"\n", "toml");
        assert!(html.contains("class=\"language-toml\""), "{html}");
        assert!(html.contains("hl-"), "{html}");
    }

    /// What syntect's own generator makes of `code`.
    fn reference(code: &str, language: &str) -> String {
        let (set, syntax) = find(language).expect("a known language");
        let mut generator =
            syntect::html::ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
        for line in LinesWithEndings::from(code) {
            generator
                .parse_html_for_line_which_includes_newline(line)
                .expect("syntect parses the line");
        }
        generator.finalize()
    }

    #[test]
    fn lines_kept_from_earlier_blocks_highlight_as_syntect_does() {
        // Lines that repeat, in other states: inside a multi-line string or
        // comment the same text is highlighted otherwise.
        let blocks = [
            (
                "toml",
                "[routine]\nname = \"a\"\n\n[[routine.stretch]]\nid = \"x\"\n",
            ),
            (
                "toml",
                "note = \"\"\"\n[routine]\nname = \"a\"\n\"\"\"\n[routine]\nname = \"a\"\n",
            ),
            (
                "toml",
                "[routine]\nname = \"b\"\n\n[[routine.stretch]]\nid = \"y\"\n",
            ),
            ("rust", "fn main() {\n    /* a\n}\n*/\n}\n"),
            ("rust", "fn main() {\n}\n"),
            ("rust", "}\n/* open"),
        ];
        for round in 0..2 {
            for (language, code) in blocks {
                let (set, syntax) = find(language).expect("a known language");
                let ours = highlight(code, set, syntax).expect("highlighted");
                assert_eq!(ours, reference(code, language), "round {round}: {code:?}");
            }
        }
    }

    #[test]
    fn a_block_seen_before_is_not_parsed_again() {
        let code = "[seen]\nkey = 1\n";
        let (set, syntax) = find("toml").expect("TOML");
        let first = reference(code, "toml");
        let mut lines = Lines::new(syntax);
        assert_eq!(lines.highlight(code, set).as_deref(), Some(first.as_str()));
        assert_eq!(lines.kept, 2);
        assert_eq!(lines.highlight(code, set).as_deref(), Some(first.as_str()));
        assert_eq!(lines.kept, 2, "both lines were taken from the cache");
    }

    #[test]
    fn unknown_language_is_escaped_plain_text() {
        let html = code_block("<b>\n", "nosuchlang");
        assert!(html.contains("&lt;b&gt;"), "{html}");
    }

    #[test]
    fn the_default_stylesheet_is_current() {
        let css = generate(DEFAULT_THEME, DEFAULT_THEME_DARK).unwrap();
        if std::env::var_os("BEDSIDE_BLESS").is_some() {
            let path = concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/src/markdown/default_highlight.css"
            );
            std::fs::write(path, &css).unwrap();
        }
        assert!(
            css == DEFAULT_STYLESHEET,
            "src/markdown/default_highlight.css is out of date: run `BEDSIDE_BLESS=1 cargo test --lib default_stylesheet`"
        );
    }

    #[test]
    fn each_theme_applies_in_its_own_scheme_only() {
        let css = stylesheet("InspiredGitHub", "base16-ocean.dark").unwrap();
        let light = css
            .find("@media not all and (prefers-color-scheme: dark) {")
            .expect("the light block");
        let dark = css
            .find("@media (prefers-color-scheme: dark) {")
            .expect("the dark block");
        // No rule outside the two blocks.
        let before = &css[..light];
        assert!(!before.contains('{'), "{before}");
        let light_rules = &css[light..dark];
        assert!(
            light_rules.contains(".hl-storage.hl-type {"),
            "{light_rules}"
        );
        assert!(DEFAULT_STYLESHEET.starts_with(&css[..light + 10]));
    }

    #[test]
    fn the_same_theme_light_and_dark() {
        let css = stylesheet("InspiredGitHub", "InspiredGitHub").unwrap();
        assert!(css.contains("prefers-color-scheme: dark"));
    }

    #[test]
    fn stylesheet_has_a_dark_block() {
        let css = stylesheet("InspiredGitHub", "base16-ocean.dark").unwrap();
        assert!(css.contains("prefers-color-scheme: dark"));
        assert!(css.contains(".hl-"));
        assert_eq!(
            stylesheet("nope", "base16-ocean.dark"),
            Err("nope".to_string())
        );
    }
}
