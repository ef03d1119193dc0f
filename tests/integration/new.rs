//! `gen new`: a new stretch, routine or page from the theme's archetype, in
//! the right folder with the next number, as a draft that keeps the site
//! building; a new theme, a copy of the built-in one.

use super::editor_support::EditorSite;

#[test]
fn new_files_are_drafts_that_keep_the_site_building() {
    let site = EditorSite::fixture("editor");
    let run = site.run(&["new", "stretch", "Cat Cow"]).status(0);
    assert!(
        run.stdout.contains("content/stretches/04-cat-cow.md"),
        "{}",
        run.stdout
    );
    let stretch = site.read("content/stretches/04-cat-cow.md");
    assert!(stretch.contains("title = \"Cat Cow\""), "{stretch}");
    assert!(stretch.contains("draft = true"), "{stretch}");
    assert!(!stretch.contains("{{"), "a placeholder is left: {stretch}");

    let run = site.run(&["new", "routine", "Evening"]).status(0);
    assert!(
        run.stdout.contains("content/routines/01-evening.md"),
        "{}",
        run.stdout
    );
    let routine = site.read("content/routines/01-evening.md");
    assert!(
        routine.contains("stretches = [\"knee-to-chest\"]"),
        "{routine}"
    );
    assert!(routine.contains("draft = true"), "{routine}");

    let run = site.run(&["new", "page", "About us"]).status(0);
    assert!(
        run.stdout.contains("content/01-about-us.md"),
        "{}",
        run.stdout
    );
    assert!(
        site.read("content/01-about-us.md")
            .contains("title = \"About us\"")
    );

    // Drafts are left out of a build, and are valid when built.
    site.run(&["build"]).status(0);
    assert!(!site.path("public/stretches/cat-cow").exists());
    site.run(&["build", "--drafts", "--output-dir", "drafts"])
        .status(0);
    assert!(site.path("drafts/stretches/cat-cow/index.html").is_file());
    assert!(site.path("drafts/routines/evening/index.html").is_file());
    assert!(site.path("drafts/about-us/index.html").is_file());
}

#[test]
fn numbers_follow_the_highest_prefix() {
    let site = EditorSite::fixture("editor");
    std::fs::rename(
        site.path("content/stretches/03-press-up.md"),
        site.path("content/stretches/09-press-up.md"),
    )
    .expect("a rename");
    site.run(&["new", "stretch", "Child's pose"]).status(0);
    assert!(site.path("content/stretches/10-child-s-pose.md").is_file());
}

