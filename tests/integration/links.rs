//! Links: every internal link and asset reference is relative, points at a
//! file (`…/index.html`, never `…/`) that exists, with an anchor that exists;
//! links to content files by source path are rewritten or are errors.

use std::collections::BTreeMap;

use super::support::{TestSite, attributes, root_of};

/// Whether a link leaves the site (or stays on the page).
fn is_external(link: &str) -> bool {
    link.starts_with("http://")
        || link.starts_with("https://")
        || link.starts_with("mailto:")
        || link.starts_with("tel:")
        || link.starts_with("data:")
}

/// Resolves `link` (relative to the output file `from`) to an output path.
fn resolve(from: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in link.split('/') {
        match part {
            ".." => {
                parts.pop()?;
            }
            "." | "" => {}
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// The `id`s of an HTML text.
fn ids(html: &str) -> Vec<&str> {
    attributes(html, "id")
}

/// Checks every `href` and `src` of every page of an output folder.
fn check_links(site: &TestSite, output: &str, redirects: &[&str]) -> usize {
    let html: BTreeMap<String, String> = site.html(output);
    let files = site.files(output);
    let mut checked = 0;
    for (path, text) in &html {
        if path == "404.html" {
            continue; // rooted at the base path: checked in build.rs
        }
        let links = attributes(text, "href")
            .into_iter()
            .chain(attributes(text, "src"))
            .chain(
                // The refresh target of a redirect page.
                text.split("content=\"0; url=")
                    .skip(1)
                    .filter_map(|rest| rest.split('"').next()),
            );
        for link in links {
            if is_external(link) {
                continue;
            }
            assert!(!link.starts_with('/'), "{path}: {link} is not relative");
            let (file, fragment) = match link.split_once('#') {
                Some((file, fragment)) => (file, Some(fragment)),
                None => (link, None),
            };
            let file = file.split('?').next().unwrap_or_default();
            let target = if file.is_empty() {
                path.clone()
            } else {
                assert!(
                    !file.ends_with('/')
                        && file.rsplit('/').next().is_some_and(|n| n.contains('.')),
                    "{path}: {link} does not point at a file"
                );
                let target = resolve(path, file)
                    .unwrap_or_else(|| panic!("{path}: {link} leaves the output"));
                assert!(
                    files.contains_key(&target),
                    "{path}: {link} → {target} is not written"
                );
                target
            };
            if let (Some(fragment), Some(target_html)) = (fragment, html.get(&target)) {
                assert!(
                    ids(target_html).contains(&fragment),
                    "{path}: {link}: no id {fragment:?} in {target}"
                );
            }
            checked += 1;
        }
        if !redirects.contains(&path.as_str()) {
            assert!(text.contains("</html>"), "{path} is a whole page");
        }
    }
    checked
}

#[test]
fn every_internal_link_is_relative_and_points_at_a_written_file() {
    let site = TestSite::new("full");
    site.build(&[]).success();
    let checked = check_links(
        &site,
        "public",
        &[
            "old/knee-hug/index.html",
            "knee.html",
            "old-morning/index.html",
            "prep.html",
        ],
    );
    assert!(checked > 300, "only {checked} links checked");

    let site = TestSite::new("minimal");
    site.build(&["--drafts"]).success();
    assert!(check_links(&site, "public", &[]) > 100);
}

#[test]
fn links_work_from_an_output_folder_outside_the_site() {
    let site = TestSite::new("full");
    let out = site.parent().join("elsewhere/www");
    site.build(&["--output-dir", &out.display().to_string()])
        .success();
    assert!(!site.exists("public"));
    let moved = TestSite::empty();
    super::support::copy_tree(&out, &moved.path("public"));
    assert!(
        check_links(
            &moved,
            "public",
            &[
                "old/knee-hug/index.html",
                "knee.html",
                "old-morning/index.html",
                "prep.html"
            ]
        ) > 300
    );
}

#[test]
fn links_by_source_path_become_relative_urls() {
    let site = TestSite::new("full");
    site.build(&[]).success();
    let expect = [
        // From content/routines/: `../stretches/01-knee-to-chest.md#steps` and `@/when-to-get-help.md`.
        (
            "routines/morning/index.html",
            [
                "href=\"../../stretches/knee-to-chest/index.html#steps\"",
                "href=\"../../when-to-get-help/index.html\"",
            ],
        ),
        // From content/stretches/: a sibling by file name, with an anchor.
        (
            "stretches/seated-twist/index.html",
            [
                "href=\"../../stretches/knee-to-chest/index.html#steps\"",
                "href=\"../../when-to-get-help/index.html\"",
            ],
        ),
        // From content/guides/, a page one folder down published at the top.
        (
            "sleeping-positions/index.html",
            [
                "href=\"../stretches/seated-twist/index.html\"",
                "href=\"../routines/morning/index.html\"",
            ],
        ),
        // From the home page.
        (
            "index.html",
            [
                "href=\"routines/morning/index.html\"",
                "href=\"when-to-get-help/index.html\"",
            ],
        ),
    ];
    for (page, links) in expect {
        let html = site.read(&format!("public/{page}"));
        for link in links {
            assert!(html.contains(link), "{page} lacks {link}");
        }
        assert!(!html.contains(".md\""), "{page} keeps a link to a .md file");
    }
}

#[test]
fn percent_encoded_links_and_queries_to_content_files_resolve() {
    // Editors (VS Code, Obsidian) write `sleep%20tips.md` for a file with a
    // space in its name; Zola decodes it. Before the fix it was an error
    // ("no published content/sleep%20tips.md"), and a link with a `?query`
    // was left as a link to the `.md` file, broken in the output.
    let site = TestSite::new("minimal");
    site.write(
        "content/sleep tips.md",
        "+++\ntitle = \"Sleep tips\"\n+++\nSleep well.\n",
    );
    let routine = site.read("content/routines/morning.md");
    site.write(
        "content/routines/morning.md",
        &format!(
            "{routine}\n[a](../sleep%20tips.md) [b](@/sleep%20tips.md) \
             [c](../stretches/01-knee-hug.md?print=1#steps)\n"
        ),
    );
    site.build(&[]).success();
    let html = site.read("public/routines/morning/index.html");
    assert_eq!(
        html.matches("href=\"../../sleep-tips/index.html\"").count(),
        2,
        "{html}"
    );
    assert!(
        html.contains("href=\"../../stretches/knee-hug/index.html?print=1#steps\""),
        "{html}"
    );
    assert!(
        !html.contains(".md"),
        "a link to a .md file is left: {html}"
    );
    site.run(&["check"]).success();

    // Still an error when the decoded file is not there.
    site.write(
        "content/routines/morning.md",
        &format!("{routine}\n[a](../sleep%20more.md?x=1)\n"),
    );
    let run = site.build(&[]).failure();
    run.diagnostic("link `../sleep%20more.md?x=1` does not resolve: there is no published content/sleep more.md");
}

#[test]
fn a_link_that_does_not_resolve_is_an_error_at_its_place() {
    let site = TestSite::new("minimal");
    site.write(
        "content/routines/morning.md",
        "+++\ntitle = \"Morning routine\"\nstretches = [\"knee-hug\"]\n+++\n\nFirst [the tilt](../stretches/09-tilt.md#steps).\nThen [help](@/help.md).\n\n![The bed](@/images/bed.svg)\n",
    );
    let run = site.build(&[]).failure();
    let first = run.diagnostic("`../stretches/09-tilt.md#steps`");
    for fragment in [
        "error: link `../stretches/09-tilt.md#steps` does not resolve: there is no published content/stretches/09-tilt.md",
        " --> content/routines/morning.md:6:7",
        "6 | First [the tilt](../stretches/09-tilt.md#steps).",
        "  |       ^^^^^^^^^^",
        "help: a link to a `.md` file is read from the folder of the file it is in, content/routines/; `@/` reads it from content/, e.g. `@/stretches/01-knee-hug.md`",
    ] {
        assert!(first.contains(fragment), "lacks {fragment:?}:\n{first}");
    }
    let second = run.diagnostic("`@/help.md`");
    assert!(
        second.contains("there is no published content/help.md"),
        "{second}"
    );
    assert!(
        second.contains(" --> content/routines/morning.md:7:6"),
        "{second}"
    );
    assert!(
        second.contains("help: `@/` reads a path from content/, e.g. `@/stretches/01-knee-hug.md`"),
        "{second}"
    );
    let third = run.diagnostic("image `@/images/bed.svg` is written as a content file");
    assert!(
        third.contains(" --> content/routines/morning.md:9:1"),
        "{third}"
    );
    assert!(
        third.contains("help: put the picture under static/"),
        "{third}"
    );
    assert_eq!(run.errors(), 3, "{run}");
    assert!(run.stderr.contains("Build failed: 3 errors."), "{run}");
    assert!(!site.exists("public"));
}

#[test]
fn a_link_that_does_not_resolve_is_helped_to_the_file_it_most_likely_means() {
    // The help names a path that works from the file the link is in, never
    // the form it just refused.
    let site = TestSite::new("minimal");
    let help = std::fs::read_to_string(site.path("content/when-to-get-help.md")).expect("the page");
    site.write(
        "content/when-to-get-help.md",
        &format!("{help}\n[one](../stretches/01-knee-hug.md) [two](stretches/01-knee-hgu.md) [three](@/stretches/pelvic-tilt.md)\n"),
    );
    site.write(
        "content/routines/morning.md",
        "+++\ntitle = \"Morning routine\"\nstretches = [\"knee-hug\"]\n+++\n\n[tilt](stretches/02-pelvic-tilt.md)\n",
    );
    let run = site.build(&[]).failure();
    for (link, help) in [
        (
            "`../stretches/01-knee-hug.md` leaves content/",
            "help: did you mean `stretches/01-knee-hug.md` (or `@/stretches/01-knee-hug.md`)? A link to a `.md` file is read from the folder of the file it is in, content/;",
        ),
        (
            "`stretches/01-knee-hgu.md` does not resolve",
            "help: did you mean `stretches/01-knee-hug.md` (or `@/stretches/01-knee-hug.md`)?",
        ),
        (
            "`@/stretches/pelvic-tilt.md` does not resolve",
            "help: did you mean `@/stretches/02-pelvic-tilt.md`?",
        ),
        (
            "`stretches/02-pelvic-tilt.md` does not resolve",
            "help: did you mean `../stretches/02-pelvic-tilt.md` (or `@/stretches/02-pelvic-tilt.md`)? A link to a `.md` file is read from the folder of the file it is in, content/routines/;",
        ),
    ] {
        let diagnostic = run.diagnostic(link);
        assert!(diagnostic.contains(help), "lacks {help:?}:\n{diagnostic}");
    }
    assert_eq!(run.errors(), 4, "{run}");
}

#[test]
fn a_file_whose_front_matter_is_wrong_has_its_links_checked_in_the_same_run() {
    // Every problem in one run (SPEC §7): a broken link is not held back
    // until the front matter above it is mended.
    let site = TestSite::new("minimal");
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\nweigth = 2\n+++\n\nSee [gone](@/stretches/09-gone.md) and [hug](@/stretches/01-knee-hug.md).\n",
    );
    // Nor when the front matter is not even TOML; a link to such a file is
    // not reported again (its own errors are).
    site.write(
        "content/stretches/03-later.md",
        "+++\ntitle = \"Later\n+++\n\nBack to [about](../about.md), on to [nowhere](04-nowhere.md).\n",
    );
    site.write(
        "content/help.md",
        "+++\ntitle = \"Help\"\n+++\n\nSee [later](@/stretches/03-later.md).\n",
    );
    let run = site.build(&[]).failure();
    run.stderr_has(&[
        " --> content/about.md:3:1",
        "error: link `@/stretches/09-gone.md` does not resolve: there is no published content/stretches/09-gone.md",
        " --> content/about.md:6:5",
        "error: link `04-nowhere.md` does not resolve: there is no published content/stretches/04-nowhere.md",
        " --> content/stretches/03-later.md:5:37",
    ]);
    run.stderr_lacks(&[
        "link `@/stretches/01-knee-hug.md`",
        "link `../about.md`",
        "link `@/stretches/03-later.md`",
    ]);
    assert_eq!(
        run.errors(),
        4,
        "two front-matter errors, two links:\n{run}"
    );
    assert!(!site.exists("public"));
}
#[test]
fn email_autolinks_and_other_schemes_are_not_paths() {
    // `<info@clinic.md>` is an address (`.md` is Moldova's domain), and
    // `geo:` or `irc:` URLs are no files. The build called the first a link
    // to a content file that does not resolve (exit 1), and `gen check`
    // reported every email autolink and `geo:` link as a missing file.
    let site = TestSite::new("minimal");
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\n\nWrite to <info@clinic.md> or <help@example.org>, \
         find us on [the map](geo:37.786,-122.399), chat in [irc](irc:clinic.md).\n",
    );
    site.build(&[]).success();
    let html = site.read("public/about/index.html");
    for link in [
        "<a href=\"mailto:info@clinic.md\">info@clinic.md</a>",
        "<a href=\"mailto:help@example.org\">help@example.org</a>",
        "<a href=\"geo:37.786,-122.399\">the map</a>",
        "<a href=\"irc:clinic.md\">irc</a>",
    ] {
        assert!(html.contains(link), "lacks {link}: {html}");
    }
    let run = site.run(&["check"]).success();
    assert_eq!(run.errors(), 0, "{run}");
}

#[test]
fn a_link_to_a_draft_or_out_of_content_is_an_error() {
    let site = TestSite::new("minimal");
    site.write(
        "content/stretches/03-later.md",
        &super::support::stretch(&[("title", Some("\"Later\"")), ("draft", Some("true"))]),
    );
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\n\nSee [later](stretches/03-later.md) and [out](../README.md).\n",
    );
    let run = site.build(&[]).failure();
    run.stderr_has(&[
        "error: link `stretches/03-later.md` does not resolve: there is no published content/stretches/03-later.md",
        " --> content/about.md:5:5",
        "help: content/stretches/03-later.md is a draft, left out of the build: publish it (remove `draft`), or build with --drafts to preview it",
        "error: link `../README.md` leaves content/",
        " --> content/about.md:5:40",
    ]);
    // Reported in the same run as the site's other errors, which stop the
    // build before any page is rendered.
    site.write("gen.toml", "paginate_by = 0\n");
    let run = site.build(&[]).failure();
    run.diagnostic("`paginate_by`");
    run.diagnostic("error: link `stretches/03-later.md` does not resolve");
    site.remove("gen.toml");
    // With --drafts, the draft resolves.
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\n\nSee [later](stretches/03-later.md).\n",
    );
    site.build(&[]).failure();
    site.build(&["--drafts"]).success();
    assert!(
        site.read("public/about/index.html")
            .contains("href=\"../stretches/later/index.html\"")
    );
}

