//! `gen build`: the output layout of SPEC §3, drafts, base URLs, aliases,
//! pagination, templates and the handout.

use super::support::{TestSite, attributes, root_of};

/// Every file SPEC §3 lists for the `minimal` fixture (no gen.toml, no themes/).
const MINIMAL_FILES: &[&str] = &[
    "index.html",
    "stretches/index.html",
    "stretches/knee-hug/index.html",
    "stretches/pelvic-tilt/index.html",
    "routines/index.html",
    "routines/morning/index.html",
    "routines/morning/handout/index.html",
    "handout/index.html",
    "when-to-get-help/index.html",
    "positions/index.html",
    "positions/supine/index.html",
    "targets/index.html",
    "targets/lower-back/index.html",
    "targets/core/index.html",
    "404.html",
    "highlight.css",
    "css/style.css",
    "css/handout.css",
    "css/fonts.css",
    "favicon.svg",
    "illustrations/supine.svg",
];

/// Every file the `full` fixture must give.
const FULL_FILES: &[&str] = &[
    "index.html",
    "stretches/index.html",
    "stretches/page/2/index.html",
    "stretches/page/3/index.html",
    "stretches/knee-to-chest/index.html",
    "stretches/knee-to-chest/01-knee-to-chest.svg",
    "stretches/pelvic-tilt/index.html",
    "stretches/cat-cow/index.html",
    "stretches/seated-twist/index.html",
    "stretches/prone-press-up/index.html",
    "routines/index.html",
    "routines/morning/index.html",
    "routines/evening/index.html",
    "routines/morning/handout/index.html",
    "routines/evening/handout/index.html",
    "handout/index.html",
    "before-you-start/index.html",
    "when-to-get-help/index.html",
    "sleeping-positions/index.html",
    "positions/index.html",
    "positions/supine/index.html",
    "positions/kneeling/index.html",
    "positions/seated/index.html",
    "positions/prone/index.html",
    "targets/index.html",
    "targets/lower-back/index.html",
    "targets/lower-back/page/2/index.html",
    "targets/glutes/index.html",
    "targets/core/index.html",
    "targets/spine/index.html",
    "404.html",
    "sitemap.xml",
    "highlight.css",
    "images/bed.svg",
    "robots.txt",
    "old/knee-hug/index.html",
    "knee.html",
    "old-morning/index.html",
    "prep.html",
];

/// What drafts would give in the `full` fixture.
const FULL_DRAFT_FILES: &[&str] = &[
    "stretches/standing-reach/index.html",
    "routines/draft-routine/index.html",
    "routines/draft-routine/handout/index.html",
    "draft-page/index.html",
    "positions/standing/index.html",
    "targets/shoulders/index.html",
];

/// Redirect pages (aliases) of the `full` fixture.
const FULL_REDIRECTS: &[&str] = &[
    "old/knee-hug/index.html",
    "knee.html",
    "old-morning/index.html",
    "prep.html",
];

/// Whether an output path of the `full` fixture is a redirect page: an
/// alias's, or the `page/1/` of a paginated list.
fn is_redirect(path: &str) -> bool {
    FULL_REDIRECTS.contains(&path) || path.ends_with("/page/1/index.html")
}

#[track_caller]
fn assert_files(site: &TestSite, output: &str, expected: &[&str]) {
    let missing: Vec<&&str> = expected
        .iter()
        .filter(|f| !site.exists(&format!("{output}/{f}")))
        .collect();
    assert!(missing.is_empty(), "missing from {output}/: {missing:?}");
}

#[test]
fn a_site_without_gen_toml_or_themes_builds_with_the_built_in_theme() {
    let site = TestSite::new("minimal");
    assert!(!site.exists("themes") && !site.exists("gen.toml"));
    let run = site.build(&[]).success();
    assert_files(&site, "public", MINIMAL_FILES);
    assert!(run.stderr.is_empty(), "no warnings: {run}");
    // One summary line: what it wrote and how long it took.
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{run}");
    assert!(
        lines[0].starts_with("Built 15 pages (") && lines[0].contains(" ms"),
        "{run}"
    );
    assert!(lines[0].contains(&site.path("public").display().to_string()));
    // The built-in theme's stylesheet is the one in the repository.
    let theme_css = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("themes/default/static/css/style.css"),
    )
    .unwrap();
    assert_eq!(
        std::fs::read(site.path("public/css/style.css")).unwrap(),
        theme_css
    );
}

#[test]
fn the_full_site_gives_every_file_of_the_layout() {
    let site = TestSite::new("full");
    let run = site.build(&[]).success();
    assert!(run.stderr.is_empty(), "no warnings: {run}");
    assert_files(&site, "public", FULL_FILES);
    for draft in FULL_DRAFT_FILES {
        assert!(
            !site.exists(&format!("public/{draft}")),
            "draft {draft} was written"
        );
    }
    assert!(!site.exists("public/stretches/page/4/index.html"));
    assert!(!site.exists("public/targets/lower-back/page/3/index.html"));
    // Static files are copied verbatim.
    assert_eq!(
        site.read("public/robots.txt"),
        site.read("static/robots.txt")
    );
    assert_eq!(
        site.read("public/images/bed.svg"),
        site.read("static/images/bed.svg")
    );
    assert_eq!(
        site.read("public/stretches/knee-to-chest/01-knee-to-chest.svg"),
        site.read("content/stretches/01-knee-to-chest.svg")
    );
    // Drafts are nowhere: not in lists, not in the sitemap.
    let all = site.html("public");
    for (path, html) in &all {
        assert!(!html.contains("Standing reach"), "{path} lists a draft");
        assert!(!html.contains("Draft page"), "{path} lists a draft");
    }
    assert!(!site.read("public/sitemap.xml").contains("standing-reach"));
}

#[test]
fn drafts_flag_includes_drafts() {
    let site = TestSite::new("full");
    site.build(&["--drafts"]).success();
    assert_files(&site, "public", FULL_DRAFT_FILES);
    // Six stretches, two a page: the draft (06-…) is last, on page 3.
    let last = site.read("public/stretches/page/3/index.html");
    assert!(last.contains("Prone press-up") && last.contains("Standing reach"));
    assert!(
        site.read("public/routines/index.html")
            .contains("Draft routine")
    );
    assert!(
        site.read("public/sitemap.xml")
            .contains("/stretches/standing-reach/")
    );
}

