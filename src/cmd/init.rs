//! `gen init`: a new site from the built-in starter.

use super::Ui;
use crate::Error;

/// `gen init` from the command line.
pub fn run(args: crate::cli::InitArgs, ui: &Ui) -> Result<(), Error> {
    let site = crate::starter::init(&args.dir)?;
    let here = args.dir.as_os_str().is_empty() || args.dir == std::path::Path::new(".");
    ui.info("Next steps:");
    if !here {
        ui.info(&format!(
            "  cd {}",
            shell_word(&site.dir.display().to_string())
        ));
    }
    for (command, what) in [
        (
            "gen serve",
            "preview the site at http://127.0.0.1:1111/; it rebuilds as you save",
        ),
        (
            "gen new stretch \"Cat Cow\"",
            "start a stretch from the theme's archetype",
        ),
        ("gen check", "find broken links, anchors and images"),
        ("gen build", "write the site into public/, ready to upload"),
    ] {
        ui.info(&format!("  {command:<28} {what}"));
    }
    ui.summary(&format!(
        "Created a new site in {} ({} files)",
        site.dir.display(),
        site.files
    ));
    Ok(())
}

/// Quotes a path for a POSIX shell when it needs it. A path that starts
/// with `-` gets `./` before it, so that `cd` does not read it as an option.
fn shell_word(text: &str) -> String {
    if text.starts_with('-') {
        return shell_word(&format!("./{text}"));
    }
    if text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
    {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::shell_word;

    #[test]
    fn shell_words() {
        assert_eq!(shell_word("my-site"), "my-site");
        assert_eq!(shell_word("/tmp/my site"), "'/tmp/my site'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word("-site"), "./-site");
        assert_eq!(shell_word("-my site"), "'./-my site'");
    }
}