#[test]
fn refuses_a_title_that_is_taken_or_too_long() {
    let site = EditorSite::fixture("editor");
    let before = site.read("content/stretches/02-pelvic-tilt.md");
    let run = site.run(&["new", "stretch", "Pelvic tilt"]).status(1);
    assert!(
        run.stderr
            .contains("already a stretch with the slug `pelvic-tilt`\n --> content/stretches/02-pelvic-tilt.md\n"),
        "{}",
        run.stderr
    );
    assert_eq!(site.read("content/stretches/02-pelvic-tilt.md"), before);
    assert!(!site.path("content/stretches/04-pelvic-tilt.md").exists());

    let run = site.run(&["new", "page", "Stretches"]).status(1);
    assert!(
        run.stderr.contains("the site makes that path itself"),
        "{}",
        run.stderr
    );
    let long = "A title much longer than the forty-eight characters";
    let run = site.run(&["new", "stretch", long]).status(1);
    assert!(run.stderr.contains("at most 48"), "{}", run.stderr);

    // A page's title has no limit, but its file name has one.
    let longest = "word ".repeat(60);
    let run = site.run(&["new", "page", &longest]).status(1);
    assert!(
        run.stderr.contains("file systems take at most 255")
            && run.stderr.contains("help: give a shorter title here"),
        "{}",
        run.stderr
    );
    // A title with no letters a–z or digits says which letters a file name keeps.
    let run = site.run(&["new", "stretch", "éééé"]).status(1);
    assert!(
        run.stderr
            .contains("has no letters or digits of a–z and 0–9 to make a file name from"),
        "{}",
        run.stderr
    );
    // The help's example is of the kind asked for.
    let run = site.run(&["new", "routine", "!!!"]).status(1);
    assert!(
        run.stderr.contains("e.g. `gen new routine \"Evening\"`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_title_that_starts_with_digits_keeps_them_in_its_slug() {
    // The file's `NN-` prefix would swallow the title's own leading digits
    // ("03-2-press-up" gives `press-up`, "04-404" no slug at all), so the
    // new file says its slug.
    let site = EditorSite::fixture("editor");
    site.run(&["new", "stretch", "90-90 hip stretch"]).status(0);
    let stretch = site.read("content/stretches/04-90-90-hip-stretch.md");
    assert!(
        stretch.starts_with("+++\nslug = \"90-90-hip-stretch\"\n"),
        "{stretch}"
    );
    // Not taken for the existing `press-up`, nor an empty slug.
    site.run(&["new", "stretch", "2 Press up"]).status(0);
    site.run(&["new", "stretch", "404"]).status(0);
    site.run(&["new", "page", "2024 update"]).status(0);
    site.run(&["new", "routine", "7 minutes"]).status(0);
    site.run(&["build", "--drafts", "--output-dir", "drafts"])
        .status(0);
    for page in [
        "stretches/90-90-hip-stretch",
        "stretches/2-press-up",
        "stretches/press-up",
        "stretches/404",
        "2024-update",
        "routines/7-minutes",
    ] {
        assert!(
            site.path(&format!("drafts/{page}/index.html")).is_file(),
            "no {page}"
        );
    }
    // Taken is still taken.
    let run = site.run(&["new", "stretch", "404"]).status(1);
    assert!(
        run.stderr.contains("already a stretch with the slug `404`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_title_is_written_as_given_even_with_placeholders_in_it() {
    let site = EditorSite::fixture("editor");
    site.run(&["new", "page", "Notes {{date}} and {{slug}}"])
        .status(0);
    let page = site.read("content/01-notes-date-and-slug.md");
    assert!(
        page.contains("title = \"Notes {{date}} and {{slug}}\""),
        "{page}"
    );
}

#[test]
fn a_site_broken_before_is_not_laid_at_the_new_files_door() {
    // gen.toml names a routine the site does not have: the error was there
    // before `gen new routine`, whose file only changes its help.
    let site = EditorSite::fixture("editor");
    std::fs::remove_file(site.path("content/routines/morning.md")).expect("removed");
    site.write(
        "gen.toml",
        "title = \"Editor fixture\"\n[handout]\nroutine = \"morning\"\n",
    );
    site.run(&["build"]).status(1);
    let run = site.run(&["new", "routine", "Evening"]).status(0);
    assert!(
        run.stdout
            .contains("Created content/routines/01-evening.md"),
        "{}",
        run.stdout
    );
    assert!(site.path("content/routines/01-evening.md").is_file());
}

#[test]
fn a_site_of_only_gen_toml_gets_its_content_folder() {
    // A site with gen.toml and no content/ yet: that the site has no
    // red-flags page either is not the new stretch's doing.
    let site = EditorSite::empty();
    site.write("gen.toml", "title = \"New site\"\n");
    site.run(&["build"]).status(1);

    // A refused file leaves no folder behind.
    let run = site.run(&["new", "routine", "Evening"]).status(1);
    assert!(
        run.stderr.contains("the site has none yet"),
        "{}",
        run.stderr
    );
    assert!(!site.path("content").exists(), "content/ was left behind");

    let run = site.run(&["new", "stretch", "Cat Cow"]).status(0);
    assert!(
        run.stdout
            .contains("Created content/stretches/01-cat-cow.md"),
        "{run}"
    );
    assert!(!run.stderr.contains("error"), "{}", run.stderr);
    assert!(site.path("content/stretches/01-cat-cow.md").is_file());
    site.run(&["new", "routine", "Evening"]).status(0);
    assert!(site.path("content/routines/01-evening.md").is_file());
}

#[test]
fn a_stretch_cannot_take_the_slug_of_the_library_pages() {
    // `stretches/page/N/` are the library's later pages: the title is
    // refused as a page's "Stretches" is, not blamed on the archetype.
    let site = EditorSite::fixture("editor");
    let run = site.run(&["new", "stretch", "Page"]).status(1);
    assert!(
        run.stderr
            .contains("a stretch cannot be called `page`: the site makes that path itself"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("archetype"), "{}", run.stderr);
    assert!(!site.path("content/stretches/04-page.md").exists());
    // A page and a routine may be called so.
    site.run(&["new", "page", "Page"]).status(0);
    site.run(&["new", "routine", "Page"]).status(0);
    site.run(&["build", "--drafts"]).status(0);
}

#[test]
fn the_site_theme_archetype_is_used() {
    let site = with_theme_mine();
    site.write(
        "themes/mine/archetypes/page.md",
        "+++\ntitle = \"{{title}}\"\ndescription = \"From my theme.\"\ndraft = true\n+++\n\nMine.\n",
    );
    site.run(&["new", "page", "Say \"hi\""]).status(0);
    let page = site.read("content/01-say-hi.md");
    assert!(page.contains("title = \"Say \\\"hi\\\"\""), "{page}");
    assert!(page.contains("From my theme."), "{page}");
    site.run(&["build", "--drafts"]).status(0);
}

#[test]
fn placeholders_written_as_tera_writes_them_are_filled_and_unknown_ones_warned() {
    let site = with_theme_mine();
    site.write(
        "themes/mine/archetypes/page.md",
        "+++\ntitle = \"{{ title }}\"\ndescription = \"{{titel}} of {{ site }}\"\ndraft = true\n+++\n\nWritten {{ date }}.\n",
    );
    let run = site.run(&["new", "page", "About"]).status(0);
    let page = site.read("content/01-about.md");
    assert!(page.contains("title = \"About\""), "{page}");
    assert!(!page.contains("{{ date }}"), "{page}");
    // Unknown names stay as written, each warned about once, at its place.
    assert!(page.contains("{{titel}} of {{ site }}"), "{page}");
    assert!(
        run.stderr
            .contains("warning: the archetype's `{{titel}}` is not a placeholder gen fills")
            && run
                .stderr
                .contains(" --> themes/mine/archetypes/page.md:3:16\n")
            && run.stderr.contains("help: did you mean `{{title}}`?"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("warning: the archetype's `{{site}}` is not a placeholder gen fills")
            && run
                .stderr
                .contains(" --> themes/mine/archetypes/page.md:3:29\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_broken_archetype_is_reported() {
    let site = with_theme_mine();
    site.write(
        "themes/mine/archetypes/routine.md",
        "+++\ntitle = \"{{title}}\"\ndraft = true\n+++\n",
    );
    let run = site.run(&["new", "routine", "Evening"]).status(1);
    assert!(
        run.stderr.contains("content/routines/01-evening.md"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("stretches"), "{}", run.stderr);
    // SPEC §6: the site still builds; the broken file is not kept.
    assert!(
        run.stderr.contains(
            "the archetype for a new routine makes a file with errors, so content/routines/01-evening.md was not kept"
        ) && run.stderr.contains("help: fix the archetype, themes/mine/archetypes/routine.md"),
        "{}",
        run.stderr
    );
    assert!(!site.path("content/routines/01-evening.md").exists());
    site.run(&["build"]).status(0);
}

#[test]
fn a_new_file_that_would_collide_with_the_site_is_not_kept() {
    // SPEC §6: the site still builds. A page titled "Old" takes the path of
    // a stretch's alias, and one titled "Hello" that of a static file.
    let site = EditorSite::fixture("editor");
    site.replace(
        "content/stretches/01-knee-to-chest.md",
        "position = ",
        "aliases = [\"/old/\"]\nposition = ",
    );
    site.write("static/hello/index.html", "<p>Hello</p>\n");
    site.run(&["build"]).status(0);
    for (title, file) in [
        ("Old", "content/01-old.md"),
        ("Hello", "content/01-hello.md"),
    ] {
        let run = site.run(&["new", "page", title]).status(1);
        assert!(
            run.stderr.contains("collides") || run.stderr.contains("both"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains(&format!(
                "would break the build (above), so {file} was not kept"
            )),
            "{}",
            run.stderr
        );
        assert!(!site.path(file).exists(), "{file} was kept");
    }
    site.run(&["build", "--drafts"]).status(0);
}

#[test]
fn a_theme_archetype_without_draft_is_said_to_be_published() {
    let site = with_theme_mine();
    site.write(
        "themes/mine/archetypes/page.md",
        "---\ntitle: {{title}}\n---\n\nMine.\n",
    );
    let run = site.run(&["new", "page", "Notes"]).status(0);
    assert!(
        run.stdout
            .contains("Created content/01-notes.md, a page published at the next build"),
        "{}",
        run.stdout
    );
    site.write(
        "themes/mine/archetypes/page.md",
        "---\ntitle: {{title}}\ndraft: true\n---\n\nMine.\n",
    );
    let run = site.run(&["new", "page", "More notes"]).status(0);
    assert!(
        run.stdout
            .contains("a draft page: fill it in, then remove `draft: true` to publish it"),
        "{}",
        run.stdout
    );
}

/// The editor fixture with `theme = "mine"`: a theme of the site's own, with
/// nothing in it until a test writes its archetypes.
fn with_theme_mine() -> EditorSite {
    let site = EditorSite::fixture("editor");
    site.replace(
        "gen.toml",
        "title = \"Editor fixture\"",
        "title = \"Editor fixture\"\ntheme = \"mine\"",
    );
    site
}

#[test]
fn a_new_theme_is_the_built_in_one_to_change() {
    let site = EditorSite::fixture("editor");
    site.run(&["build", "-o", "before"]).status(0);
    let run = site.run(&["new", "theme", "Calm Look"]).status(0);
    assert!(
        run.stdout
            .contains("Created themes/calm-look, a copy of the built-in theme: set `theme = \"calm-look\"` in gen.toml"),
        "{}",
        run.stdout
    );
    for file in [
        "theme.toml",
        "templates/base.html",
        "templates/macros.html",
        "templates/partials/header.html",
        "static/css/style.css",
        "archetypes/stretch.md",
    ] {
        assert!(
            site.path(&format!("themes/calm-look/{file}")).is_file(),
            "{file}"
        );
    }
    // Built with it, the site is the same, file for file.
    let config = site.read("gen.toml");
    site.write("gen.toml", &format!("theme = \"calm-look\"\n{config}"));
    site.run(&["build", "-o", "after"]).status(0);
    assert_eq!(
        super::support::files(&site.path("before")),
        super::support::files(&site.path("after"))
    );
    // A name taken, the built-in theme's name, or no letters: refused, and
    // nothing is written.
    let run = site.run(&["new", "theme", "calm look"]).status(1);
    assert!(
        run.stderr
            .contains("error: themes/calm-look is there already"),
        "{}",
        run.stderr
    );
    let run = site.run(&["new", "theme", "Default"]).status(1);
    assert!(
        run.stderr
            .contains("`default` is the built-in theme's name"),
        "{}",
        run.stderr
    );
    site.run(&["new", "theme", "!!!"]).status(1);
    // A control character is refused, as in a title.
    let run = site.run(&["new", "theme", "tab\there"]).status(1);
    assert!(
        run.stderr
            .contains("the theme name has a line break or control character"),
        "{}",
        run.stderr
    );
    let themes: Vec<_> = std::fs::read_dir(site.path("themes"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(themes, ["calm-look"]);
}

#[test]
fn a_name_too_long_for_a_folder_says_so_and_leaves_no_folder() {
    let site = super::support::TestSite::new("minimal");
    assert!(!site.exists("themes"));
    let run = site.run(&["new", "theme", &"y".repeat(300)]).status(1);
    assert!(
        run.stderr
            .contains("help: a file or folder name may be at most 255 bytes"),
        "{}",
        run.stderr
    );
    assert!(
        !site.exists("themes"),
        "the themes/ folder made for it is gone"
    );

    // A site folder under a file says so, not "permissions".
    site.write("afile", "");
    let run = site.run(&["build", "--root", "afile/sub"]).status(1);
    assert!(
        run.stderr
            .contains("help: a part of that path is a file, not a folder"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_kinds_folder_that_is_a_file_is_named_as_the_site_names_it() {
    let site = super::support::TestSite::new("full");
    std::fs::remove_dir_all(site.path("content/routines")).unwrap();
    site.write("content/routines", "");
    let run = site.run(&["new", "routine", "Evening Two"]).status(1);
    assert!(
        run.stderr.contains("error: cannot read content/routines: ")
            && run
                .stderr
                .contains("help: content/routines must be a folder: move the file away"),
        "{}",
        run.stderr
    );
}