#[test]
fn sitemap_and_canonical_links_only_with_base_url() {
    let site = TestSite::new("minimal");
    site.build(&[]).success();
    assert!(!site.exists("public/sitemap.xml"));
    for (path, html) in site.html("public") {
        assert!(
            !html.contains("rel=\"canonical\""),
            "{path} has a canonical link"
        );
        assert!(
            !html.contains("aria-label=\"QR code"),
            "{path} has a QR code"
        );
    }

    let site = TestSite::new("full");
    site.build(&[]).success();
    let sitemap = site.read("public/sitemap.xml");
    for url in [
        "https://example.org/back/",
        "https://example.org/back/stretches/knee-to-chest/",
        "https://example.org/back/routines/evening/",
        "https://example.org/back/when-to-get-help/",
        "https://example.org/back/targets/lower-back/",
    ] {
        assert!(
            sitemap.contains(&format!("<loc>{url}</loc>")),
            "{url} not in\n{sitemap}"
        );
    }
    assert!(!sitemap.contains("https://example.org/back//"), "{sitemap}");
    for (path, html) in site.html("public") {
        if path == "404.html" || is_redirect(&path) {
            continue;
        }
        // The main routine's copy of its handout names the routine's own.
        let own = match path.as_str() {
            "handout/index.html" => "routines/evening/handout/",
            _ => path.strip_suffix("index.html").unwrap_or(&path),
        };
        let expected = format!("<link rel=\"canonical\" href=\"https://example.org/back/{own}\">");
        assert!(html.contains(&expected), "{path} lacks {expected}");
    }
    assert!(!site.read("public/404.html").contains("rel=\"canonical\""));
}

#[test]
fn the_sitemap_lists_every_page_that_names_itself_canonical() {
    // Later pages of the library and of term pages have canonical links to
    // themselves; the sitemap left them out. It lists exactly the pages
    // whose canonical link is their own address (Zola lists them too).
    let site = TestSite::new("full");
    site.build(&[]).success();
    let sitemap = site.read("public/sitemap.xml");
    let base = "https://example.org/back/";
    let mut listed: Vec<String> = sitemap
        .split("<loc>")
        .skip(1)
        .filter_map(|rest| rest.split_once("</loc>"))
        .map(|(url, _)| url.to_string())
        .collect();
    let mut canonical: Vec<String> = Vec::new();
    for (path, html) in site.html("public") {
        let own = path.strip_suffix("index.html").unwrap_or(&path);
        let url = format!("{base}{own}");
        if html.contains(&format!("<link rel=\"canonical\" href=\"{url}\">")) {
            canonical.push(url);
        }
    }
    listed.sort();
    canonical.sort();
    assert_eq!(listed, canonical, "{sitemap}");
    for url in [
        "https://example.org/back/stretches/page/3/",
        "https://example.org/back/targets/lower-back/page/2/",
    ] {
        assert!(listed.contains(&url.to_string()), "{url} not in\n{sitemap}");
    }
}

#[test]
fn the_main_handouts_canonical_link_and_the_sitemap_name_the_routines_handout() {
    // handout/index.html is a copy of routines/<main>/handout/index.html:
    // its canonical link names the routine's handout, which the sitemap
    // lists, and the copy is not listed.
    let site = TestSite::new("full");
    site.build(&[]).success();
    let evening = "https://example.org/back/routines/evening/handout/";
    let canonical = format!("<link rel=\"canonical\" href=\"{evening}\">");
    for path in ["handout/index.html", "routines/evening/handout/index.html"] {
        let html = site.read(&format!("public/{path}"));
        assert!(html.contains(&canonical), "{path} lacks {canonical}");
        assert_eq!(html.matches("rel=\"canonical\"").count(), 1, "{path}");
    }
    let sitemap = site.read("public/sitemap.xml");
    assert!(
        sitemap.contains(&format!("<loc>{evening}</loc>")),
        "{sitemap}"
    );
    assert!(
        !sitemap.contains("<loc>https://example.org/back/handout/</loc>"),
        "{sitemap}"
    );
    // Without base_url neither has a canonical link, and they stay alike.
    site.replace("gen.toml", "base_url = \"https://example.org/back\"\n", "");
    site.build(&[]).success();
    let main = site.read("public/handout/index.html");
    assert!(!main.contains("rel=\"canonical\""), "{main}");
    assert_eq!(
        main,
        site.read("public/routines/evening/handout/index.html")
            .replace("../../../", "../")
    );
}

#[test]
fn redirect_pages_have_no_canonical_link_without_base_url() {
    let site = TestSite::new("full");
    site.replace("gen.toml", "base_url = \"https://example.org/back\"\n", "");
    site.build(&[]).success();
    for path in FULL_REDIRECTS {
        let html = site.read(&format!("public/{path}"));
        assert!(!html.contains("rel=\"canonical\""), "{path}:\n{html}");
    }
    assert!(!site.exists("public/sitemap.xml"));
}

#[test]
fn base_url_flag_overrides_gen_toml() {
    let site = TestSite::new("full");
    site.build(&["--base-url", "https://cdn.example.com/site"])
        .success();
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains("<loc>https://cdn.example.com/site/routines/morning/</loc>"));
    assert!(!sitemap.contains("example.org"), "{sitemap}");
    assert!(
        site.read("public/index.html")
            .contains("<link rel=\"canonical\" href=\"https://cdn.example.com/site/\">")
    );
    let not_found = site.read("public/404.html");
    assert!(
        not_found.contains("href=\"/site/stretches/index.html\""),
        "{not_found}"
    );
    // The QR code and the footer of the handout carry the new address.
    let handout = site.read("public/routines/morning/handout/index.html");
    assert!(handout.contains("https://cdn.example.com/site/routines/morning/"));

    // And on a site without base_url, it turns sitemap and canonical links on.
    let site = TestSite::new("minimal");
    site.build(&["--base-url", "https://example.net/"])
        .success();
    assert!(
        site.read("public/sitemap.xml")
            .contains("<loc>https://example.net/stretches/knee-hug/</loc>")
    );
    assert!(
        site.read("public/stretches/knee-hug/index.html")
            .contains("<link rel=\"canonical\" href=\"https://example.net/stretches/knee-hug/\">")
    );
}

#[test]
fn a_bad_base_url_flag_is_an_error() {
    let site = TestSite::new("minimal");
    let run = site.build(&["--base-url", "example.org/back"]).failure();
    run.stderr_has(&[
        "error: --base-url \"example.org/back\" is not a web address",
        "help: write the full address, e.g. `https://example.org/back/`",
    ]);
    assert!(!site.exists("public"));

    // Page paths are joined after the base URL: a query or fragment would
    // swallow them (`https://e.org/back/?q=1#f/stretches/…`).
    for url in ["https://example.org/back/?q=1", "https://example.org/#top"] {
        let run = site.build(&["--base-url", url]).failure();
        run.stderr_has(&["is not a web address", "without `?` or `#`"]);
    }
    // A host or port no browser opens would be printed on every page, in the
    // sitemap and in the handout's QR code.
    for (url, help) in [
        (
            "https://example.org:99999/",
            "must be a number from 1 to 65535",
        ),
        (
            "https://example.org:abc/",
            "must be a number from 1 to 65535",
        ),
        ("https://.../", "is not a host name"),
        ("https://example.org\\back/", "is not a host name"),
    ] {
        let run = site.build(&["--base-url", url]).failure();
        run.stderr_has(&["is not a web address", help]);
    }
    assert!(!site.exists("public"));
    site.build(&["--base-url", "https://Example.ORG:8080/back"])
        .success();
    assert!(
        site.read("public/index.html")
            .contains("<link rel=\"canonical\" href=\"https://example.org:8080/back/\">")
    );
    std::fs::remove_dir_all(site.path("public")).expect("removed");

    site.write("gen.toml", "base_url = \"https://example.org/?x\"\n");
    let run = site.build(&[]).failure();
    let d = run.diagnostic("`base_url` \"https://example.org/?x\" is not a web address");
    assert!(d.contains(" --> gen.toml:1:12"), "{d}");
    assert!(!site.exists("public"));
}

