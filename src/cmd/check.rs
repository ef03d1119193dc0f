//! `gen check`: validate the site and follow its references; write nothing.

use std::time::Instant;

use super::Ui;
use crate::Error;

/// `gen check` from the command line.
pub fn run(args: crate::cli::CheckArgs, ui: &Ui) -> Result<(), Error> {
    let start = Instant::now();
    let report = crate::check::check(&args.root, args.drafts)?;
    ui.report(&report.warnings);
    ui.summary(&format!(
        "Checked {} pages and {} links, anchors and images in {} ms: nothing is broken{}",
        report.pages,
        report.references,
        start.elapsed().as_millis(),
        super::warnings_suffix(&report.warnings)
    ));
    Ok(())
}
