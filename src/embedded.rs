//! The default theme and the starter site, built into the binary by `build.rs`.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// A file of the built-in theme by its path relative to the theme folder.
pub fn theme_file(path: &str) -> Option<&'static [u8]> {
    THEME
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, bytes)| *bytes)
}