#[test]
fn not_found_page_links_are_rooted_at_the_base_path() {
    let site = TestSite::new("minimal");
    site.build(&[]).success();
    let html = site.read("public/404.html");
    let links: Vec<&str> = attributes(&html, "href")
        .into_iter()
        .filter(|h| !h.starts_with('#'))
        .collect();
    assert!(!links.is_empty());
    for link in &links {
        assert!(
            link.starts_with('/') && !link.starts_with("//"),
            "{link} in\n{html}"
        );
    }
    assert!(links.contains(&"/when-to-get-help/index.html"), "{links:?}");
    assert!(links.contains(&"/css/style.css"), "{links:?}");

    let site = TestSite::new("full");
    site.build(&[]).success();
    let html = site.read("public/404.html");
    for link in attributes(&html, "href")
        .into_iter()
        .chain(attributes(&html, "src"))
    {
        if !link.starts_with('#') {
            assert!(link.starts_with("/back/"), "{link} in 404.html");
        }
    }
}

#[test]
fn a_base_url_with_doubled_or_dot_segments_roots_404_on_this_host() {
    // `//back/` on 404.html would be a link to the host `back`; the path is
    // resolved as a browser would and joined with exactly one slash.
    let site = TestSite::new("minimal");
    for url in [
        "https://example.org//back//",
        "https://example.org/back/./x/../",
    ] {
        site.build(&["--base-url", url]).success();
        let html = site.read("public/404.html");
        for link in attributes(&html, "href")
            .into_iter()
            .chain(attributes(&html, "src"))
            .filter(|l| !l.starts_with('#'))
        {
            assert!(link.starts_with("/back/"), "{url}: {link} in 404.html");
        }
        assert!(
            site.read("public/sitemap.xml")
                .contains("<loc>https://example.org/back/stretches/knee-hug/</loc>"),
            "{url}"
        );
        assert!(
            site.read("public/stretches/knee-hug/index.html").contains(
                "<link rel=\"canonical\" href=\"https://example.org/back/stretches/knee-hug/\">"
            ),
            "{url}"
        );
    }
}

#[test]
fn aliases_get_redirect_pages_to_the_new_address() {
    let site = TestSite::new("full");
    site.build(&[]).success();
    let expect = [
        (
            "old/knee-hug/index.html",
            "../../stretches/knee-to-chest/index.html",
            "Knee-to-chest pull",
        ),
        (
            "knee.html",
            "stretches/knee-to-chest/index.html",
            "Knee-to-chest pull",
        ),
        (
            "old-morning/index.html",
            "../routines/morning/index.html",
            "Morning routine",
        ),
        (
            "prep.html",
            "before-you-start/index.html",
            "Before you start",
        ),
    ];
    for (alias, target, title) in expect {
        let html = site.read(&format!("public/{alias}"));
        assert!(
            html.contains(&format!(
                "<meta http-equiv=\"refresh\" content=\"0; url={target}\">"
            )),
            "{alias}:\n{html}"
        );
        assert!(
            html.contains(&format!("<a href=\"{target}\">{title}</a>")),
            "{alias}:\n{html}"
        );
        assert!(
            html.contains("<meta name=\"robots\" content=\"noindex\">"),
            "{alias}:\n{html}"
        );
        assert!(
            site.exists(&format!("public/{}", resolve(alias, target))),
            "{alias} → {target}"
        );
        assert!(
            html.contains("<html lang=\"en-GB\">"),
            "{alias} keeps the site's language:\n{html}"
        );
    }
}

#[test]
fn an_alias_with_a_final_slash_is_a_folder_even_named_html() {
    // `/old.html/` was written as the file `old.html`: a request for
    // `/old.html/` looks for a folder and found nothing.
    let site = TestSite::new("minimal");
    site.replace(
        "content/stretches/01-knee-hug.md",
        "+++\ntitle",
        "+++\naliases = [\"/old.html/\", \"/older.htm\"]\ntitle",
    );
    site.build(&[]).success();
    let html = site.read("public/old.html/index.html");
    assert!(
        html.contains("url=../stretches/knee-hug/index.html\""),
        "{html}"
    );
    let html = site.read("public/older.htm");
    assert!(
        html.contains("url=stretches/knee-hug/index.html\""),
        "{html}"
    );
}

#[test]
fn a_percent_encoded_alias_is_written_where_the_host_looks() {
    // A host decodes a request's escapes before it looks the file up: an old
    // address copied from the browser (`/r%C3%BCcken/`, `/old%20name/`) was
    // written as the folder `r%C3%BCcken/`, which no request reaches.
    let site = TestSite::new("minimal");
    site.replace(
        "content/stretches/01-knee-hug.md",
        "+++\ntitle",
        "+++\naliases = [\"/r%C3%BCcken/\", \"/old%20name/\", \"/KNEE%2dhug.html\"]\ntitle",
    );
    site.build(&[]).success();
    for (alias, target) in [
        ("rücken/index.html", "../stretches/knee-hug/index.html"),
        ("old name/index.html", "../stretches/knee-hug/index.html"),
        ("KNEE-hug.html", "stretches/knee-hug/index.html"),
    ] {
        let html = site.read(&format!("public/{alias}"));
        assert!(
            html.contains(&format!("url={target}\"")),
            "{alias}:\n{html}"
        );
    }
    assert!(!site.exists("public/r%C3%BCcken"));

    // An escaped `..` is `..`: not a path inside the site.
    site.replace(
        "content/stretches/01-knee-hug.md",
        "\"/r%C3%BCcken/\"",
        "\"/%2e%2e/x/\"",
    );
    site.build(&[])
        .failure()
        .stderr_has(&["alias \"/%2e%2e/x/\" is not a path inside the site"]);
}

