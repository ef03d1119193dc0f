//! Templates and themes as a theme author meets them: the errors of
//! templates that render pages `gen` makes itself, of macros, includes and
//! template files that do not fit together.

use super::support::TestSite;

#[test]
fn a_render_error_on_a_page_gen_makes_names_that_page() {
    let site = TestSite::new("minimal");
    site.write("templates/stretches.html", "<p>{{ listing.title }}</p>\n");
    site.write("templates/routines.html", "<p>{{ all.title }}</p>\n");
    site.write("templates/taxonomy_list.html", "<p>{{ terms.x }}</p>\n");
    site.write("templates/taxonomy_term.html", "<p>{{ term.nosuch }}</p>\n");
    site.write("templates/handout.html", "<p>{{ routine.nosuch }}</p>\n");
    let run = site.build(&[]).failure();
    // Each page by its output path, not by a content folder
    // (`content/stretches`) that many pages share.
    run.diagnostic("template `stretches.html` failed while rendering stretches/index.html");
    run.diagnostic("template `routines.html` failed while rendering routines/index.html");
    let d = run.diagnostic("template `taxonomy_list.html` failed while rendering ");
    assert!(d.contains("positions/index.html"), "{d}");
    assert!(d.contains("targets/index.html"), "{d}");
    let d = run.diagnostic("template `taxonomy_term.html` failed while rendering ");
    assert!(d.contains("positions/supine/index.html"), "{d}");
    assert!(d.contains("targets/lower-back/index.html"), "{d}");
    // The main routine's two handouts are told apart.
    let d = run.diagnostic("template `handout.html` failed while rendering ");
    assert!(d.contains("routines/morning/handout/index.html"), "{d}");
    assert!(d.contains("the same error in 1 other page: "), "{d}");
    assert!(
        d.contains("handout/index.html, ") || d.contains(": handout/index.html"),
        "{d}"
    );
    run.stderr_lacks(&["rendering content/stretches", "rendering content/routines"]);
    assert_eq!(run.errors(), 5, "{run}");
}