#[test]
fn script_urls_in_markdown_follow_raw_html() {
    // SPEC §7: raw HTML follows `markdown.raw_html`; like Hugo, a link that
    // would run script (`javascript:`, `vbscript:`, `data:` other than a
    // picture) is left out unless raw HTML is allowed.
    let site = TestSite::new("minimal");
    site.replace(
        "content/when-to-get-help.md",
        "Some signs",
        "[a](javascript:alert(1)) <vbscript:x> [b](data:text/html,x) ![c](data:image/png;base64,AA)\n\nSome signs",
    );
    let run = site.build(&[]).success();
    // Each address left out is a warning at its place, as raw HTML is.
    let line = site
        .read("content/when-to-get-help.md")
        .lines()
        .position(|l| l.starts_with("[a](javascript"))
        .map(|i| i + 1)
        .expect("the line written above");
    let d = run.diagnostic("the address `javascript:alert(1)` is left out");
    assert!(
        d.contains(&format!("content/when-to-get-help.md:{line}:1\n")),
        "{d}"
    );
    assert!(d.contains("`raw_html = true`"), "{d}");
    let d = run.diagnostic("the address `data:text/html,x` is left out");
    assert!(
        d.contains(&format!("content/when-to-get-help.md:{line}:")),
        "{d}"
    );
    run.stderr_lacks(&["`data:image/png"]);
    let html = site.read("public/when-to-get-help/index.html");
    for bad in ["javascript:", "vbscript:", "data:text"] {
        assert!(!html.contains(&format!("=\"{bad}")), "{bad} in\n{html}");
    }
    // The words stay, with no link: not even an empty one (`href=""` would
    // lead to the page itself).
    assert!(html.contains("<p>a vbscript:x b <img"), "{html}");
    assert!(!html.contains("href=\"\""), "{html}");
    assert!(html.contains("src=\"data:image/png;base64,AA\""), "{html}");

    site.write("gen.toml", "[markdown]\nraw_html = true\n");
    let run = site.build(&[]).success();
    run.stderr_lacks(&["is left out"]);
    let html = site.read("public/when-to-get-help/index.html");
    assert!(html.contains("href=\"javascript:alert(1)\""), "{html}");
}