/// The text of an HTML page: tags dropped, no-break spaces as plain ones.
fn text_of(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            '\u{a0}' if !in_tag => text.push(' '),
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// Resolves a relative link from an output file to an output path.
fn resolve(from: &str, link: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in link.split('/') {
        match part {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            p => parts.push(p),
        }
    }
    parts.join("/")
}

#[test]
fn a_site_template_overrides_the_theme_file_by_file() {
    let site = TestSite::new("full");
    site.build(&[]).success();
    // templates/page.html wins for pages...
    for page in ["when-to-get-help", "before-you-start", "sleeping-positions"] {
        let html = site.read(&format!("public/{page}/index.html"));
        assert!(html.contains("data-template=\"site-override\""), "{page}");
    }
    // ...and only for pages: the theme's other templates still serve.
    for other in [
        "index.html",
        "stretches/knee-to-chest/index.html",
        "routines/morning/index.html",
    ] {
        assert!(
            !site
                .read(&format!("public/{other}"))
                .contains("site-override"),
            "{other}"
        );
    }
    // `extra` tables reach templates untouched.
    let sleeping = site.read("public/sleeping-positions/index.html");
    assert!(
        sleeping.contains("<p class=\"author\">A. Physio</p>"),
        "{sleeping}"
    );
    assert!(
        sleeping.contains("<p class=\"clinic\">Riverside Physio</p>"),
        "{sleeping}"
    );

    // Without the override, the same page comes from the theme.
    site.remove("templates/page.html");
    site.build(&[]).success();
    assert!(
        !site
            .read("public/when-to-get-help/index.html")
            .contains("site-override")
    );
}

/// `nav[].href` links each menu entry from the page being rendered: up from
/// a nested page, and from the site's base path on the not-found page.
#[test]
fn menu_entries_link_from_the_page_being_rendered() {
    let site = TestSite::new("full");
    site.write(
        "templates/partials/header.html",
        "<ul class=\"test-nav\">{% for item in nav %}<li data-current=\"{{ item.current }}\">{{ item.href }}</li>{% endfor %}</ul>\n",
    );
    site.build(&[]).success();
    let menu = |page: &str| {
        let html = site.read(&format!("public/{page}"));
        let start = html.find("<ul class=\"test-nav\">").expect("the test menu");
        let end = start + html[start..].find("</ul>").expect("its end");
        html[start..end].to_string()
    };
    let stretch = menu("stretches/knee-to-chest/index.html");
    assert!(
        stretch.contains("<li data-current=\"false\">../../index.html</li>"),
        "{stretch}"
    );
    assert!(
        stretch.contains(">../../stretches/index.html</li>"),
        "{stretch}"
    );
    let library = menu("stretches/index.html");
    assert!(
        library.contains("<li data-current=\"true\">../stretches/index.html</li>"),
        "{library}"
    );
    let not_found = menu("404.html");
    assert!(not_found.contains(">/back/index.html</li>"), "{not_found}");
}

#[test]
fn the_red_flags_page_is_linked_from_every_page() {
    for (fixture, not_found_root) in [("minimal", "/"), ("full", "/back/")] {
        let site = TestSite::new(fixture);
        site.build(&[]).success();
        for (path, html) in site.html("public") {
            if is_redirect(&path) {
                continue;
            }
            let root = if path == "404.html" {
                not_found_root.to_string()
            } else {
                root_of(&path)
            };
            let href = format!("href=\"{root}when-to-get-help/index.html\"");
            assert!(html.contains(&href), "{fixture}: {path} lacks {href}");
            if path.ends_with("handout/index.html") {
                // On the handout it is navigation: on screen, not on paper.
                let bar = html
                    .split_once("<header class=\"screen-bar screen-only\">")
                    .and_then(|(_, rest)| rest.split_once("</header>"))
                    .map_or("", |(bar, _)| bar);
                assert!(
                    bar.contains(&href),
                    "{fixture}: {path}'s screen bar lacks {href}"
                );
            }
        }
    }
}

#[test]
fn the_handout_carries_the_routine_and_the_red_flag_points() {
    let site = TestSite::new("minimal");
    site.build(&[]).success();
    let main = site.read("public/handout/index.html");
    assert_eq!(
        main,
        site.read("public/routines/morning/handout/index.html")
            .replace("../../../", "../"),
        "the main handout is the only routine's"
    );
    // Compare the text: without tags, no-break spaces as plain ones.
    let main = text_of(&main);
    assert!(
        main.contains("2 stretches · about 1–2 minutes of holding"),
        "{main}"
    );
    assert!(main.contains("Lying on your back · hold 20–30 s · each side · once"));
    assert!(main.contains("Lying on your back · hold 3–5 s · 10 times"));
    assert!(main.contains("Pain that shoots down a leg: see a doctor."));
    assert!(
        main.contains("Stop if you feel sharp pain."),
        "the main caution"
    );
    assert!(
        !main.contains("Lower back"),
        "targets are on the web pages only"
    );

    // handout.routine picks the main routine even when it is not the lightest.
    let site = TestSite::new("full");
    site.build(&[]).success();
    let html = site.read("public/handout/index.html");
    assert!(
        html.contains("aria-label=\"QR code for https://example.org/back/routines/evening/\""),
        "a QR code of the routine's page with base_url"
    );
    let main = text_of(&html);
    assert!(main.contains("Handout: Evening routine"), "{main}");
    assert!(main.contains("3 stretches · "), "{main}");
    assert!(main.contains("Breathe slowly."), "preparation points");
    assert!(
        main.contains("Fever with back pain: get help urgently."),
        "red-flag points"
    );
    assert!(
        main.contains("https://example.org/back/routines/evening/"),
        "the footer's address"
    );
    assert!(main.contains("2026-01-05"), "the updated date");
    assert!(main.contains("General guidance, not a diagnosis"));
    let morning = text_of(&site.read("public/routines/morning/handout/index.html"));
    assert!(morning.contains("Handout: Morning routine"));
    assert!(
        morning.contains("2026-11-23"),
        "a TOML date is printed as written"
    );
}

#[test]
fn the_main_routine_is_the_lightest_without_handout_routine() {
    let site = TestSite::new("full");
    site.replace("gen.toml", "routine = \"evening\"\n", "");
    site.build(&[]).success();
    assert!(
        site.read("public/handout/index.html")
            .contains("<h1>Morning routine</h1>")
    );
}

#[test]
fn lists_and_terms_are_paginated() {
    let site = TestSite::new("full");
    site.build(&[]).success();
    let page = |n: usize| {
        let path = if n == 1 {
            "public/stretches/index.html".to_string()
        } else {
            format!("public/stretches/page/{n}/index.html")
        };
        site.read(&path)
    };
    // paginate_by = 2, five published stretches in file-name order.
    let titles = [
        (1, ["Knee-to-chest pull", "Pelvic tilt"].as_slice()),
        (2, ["Cat–cow on all fours", "Seated twist"].as_slice()),
        (3, ["Prone press-up"].as_slice()),
    ];
    for (n, expected) in titles {
        let html = page(n);
        for title in expected {
            assert!(html.contains(title), "page {n} lacks {title}");
        }
        for (m, others) in titles {
            if m != n {
                for title in others {
                    assert!(
                        !html.contains(&format!(">{title}<")),
                        "page {n} holds {title}"
                    );
                }
            }
        }
    }
    assert!(page(1).contains("href=\"../stretches/page/2/index.html\" rel=\"next\""));
    assert!(!page(1).contains("rel=\"prev\""));
    assert!(page(2).contains("href=\"../../../stretches/index.html\" rel=\"prev\""));
    assert!(page(2).contains("href=\"../../../stretches/page/3/index.html\" rel=\"next\""));
    assert!(page(3).contains("href=\"../../../stretches/page/2/index.html\" rel=\"prev\""));
    assert!(!page(3).contains("rel=\"next\""));

    // A term: `Lower back` and `lower back` are one term of three stretches.
    let first = site.read("public/targets/lower-back/index.html");
    let second = site.read("public/targets/lower-back/page/2/index.html");
    assert!(first.contains("Knee-to-chest pull") && first.contains("Pelvic tilt"));
    assert!(second.contains("Cat–cow on all fours"));
    assert!(second.contains("href=\"../../../../targets/lower-back/index.html\" rel=\"prev\""));
    let targets = site.read("public/targets/index.html");
    assert_eq!(
        targets.matches("lower-back/index.html\"").count(),
        1,
        "{targets}"
    );
    assert!(!targets.contains("lower-back-1"), "{targets}");
}

#[test]
fn page_one_of_every_paginated_list_redirects_to_its_first_page() {
    // Zola and Hugo write `<list>/page/1/` as a redirect to the list, so an
    // address made by counting pages down finds the first one too; gen
    // wrote only page 2 onward, and `stretches/page/1/` was a 404.
    let site = TestSite::new("full");
    site.build(&[]).success();
    for (redirect, target, title) in [
        (
            "stretches/page/1/index.html",
            "stretches/index.html",
            "Stretches",
        ),
        (
            "targets/lower-back/page/1/index.html",
            "targets/lower-back/index.html",
            "Lower back",
        ),
    ] {
        let html = site.read(&format!("public/{redirect}"));
        let url = format!("{}{target}", root_of(redirect));
        assert!(
            html.contains(&format!(
                "<meta http-equiv=\"refresh\" content=\"0; url={url}\">"
            )),
            "{redirect}:\n{html}"
        );
        assert!(
            html.contains(&format!("<a href=\"{url}\">{title}</a>")),
            "{redirect}:\n{html}"
        );
        assert!(html.contains("<meta name=\"robots\" content=\"noindex\">"));
        let own = target.strip_suffix("index.html").unwrap_or(target);
        assert!(
            html.contains(&format!(
                "<link rel=\"canonical\" href=\"https://example.org/back/{own}\">"
            )),
            "{redirect}:\n{html}"
        );
    }
    // A list of one page has no `page/` folder to count down in: no
    // redirect either (on a small site it would be most of the folders).
    assert!(site.exists("public/positions/supine/index.html"));
    assert!(!site.exists("public/positions/supine/page"));
    // Redirects are not in the sitemap.
    let sitemap = site.read("public/sitemap.xml");
    assert!(!sitemap.contains("/page/1/"), "{sitemap}");
    // The path is taken, as page 2's is: an alias may not claim it.
    site.replace(
        "content/stretches/04-seated-twist.md",
        "+++\n",
        "+++\naliases = [\"/stretches/page/1/\"]\n",
    );
    site.build(&[]).failure().stderr_has(&[
        "alias \"/stretches/page/1/\" collides with stretches/page/1/index.html, the redirect from page/1/ to the stretch library",
    ]);
}

#[test]
fn front_matter_values_are_html_escaped() {
    let site = TestSite::new("minimal");
    site.write(
        "content/stretches/01-knee-hug.md",
        &super::support::stretch(&[
            ("title", Some("\"<script>alert(1)</script>\"")),
            ("cue", Some("\"Knees & \\\"hips\\\" <b>up</b>\"")),
        ]),
    );
    site.build(&[]).success();
    for (path, html) in site.html("public") {
        assert!(!html.contains("<script>alert"), "{path} holds a raw title");
        assert!(!html.contains("<b>up</b>"), "{path} holds a raw cue");
    }
    let page = site.read("public/stretches/knee-hug/index.html");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
            || page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
    assert!(
        site.read("public/handout/index.html")
            .contains("Knees &amp; &quot;hips&quot; &lt;b&gt;up&lt;/b&gt;")
    );
    // The site title of the full fixture has an ampersand.
    let site = TestSite::new("full");
    site.build(&[]).success();
    assert!(
        site.read("public/index.html")
            .contains("Full &amp; Test Site")
    );
}

#[test]
fn code_blocks_are_highlighted_with_classes_and_headings_get_ids() {
    let site = TestSite::new("full");
    site.build(&[]).success();
    let html = site.read("public/stretches/knee-to-chest/index.html");
    assert!(
        html.contains("<code class=\"language-toml\"><span class=\"hl-"),
        "{html}"
    );
    assert!(
        !html.contains("style=\"color"),
        "classes, not inline styles"
    );
    assert!(html.contains("<h2 id=\"steps\">Steps</h2>"));
    assert!(html.contains("<h2 id=\"steps-1\">Steps</h2>"));
    let css = site.read("public/highlight.css");
    assert!(css.contains(".hl-"), "{css}");
    assert!(css.contains("prefers-color-scheme: dark"), "{css}");
}

#[test]
fn heading_ids_do_not_repeat_the_ids_of_the_theme() {
    let site = TestSite::new("minimal");
    let body = site.read("content/stretches/01-knee-hug.md");
    site.write(
        "content/stretches/01-knee-hug.md",
        &format!("{body}\n## Main\n\nText.\n\n## Page title\n\nMore.\n\n[Back](#main-1)\n"),
    );
    site.build(&[]).success();
    let html = site.read("public/stretches/knee-hug/index.html");
    for id in ["main", "page-title", "main-1", "page-title-1"] {
        let count = html.matches(&format!(" id=\"{id}\"")).count();
        assert_eq!(count, 1, "id {id} appears {count} times:\n{html}");
    }
    assert!(html.contains("<h2 id=\"main-1\">Main</h2>"), "{html}");
    site.run(&["check"]).success();
}

#[test]
fn a_heading_takes_the_id_and_classes_written_after_it() {
    // `## Steps {#how}`, as Zola and Hugo read it, showed the braces in the
    // heading and gave it the id `steps-how`, so a link to `#how` broke.
    let site = TestSite::new("minimal");
    let body = site.read("content/stretches/01-knee-hug.md");
    site.write(
        "content/stretches/01-knee-hug.md",
        &format!(
            "{body}\n## How to do it {{#how .wide}}\n\nText.\n\n## Again {{#how}}\n\n\
             ## Frame {{#main}}\n\n[Up](#how) and [again](#how-1).\n"
        ),
    );
    site.build(&[]).success();
    let html = site.read("public/stretches/knee-hug/index.html");
    assert!(
        html.contains("<h2 id=\"how\" class=\"wide\">How to do it</h2>"),
        "{html}"
    );
    assert!(html.contains("<h2 id=\"how-1\">Again</h2>"), "{html}");
    assert!(html.contains("<h2 id=\"main-1\">Frame</h2>"), "{html}");
    assert!(!html.contains("{#"), "{html}");
    site.run(&["check"]).success();
}

#[test]
fn footnote_ids_repeat_no_heading_or_theme_id() {
    // pulldown-cmark gives a footnote its label as its id: `[^note]` beside
    // `## Note`, or `[^main]` beside the theme's `<main id="main">`, made
    // two elements with one id, and `[^my note]` an id with a space.
    let site = TestSite::new("minimal");
    let body = site.read("content/stretches/01-knee-hug.md");
    site.write(
        "content/stretches/01-knee-hug.md",
        &format!(
            "{body}\nSee this[^note], that[^main] and more[^my note].\n\n## Note\n\n## Fn note\n\n\
             [^note]: First.\n[^main]: Second.\n[^my note]: Third.\n"
        ),
    );
    site.build(&[]).success();
    let html = site.read("public/stretches/knee-hug/index.html");
    let ids = attributes(&html, "id");
    for id in &ids {
        assert!(!id.contains(' '), "id {id:?} has a space:\n{html}");
        let count = ids.iter().filter(|other| *other == id).count();
        assert_eq!(count, 1, "id {id} appears {count} times:\n{html}");
    }
    assert!(html.contains("<h2 id=\"note\">Note</h2>"), "{html}");
    assert!(html.contains("<h2 id=\"fn-note\">Fn note</h2>"), "{html}");
    // Each reference links to its note, numbered in order.
    for (id, number) in [("fn-note-1", 1), ("fn-main", 2), ("fn-my-note", 3)] {
        assert!(
            html.contains(&format!("<a href=\"#{id}\">{number}</a>")),
            "{id}:\n{html}"
        );
        assert!(html.contains(&format!("<li id=\"{id}\">")), "{id}:\n{html}");
    }
}

#[test]
fn a_link_with_no_words_is_warned_about_at_its_place() {
    // A screen reader names a link by its words (or its picture's
    // description); with none it can say only the address.
    let site = TestSite::new("minimal");
    let body = site.read("content/stretches/01-knee-hug.md");
    let line = "See [](https://example.org/a), [![](https://example.org/b.svg)](https://example.org/), \
                [words](https://example.org/), <https://example.org/auto> and \
                [![A bed](https://example.org/b.svg)](https://example.org/).";
    site.write(
        "content/stretches/01-knee-hug.md",
        &format!("{body}\n{line}\n"),
    );
    let run = site.build(&[]).success();
    let lines = body.lines().count() + 2;
    for column in [5, 32] {
        let at = format!("--> content/stretches/01-knee-hug.md:{lines}:{column}\n");
        assert!(
            run.stderr.contains(&format!(
                "warning: this link has no words, so a screen reader can say only its address\n  {at}"
            )),
            "no warning at {at}: {run}"
        );
    }
    assert_eq!(
        run.stderr.matches("this link has no words").count(),
        2,
        "{run}"
    );
    site.run(&["check"]).stderr_has(&["this link has no words"]);
}

#[test]
fn a_body_heading_that_makes_a_second_main_heading_is_warned_about() {
    // The built-in theme gives the title the page's `h1`: a `#` heading in
    // the body, written either way, would be a second one.
    let site = TestSite::new("minimal");
    let body = site.read("content/stretches/01-knee-hug.md");
    let lines = body.lines().count();
    site.write(
        "content/stretches/01-knee-hug.md",
        &format!("{body}\n# Why it helps\n\nMore.\n\nNotes\n=====\n\n## Steps again\n"),
    );
    let run = site.build(&[]).success();
    let warning = "warning: this `#` heading makes a second main heading (`h1`) on the page";
    for line in [lines + 2, lines + 6] {
        let at = format!("{warning}\n  --> content/stretches/01-knee-hug.md:{line}:1\n");
        assert!(run.stderr.contains(&at), "no warning at line {line}: {run}");
    }
    assert_eq!(run.stderr.matches(warning).count(), 2, "{run}");
    site.run(&["check"]).stderr_has(&[warning]);

    // A theme that gives the title no `h1` leaves it to the body: only the
    // second is warned about.
    site.write(
        "templates/stretch.html",
        "<p>{{ page.title }}</p>\n{{ page.content | safe }}\n",
    );
    let run = site.build(&[]).success();
    assert_eq!(run.stderr.matches(warning).count(), 1, "{run}");
    let at = format!(
        "{warning}\n  --> content/stretches/01-knee-hug.md:{}:1\n",
        lines + 6
    );
    assert!(run.stderr.contains(&at), "{run}");
}

#[test]
fn footnotes_are_gathered_at_the_end_in_the_order_they_are_referred_to() {
    // As Hugo prints them: defined in any order, listed at the end of the
    // text by first reference, each linking back; a note never referred
    // to is kept, last.
    let site = TestSite::new("minimal");
    let body = site.read("content/stretches/01-knee-hug.md");
    site.write(
        "content/stretches/01-knee-hug.md",
        &format!(
            "{body}\nUses b[^b], then c[^c], and b again[^b].\n\n\
             [^a]: Never used.\n[^c]: Note C.\n[^b]: Note B.\n\n## Later\n\nLast words.\n"
        ),
    );
    site.build(&[]).success();
    let html = site.read("public/stretches/knee-hug/index.html");
    let at = |needle: &str| {
        html.find(needle)
            .unwrap_or_else(|| panic!("no {needle:?} in\n{html}"))
    };
    assert!(
        html.contains(
            "<sup class=\"footnote-reference\" id=\"fnref-b\"><a href=\"#fn-b\">1</a></sup>"
        ),
        "{html}"
    );
    assert!(
        html.contains("id=\"fnref-b-1\"><a href=\"#fn-b\">1</a>"),
        "{html}"
    );
    assert!(
        html.contains("id=\"fnref-c\"><a href=\"#fn-c\">2</a>"),
        "{html}"
    );
    // After the whole text, in order, with links back to the first use.
    assert!(at("Last words.") < at("<section class=\"footnotes\""));
    assert!(at("<li id=\"fn-b\">") < at("<li id=\"fn-c\">"));
    assert!(at("<li id=\"fn-c\">") < at("<li id=\"fn-a\">"));
    assert!(html.contains("Never used."), "{html}");
    // The way back ends the note's last paragraph.
    assert!(
        html.contains("<p>Note B. <a class=\"footnote-backref\" href=\"#fnref-b\" aria-label=\"Back to reference 1\">"),
        "{html}"
    );
    let ids = attributes(&html, "id");
    for id in &ids {
        assert_eq!(ids.iter().filter(|other| *other == id).count(), 1, "{id}");
    }
}

#[test]
fn with_no_routine_the_build_warns_and_writes_no_handout() {
    let site = TestSite::new("minimal");
    site.remove("content/routines/morning.md");
    let run = site.build(&[]).success();
    run.stderr_has(&[
        "warning: the site has no routine, so no handout is written",
        "help: add a routine to content/routines/",
    ]);
    assert_eq!(run.errors(), 0, "{run}");
    assert!(run.stdout.trim_end().ends_with(", 1 warning"), "{run}");
    assert!(!site.exists("public/handout"));
    assert!(site.exists("public/index.html"));
    assert!(site.exists("public/stretches/knee-hug/index.html"));
    for (path, _) in site.files("public") {
        assert!(!path.contains("handout/"), "{path}");
    }
}

#[test]
fn pdf_without_a_browser_is_a_clear_error() {
    let site = TestSite::new("minimal");
    let empty = tempfile::tempdir().unwrap();
    let run = site
        .gen_with_env(
            &["build", "--pdf"],
            &[("PATH", &empty.path().display().to_string())],
        )
        .failure();
    let text = run.stderr.to_lowercase();
    assert!(text.contains("chrom"), "{run}");
    assert!(text.contains("install"), "says what to install: {run}");
    assert!(!site.exists("public"));
}

#[test]
fn the_root_flag_builds_a_site_elsewhere() {
    let site = TestSite::new("minimal");
    let elsewhere = tempfile::tempdir().unwrap();
    let run = super::support::gen_in(
        elsewhere.path(),
        &["build", "--root", &site.root.display().to_string()],
        &[],
    )
    .success();
    assert!(site.exists("public/index.html"), "{run}");
    assert!(
        std::fs::read_dir(elsewhere.path())
            .unwrap()
            .next()
            .is_none()
    );
}

#[test]
fn with_the_root_flag_the_messages_name_files_as_the_arrow_lines_do() {
    let site = TestSite::new("full");
    site.write(
        "templates/stretch.html",
        "{% extends \"base.html\" %}{% block content %}{{ nope.x }}{% endblock content %}\n",
    );
    let parent = site.parent();
    let name = site.name();
    let run = super::support::gen_in(&parent, &["build", "--root", &name], &[]).failure();
    // The pages named in the text; the template, in backticks, as written.
    let d = run.diagnostic("failed while rendering");
    assert!(
        d.contains(&format!(
            "template `stretch.html` failed while rendering {name}/content/stretches/01-knee-to-chest.md"
        )) && d.contains(&format!("other pages: {name}/content/stretches/02-pelvic-tilt.md, ")),
        "{d}"
    );

    site.write("content/stretches/04-seated-twist.md", "");
    let run = super::support::gen_in(&parent, &["build", "--root", &name], &[]).failure();
    let d = run.diagnostic("has no front matter");
    assert!(
        d.contains(&format!(
            "error: {name}/content/stretches/04-seated-twist.md has no front matter"
        )) && d.contains(&format!(
            " --> {name}/content/stretches/04-seated-twist.md:1:1"
        )),
        "{d}"
    );

    // Run in the site, the same message names the site's own path.
    let run = site.build(&[]).failure();
    let d = run.diagnostic("has no front matter");
    assert!(
        d.contains("error: content/stretches/04-seated-twist.md has no front matter"),
        "{d}"
    );
}

#[test]
fn with_the_root_flag_the_sites_files_are_named_from_where_gen_runs() {
    // `path:line:column` can be opened as printed, as cargo's are.
    let site = TestSite::new("minimal");
    site.replace(
        "content/stretches/02-pelvic-tilt.md",
        "reps = 10",
        "reps = 0",
    );
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\n\n[gone](@/nope.md)\n",
    );
    let parent = site.parent();
    let name = site.name();
    let run = super::support::gen_in(&parent, &["build", "--root", &name], &[]).failure();
    let d = run.diagnostic("`reps` is 0");
    assert!(
        d.contains(&format!(" --> {name}/content/stretches/02-pelvic-tilt.md:")),
        "{d}"
    );
    let d = run.diagnostic("link `@/nope.md` does not resolve");
    assert!(
        d.contains(&format!(" --> {name}/content/about.md:5:1")),
        "{d}"
    );

    // Run in the site, the paths are the site's own.
    let run = site.build(&[]).failure();
    let d = run.diagnostic("`reps` is 0");
    assert!(
        d.contains(" --> content/stretches/02-pelvic-tilt.md:"),
        "{d}"
    );

    // `gen new` says where the new file is, from where it ran.
    site.replace(
        "content/stretches/02-pelvic-tilt.md",
        "reps = 0",
        "reps = 10",
    );
    let run = super::support::gen_in(
        &parent,
        &["new", "stretch", "Cat Cow", "--root", &name],
        &[],
    )
    .success();
    assert!(
        run.stdout
            .contains(&format!("Created {name}/content/stretches/03-cat-cow.md")),
        "{run}"
    );
    assert!(site.exists("content/stretches/03-cat-cow.md"));
    let run = super::support::gen_in(
        &parent,
        &["new", "stretch", "Cat Cow", "--root", &name],
        &[],
    )
    .failure();
    assert!(
        run.stderr
            .contains(&format!(" --> {name}/content/stretches/03-cat-cow.md\n")),
        "{run}"
    );
}

