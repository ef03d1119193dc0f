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
    if let Some(stretch) = &created.stretch {
        ui.info(&format!(
            "It lists `{stretch}` to start with; put 1 to 6 stretch slugs in `stretches`."
        ));
    }
    ui.summary(&format!(
        "Created {}, a draft {}: fill it in, then remove `draft = true` to publish it{}",
        created.path.display(),
        kind.name(),
        super::warnings_suffix(&created.problems)
    ));
    Ok(())
}
