//! Syntax highlighting with syntect into CSS classes (`hl-…`), and the
//! stylesheet for the configured themes.
//!
//! syntect's own syntaxes are loaded on the first code block; the extra set
//! (TOML and more, from two-face) only when a block's language needs it.

use std::sync::OnceLock;

use syntect::highlighting::{Theme, ThemeSet};
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::{SyntaxReference, SyntaxSet};
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
            let mut generator =
                ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
            let ok = LinesWithEndings::from(code).all(|line| {
                generator
                    .parse_html_for_line_which_includes_newline(line)
                    .is_ok()
            });
            if ok {
                return format!(
                    "<pre class=\"hl-code\"><code class=\"language-{escaped_language}\">{}</code></pre>\n",
                    generator.finalize()
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
    let light_theme = take(light)?;
    let dark_theme = if dark == light {
        light_theme.clone()
    } else {
        take(dark)?
    };
    let light_css =
        css_for_theme_with_class_style(&light_theme, CLASS_STYLE).map_err(|_| light.to_string())?;
    let dark_css =
        css_for_theme_with_class_style(&dark_theme, CLASS_STYLE).map_err(|_| dark.to_string())?;
    let mut css = String::with_capacity(light_css.len() + dark_css.len() + 200);
    css.push_str("/* Syntax highlighting, generated by gen from the configured themes. */\n");
    css.push_str(&light_css);
    css.push_str("\n@media (prefers-color-scheme: dark) {\n");
    css.push_str(&dark_css);
    css.push_str("}\n");
    Ok(css)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_toml_from_the_extra_set() {
        let html = code_block("title = \"x\"\n", "toml");
        assert!(html.contains("class=\"language-toml\""), "{html}");
        assert!(html.contains("hl-"), "{html}");
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