#[test]
fn a_text_of_spaces_alone_is_as_if_not_written() {
    // Not a heading or a description of blanks: what the page shows
    // without it (the site's title, the stretch's cue).
    let site = TestSite::new("minimal");
    site.write(
        "content/_index.md",
        "+++\ntitle = \"   \"\ndescription = \" \"\n+++\n\nHello.\n",
    );
    site.replace(
        "content/stretches/01-knee-hug.md",
        "title = \"Knee hug\"\n",
        "title = \"Knee hug\"\nsummary = \"  \"\n",
    );
    site.build(&[]).success();
    let home = site.read("public/index.html");
    assert!(!home.contains("<title>   "), "{home}");
    assert!(!home.contains(">   </h1>"), "{home}");
    assert!(!home.contains("content=\" \""), "{home}");
    let stretch = site.read("public/stretches/knee-hug/index.html");
    assert!(
        stretch.contains("<meta name=\"description\" content=\"Lie on your back and hug one knee to your chest.\">"),
        "{stretch}"
    );
    assert!(!stretch.contains(">  </p>"), "{stretch}");
}

#[test]
fn quiet_prints_only_errors() {
    let site = TestSite::new("minimal");
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\n\n<b>raw</b>\n",
    );
    let run = site.build(&["--quiet"]).success();
    assert!(run.stdout.is_empty() && run.stderr.is_empty(), "{run}");
    let run = site.build(&[]).success();
    assert_eq!(run.warnings(), 1, "{run}");
    site.write("content/about.md", "+++\ntitle = 3\n+++\n");
    let run = site.build(&["-q"]).failure();
    assert_eq!(run.errors(), 1, "{run}");
}

