//! `gen new`: a new stretch, routine or page from the theme's archetype.

use super::Ui;
use crate::Error;
use crate::archetype::{self, Kind};
use crate::cli::NewKind;

/// `gen new` from the command line.
pub fn run(args: crate::cli::NewArgs, ui: &Ui) -> Result<(), Error> {
    let kind = match args.kind {
        NewKind::Stretch => Kind::Stretch,
        NewKind::Routine => Kind::Routine,
        NewKind::Page => Kind::Page,
    };
    let created = archetype::create(&args.root, kind, &args.title)?;
    if created.problems.iter().any(|d| d.is_error()) {
        return Err(Error::Site(created.problems));
    }
    ui.report(&created.problems);
    // A theme's own archetype may make a file that is published at once.
    let text = std::fs::read_to_string(args.root.join(&created.path)).unwrap_or_default();
    let draft = ["draft = true", "draft: true"]
        .into_iter()
        .find(|line| text.lines().any(|l| l.trim() == *line));
    let next = match draft {
        Some(line) => format!(
            "a draft {}: fill it in, then remove `{line}` to publish it",
            kind.name()
        ),
        None => format!("a {} published at the next build: fill it in", kind.name()),
    };
    ui.summary(&format!(
        "Created {}, {next}{}",
        ui.shown(&created.path).display(),
        super::warnings_suffix(&created.problems)
    ));
    if let Some(stretch) = &created.stretch {
        ui.info(&format!(
            "It lists `{stretch}` to start with; put 1 to 6 stretch slugs in `stretches`."
        ));
    }
    Ok(())
}