#[test]
fn links_to_folders_are_written_as_their_index_html() {
    // SPEC §3: links point at files, so the output works opened from disk.
    // A relative link to a folder the site writes an index.html into is
    // written as that file, query and fragment kept; one to a folder the
    // site does not have is kept as written, and `gen check` reports it.
    let site = TestSite::new("full");
    site.replace(
        "content/before-you-start.md",
        "Read this first.",
        "Read this first: [a](../stretches/), [b](./), [c](../routines/morning/handout/), \
         [d](../stretches/?sort=title#main), [e](..), [f](../nowhere/), \
         [g](../stretches), [h](../routines/morning/handout#main).",
    );
    site.replace(
        "content/stretches/02-pelvic-tilt.md",
        "## Steps",
        "See [the library](../) and [the start](../../).\r\n\r\n## Steps",
    );
    site.build(&[]).success();
    let html = site.read("public/before-you-start/index.html");
    for (text, href) in [
        ("a", "../stretches/index.html"),
        ("b", "./index.html"),
        ("c", "../routines/morning/handout/index.html"),
        ("d", "../stretches/index.html?sort=title#main"),
        ("e", "../index.html"),
        ("f", "../nowhere/"),
        ("g", "../stretches/index.html"),
        ("h", "../routines/morning/handout/index.html#main"),
    ] {
        let link = format!("<a href=\"{href}\">{text}</a>");
        assert!(html.contains(&link), "lacks {link}");
    }
    let html = site.read("public/stretches/pelvic-tilt/index.html");
    assert!(
        html.contains("href=\"../index.html\">the library"),
        "{html}"
    );
    assert!(
        html.contains("href=\"../../index.html\">the start"),
        "{html}"
    );

    let run = site.run(&["check"]).failure();
    assert_eq!(run.errors(), 1, "{run}");
    let d = run.diagnostic("link `../nowhere/` points at nowhere");
    assert!(d.contains(" --> content/before-you-start.md:"), "{d}");

    // A folder that appears later (here an alias's redirect page) is linked
    // as a file from then on: the rebuild does not reuse the old page.
    site.replace(
        "content/when-to-get-help.md",
        "role: red-flags\n",
        "role: red-flags\naliases: [\"/nowhere/\"]\n",
    );
    site.build(&[]).success();
    let html = site.read("public/before-you-start/index.html");
    assert!(
        html.contains("<a href=\"../nowhere/index.html\">f</a>"),
        "{html}"
    );
    site.run(&["check"]).success();
    let redirects = [
        "old/knee-hug/index.html",
        "knee.html",
        "old-morning/index.html",
        "prep.html",
        "nowhere/index.html",
    ];
    assert!(check_links(&site, "public", &redirects) > 300);
}