#[test]
fn a_target_written_twice_in_other_case_is_listed_once() {
    // Terms that differ only in case are one term (SPEC §1): the stretch
    // page lists it once, and the term page holds the stretch once.
    let site = TestSite::new("minimal");
    site.replace(
        "content/stretches/02-pelvic-tilt.md",
        "targets = [\"Lower back\", \"Core\"]",
        "targets = [\"Lower back\", \"Core\", \"core\", \"CORE\"]",
    );
    site.build(&[]).success();
    let html = site.read("public/stretches/pelvic-tilt/index.html");
    assert_eq!(
        html.matches("href=\"../../targets/core/index.html\"")
            .count(),
        1,
        "{html}"
    );
    let term = site.read("public/targets/core/index.html");
    assert_eq!(
        term.matches("href=\"../../stretches/pelvic-tilt/index.html\"")
            .count(),
        1,
        "{term}"
    );
}

#[test]
fn markdown_files_not_ending_in_lower_case_md_are_named_in_a_warning() {
    let site = TestSite::new("minimal");
    site.write("content/notes.MD", "# Notes\n");
    site.write("content/more.markdown", "# More\n");
    let run = site.build(&[]).success();
    run.stderr_has(&[
        "warning: content/notes.MD is not read as content: content files end in `.md`",
        "warning: content/more.markdown is not read as content",
    ]);
    assert!(!site.exists("public/notes/index.html"));
}

/// The header and footer are rendered once for each distinct set of values
/// they read (`Templates` keeps them): a header that shows the page's own
/// data still shows each page's.
#[test]
fn a_header_that_shows_page_data_shows_each_pages_own() {
    let site = TestSite::new("full");
    site.write(
        "templates/partials/header.html",
        "<p class=\"test-header\">{% if stretch is defined %}{{ stretch.title }}{% else %}no stretch{% endif %} at {{ root }}</p>\n",
    );
    site.build(&[]).success();
    let header = |page: &str| {
        let html = site.read(&format!("public/{page}"));
        let start = html
            .find("<p class=\"test-header\">")
            .expect("the test header");
        let end = start + html[start..].find("</p>").expect("its end");
        html[start + "<p class=\"test-header\">".len()..end].to_string()
    };
    assert_eq!(
        header("stretches/knee-to-chest/index.html"),
        "Knee-to-chest pull at ../../"
    );
    assert_eq!(
        header("stretches/pelvic-tilt/index.html"),
        "Pelvic tilt at ../../"
    );
    assert_eq!(header("stretches/index.html"), "no stretch at ../");
    assert_eq!(header("index.html"), "no stretch at ");
}

#[test]
fn gen_toml_language_and_a_base_url_beyond_ascii() {
    let site = TestSite::new("minimal");
    site.write("gen.toml", "title = \"T\"\nlanguage = \"x y<\"\n");
    let run = site.build(&[]).failure();
    let d = run.diagnostic("`language` \"x y<\" is not a language tag");
    assert!(d.contains(" --> gen.toml:2:12"), "{d}");
    assert!(!site.exists("public"));

    site.write(
        "gen.toml",
        "title = \"T\"\nlanguage = \"de-CH\"\nbase_url = \"https://example.org/rücken\"\n",
    );
    site.build(&["--quiet"]).success();
    assert!(
        site.read("public/index.html")
            .contains("<html lang=\"de-CH\"")
    );
    let sitemap = site.read("public/sitemap.xml");
    assert!(
        sitemap.contains("<loc>https://example.org/r%C3%BCcken/stretches/knee-hug/</loc>"),
        "{sitemap}"
    );
    site.write("gen.toml", "base_url = \"https://bücher.example/\"\n");
    site.build(&[])
        .failure()
        .stderr_has(&["is not a web address", "punycode"]);

    // A site needs a name: it heads every page and the handout's footer.
    site.write("gen.toml", "title = \"  \"\n");
    let run = site.build(&[]).failure();
    let d = run.diagnostic("`title` is empty");
    assert!(d.contains(" --> gen.toml:1:9"), "{d}");
}