#[test]
fn an_image_file_name_with_url_characters_is_linked_percent_encoded() {
    // A drawing named `knee #1 50%.svg` was linked as written: the browser
    // asked for `knee ` (the rest taken as a fragment) and the drawing was
    // missing on the stretch, list, term and handout pages.
    let site = TestSite::new("minimal");
    site.write(
        "content/stretches/knee #1 50%.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><rect width=\"10\" height=\"10\"/></svg>\n",
    );
    site.replace(
        "content/stretches/01-knee-hug.md",
        "+++\ntitle",
        "+++\nimage = \"knee #1 50%.svg\"\ntitle",
    );
    site.build(&[]).success();
    assert!(site.exists("public/stretches/knee-hug/knee #1 50%.svg"));
    let encoded = "stretches/knee-hug/knee%20%231%2050%25.svg";
    let mut pages = 0;
    for (path, html) in site.html("public") {
        for src in attributes(&html, "src") {
            assert!(!src.contains("knee #1"), "{path}: {src}");
            if src.ends_with(".svg") && src.contains("knee") {
                assert_eq!(src, format!("{}{encoded}", root_of(&path)), "{path}");
                pages += 1;
            }
        }
    }
    // The stretch's page, the library, its term pages and the handouts.
    assert!(pages >= 5, "the drawing is on {pages} pages");
}