#[test]
fn targets_with_one_slug_that_differ_in_more_than_case_are_an_error() {
    // SPEC §1: terms that differ only in case are one term; "mid-back" and
    // "Mid back", or "C++" and "C", differ in more and would share a page.
    let site = TestSite::new("minimal");
    site.replace(
        "content/stretches/01-knee-hug.md",
        "targets = [\"Lower back\"]",
        "targets = [\"lower  BACK\", \"C\", \"mid-back\", \"Mid back\"]",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic(
        "targets \"mid-back\" and \"Mid back\" both make the term page targets/mid-back/",
    );
    assert!(
        d.contains(" --> content/stretches/01-knee-hug.md:6:44"),
        "{d}"
    );
    assert_eq!(run.errors(), 1, "\"lower  BACK\" is \"Lower back\": {run}");

    site.replace("content/stretches/01-knee-hug.md", ", \"Mid back\"", "");
    site.replace(
        "content/stretches/02-pelvic-tilt.md",
        "targets = [\"Lower back\", \"Core\"]",
        "targets = [\"Lower back\", \"C++\"]",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("both make the term page targets/c/");
    // At the second spelling, naming where the first is written.
    assert!(
        d.contains("target \"C++\" of content/stretches/02-pelvic-tilt.md and target \"C\" of content/stretches/01-knee-hug.md:6:27 both")
            && d.contains(" --> content/stretches/02-pelvic-tilt.md:"),
        "places both spellings: {d}"
    );
    assert_eq!(run.errors(), 1, "{run}");
}

#[test]
fn the_library_counts_its_stretches_in_words_that_fit() {
    // "All 0 stretches" and "All 1 stretch" read oddly.
    let site = TestSite::new("minimal");
    site.build(&[]).success();
    let lead = |site: &TestSite| {
        let html = site.read("public/stretches/index.html");
        let start = html.find("<p class=\"lead\">").expect("a lead paragraph");
        let end = start + html[start..].find("</p>").expect("its end");
        html[start..end].to_string()
    };
    assert!(lead(&site).contains(">All 2 stretches in the library. You can also browse them <a"));
    site.remove("content/stretches/02-pelvic-tilt.md");
    site.replace("content/routines/morning.md", ", \"pelvic-tilt\"", "");
    site.build(&[]).success();
    assert!(lead(&site).contains(">The one stretch in the library. You can also browse it <a"));
    site.remove("content/stretches/01-knee-hug.md");
    site.remove("content/routines/morning.md");
    site.build(&[]).success();
    assert_eq!(
        lead(&site),
        "<p class=\"lead\">The library has no stretches yet."
    );
}
