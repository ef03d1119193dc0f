//! `gen serve`: serves what it built and nothing else, rebuilds on an edit,
//! shows a build error in the page, recovers when it is fixed, and never
//! writes into the site.

use std::net::TcpListener;

use super::browser::{self, Tool};
use super::editor_support::{EditorSite, Serve, position_of};

const STRETCH: &str = "content/stretches/02-pelvic-tilt.md";

#[test]
fn quiet_serve_still_says_where_it_serves() {
    // With `--port 0` the address is known from that line alone.
    let site = EditorSite::fixture("editor");
    let server = Serve::start(&site, &["--quiet"]);
    assert!(
        server.url.starts_with("http://127.0.0.1:"),
        "{}",
        server.url
    );
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn serves_reloads_shows_errors_and_recovers() {
    let site = EditorSite::fixture("editor");
    let server = Serve::start(&site, &[]);
    assert!(
        server.url.starts_with("http://127.0.0.1:"),
        "{}",
        server.url
    );

    // Pages, with the reload script; folders without their slash redirect.
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(home.body.contains("Editor fixture"), "{}", home.body);
    assert!(home.body.contains("/__gen/events"), "no reload script");
    let page = server.get("/stretches/pelvic-tilt/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("A small rocking movement."));
    let bare = server.get("/stretches/pelvic-tilt");
    assert_eq!(bare.status, 301);
    assert_eq!(bare.header("location"), Some("/stretches/pelvic-tilt/"));
    let css = server.get("/css/style.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert!(
        !css.body.contains("/__gen/events"),
        "script injected into CSS"
    );
    let svg = server.get("/images/bed.svg");
    assert_eq!(svg.header("content-type"), Some("image/svg+xml"));

    // Anything else gets the site's 404 page.
    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    let not_found = server.get("/404.html");
    assert!(missing.body.len() > 200 && missing.body == not_found.body);

    // Only what the build made: no way out of it.
    for target in [
        "/../gen.toml",
        "/%2e%2e/gen.toml",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2fgen.toml",
        "/stretches/..%2F..%2Fgen.toml",
        "/.%2e/gen.toml",
        "/..%5cgen.toml",
    ] {
        let response = server.get(target);
        assert_eq!(response.status, 403, "{target}: {}", response.body);
        assert!(!response.body.contains("Editor fixture"), "{target}");
    }
    for target in ["/gen.toml", "/content/_index.md", "/static/images/bed.svg"] {
        assert_eq!(server.get(target).status, 404, "{target}");
    }

    // An edit (in place) rebuilds the page and tells open pages to reload.
    let mut events = server.events();
    let first = events.next_build();
    let text = site
        .read(STRETCH)
        .replace("A small rocking", "A small, slow rocking");
    site.write_in_place(STRETCH, &text);
    let second = events.until(|| {
        let page = server.get("/stretches/pelvic-tilt/");
        page.status == 200 && page.body.contains("A small, slow rocking movement.")
    });
    assert_ne!(first, second);
    server.wait_line("Rebuilt ");

    // A front-matter edit rebuilds the pages that show the stretch.
    site.replace(
        STRETCH,
        "title = \"Pelvic tilt\"",
        "title = \"Pelvic rock\"",
    );
    let third = events.next_build();
    assert_ne!(second, third);
    let neighbour = server.get("/stretches/knee-to-chest/");
    assert!(
        neighbour.body.contains("Pelvic rock"),
        "next link not updated"
    );

    // A bad edit: every page shows the error, as the command line does.
    site.replace(STRETCH, "hold = \"3 to 5 s\"", "hold = \"forever\"");
    let fourth = events.next_build();
    assert_ne!(third, fourth);
    server.wait_line("Build failed: ");
    let broken = server.get("/stretches/pelvic-tilt/");
    assert_eq!(broken.status, 500);
    let place = position_of(&site, STRETCH, "\"forever\"");
    assert!(
        broken.body.contains(&place),
        "no {place} in {}",
        broken.body
    );
    assert!(
        broken.body.contains("/__gen/events"),
        "the error page must reload"
    );
    assert_eq!(server.get("/").status, 500);
    server.wait_stderr(&place);
    assert_eq!(server.get("/css/style.css").status, 200);

    // Fixing the file brings the site back.
    site.replace(STRETCH, "hold = \"forever\"", "hold = \"3 to 5 s\"");
    let fifth = events.next_build();
    assert_ne!(fourth, fifth);
    let fixed = server.get("/stretches/pelvic-tilt/");
    assert_eq!(fixed.status, 200);
    assert!(fixed.body.contains("A small, slow rocking movement."));

    // A new stretch appears.
    site.write(
        "content/stretches/04-cat-cow.md",
        "+++\ntitle = \"Cat cow\"\nposition = \"kneeling\"\nhold = \"brief\"\ntargets = [\"Back\"]\ncautions = [\"Go slowly.\"]\ncue = \"Round and arch your back.\"\n+++\n\nRound, then arch.\n",
    );
    events.next_build();
    assert_eq!(server.get("/stretches/cat-cow/").status, 200);

    drop(server);
    assert!(!site.path("public").exists(), "gen serve wrote public/");
}

#[test]
fn starts_on_a_broken_site_and_serves_under_the_base_path() {
    let site = EditorSite::fixture("editor");
    site.replace(
        "gen.toml",
        "title = \"Editor fixture\"",
        "title = \"Editor fixture\"\nbase_url = \"https://example.org/back/\"",
    );
    site.replace(STRETCH, "hold = \"3 to 5 s\"", "hold = \"forever\"");
    let server = Serve::start(&site, &[]);
    assert!(server.url.ends_with("/back/"), "{}", server.url);
    let broken = server.get("/back/");
    assert_eq!(broken.status, 500);
    assert!(
        broken
            .body
            .contains(&position_of(&site, STRETCH, "\"forever\""))
    );

    let mut events = server.events();
    let before = events.next_build();
    site.replace(STRETCH, "hold = \"forever\"", "hold = \"3 to 5 s\"");
    assert_ne!(events.next_build(), before);
    assert_eq!(server.get("/back/").status, 200);
    assert_eq!(server.get("/back/stretches/pelvic-tilt/").status, 200);
    let root = server.get("/");
    assert_eq!(root.status, 301);
    assert_eq!(root.header("location"), Some("/back/"));
    assert_eq!(server.get("/stretches/pelvic-tilt/").status, 404);
}

#[test]
fn with_root_the_browser_names_files_as_the_terminal_does_and_a_new_base_path_is_said() {
    let site = EditorSite::fixture("editor");
    site.replace(STRETCH, "hold = \"3 to 5 s\"", "hold = \"forever\"");
    let parent = site.root.parent().expect("the site has a parent folder");
    let name = site
        .root
        .file_name()
        .and_then(|n| n.to_str())
        .expect("a name");
    let server = Serve::start_in(parent, &["--root", name], &[]);
    let place = format!("{name}/{}", position_of(&site, STRETCH, "\"forever\""));
    let page = server.get("/");
    assert_eq!(page.status, 500);
    assert!(page.body.contains(&place), "no {place} in\n{}", page.body);
    assert!(server.stderr().contains(&place), "{}", server.stderr());

    site.replace(STRETCH, "hold = \"forever\"", "hold = \"3 to 5 s\"");
    site.replace(
        "gen.toml",
        "title = \"Editor fixture\"",
        "title = \"Editor fixture\"\nbase_url = \"https://example.org/back/\"",
    );
    let line = server.wait_line("The site moved with base_url: now serving ");
    assert!(line.ends_with("/back/"), "{line}");
    assert_eq!(server.get("/back/").status, 200);
}

#[test]
fn a_port_in_use_is_an_error() {
    let taken = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = taken.local_addr().expect("an address").port().to_string();
    let site = EditorSite::fixture("editor");
    let run = site.run(&["serve", "--port", &port]).status(1);
    assert!(run.stderr.contains("the port is in use"), "{}", run.stderr);
    assert!(run.stderr.contains("--port"), "{}", run.stderr);
}

#[test]
fn a_folder_that_is_not_a_site_is_an_error() {
    let site = EditorSite::empty();
    let run = site.run(&["serve", "--port", "0"]).status(1);
    assert!(
        run.stderr.contains("is not a Bedside site"),
        "{}",
        run.stderr
    );
}

#[test]
fn open_warns_when_the_browser_opener_fails_or_is_missing() {
    let site = EditorSite::fixture("editor");
    // No opener on PATH.
    let server = Serve::start(&site, &["--open"]);
    server.wait_stderr("warning: cannot open a browser");
    drop(server);
    // An opener that finds no browser and exits 3, as xdg-open does.
    let bin = tempfile::tempdir().expect("a temporary folder");
    let opener = bin.path().join("xdg-open");
    std::fs::write(&opener, "#!/bin/sh\nexit 3\n").expect("the opener writes");
    let mut permissions = std::fs::metadata(&opener).expect("metadata").permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(&opener, permissions).expect("the opener is executable");
    let path = format!("{}:/usr/bin:/bin", bin.path().display());
    let server = Serve::start_with_env(&site, &["--open"], &[("PATH", &path)]);
    server.wait_stderr("warning: cannot open a browser: `xdg-open` failed (exit status: 3)");
    assert!(
        server.stderr().contains("help: open http://127.0.0.1:"),
        "{}",
        server.stderr()
    );
}

#[test]
fn a_page_left_open_reloads_when_the_server_is_restarted() {
    // An editor stops `gen serve`, edits, and starts it again: the page left
    // open in the browser reconnects and must reload, even though the new
    // server has built once, as the old one had when the page was served.
    let site = EditorSite::fixture("editor");
    let server = Serve::start(&site, &[]);
    let page = server.get("/");
    let built = page
        .body
        .split("var built=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no build number in {}", page.body))
        .to_string();
    drop(server);
    site.replace("content/_index.md", "Start with", "Begin with");
    let server = Serve::start(&site, &[]);
    let announced = server.events().next_build();
    assert_ne!(
        announced, built,
        "the restarted server announces the build the open page already shows"
    );
}

#[test]
fn a_template_error_shows_beside_the_contents_errors() {
    // As `gen build` reports them: every problem in one run.
    let site = EditorSite::fixture("editor");
    let text = site.read(STRETCH).replace("position = ", "positon = ");
    site.write(STRETCH, &text);
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ page.title | uper }}{% endblock content %}\n",
    );
    let server = Serve::start(&site, &[]);
    let page = server.get("/");
    assert_eq!(page.status, 500, "{}", page.body);
    for problem in ["unknown key `positon`", "uses the filter `uper`"] {
        assert!(
            page.body.contains(problem),
            "no {problem:?} in\n{}",
            page.body
        );
    }
    let build = site.run(&["build"]).status(1);
    assert!(
        build.stderr.contains("uses the filter `uper`"),
        "{}",
        build.stderr
    );
}

#[test]
fn a_templates_warning_is_printed_as_gen_build_prints_it() {
    // A block the parent does not have renders nothing; the preview says
    // so, as the build does.
    let site = EditorSite::fixture("editor");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block contnet %}{{ page.title }}{% endblock contnet %}\n",
    );
    let server = Serve::start(&site, &[]);
    server.wait_stderr(
        "warning: block `contnet` of template 'page.html' is never shown: 'base.html', which it extends, has no block `contnet`",
    );
    server.wait_stderr("help: did you mean `content`?");
}

#[test]
fn a_broken_symbolic_link_saved_while_serving_shows_the_error() {
    // `gen build` refuses a link that cannot be followed; the preview must
    // too, not ignore it because the path it names does not exist.
    let site = EditorSite::fixture("editor");
    let server = Serve::start(&site, &[]);
    let mut events = server.events();
    let first = events.next_build();
    std::os::unix::fs::symlink("missing.svg", site.path("static/images/logo.svg"))
        .expect("a symbolic link");
    assert_ne!(events.next_build(), first, "no rebuild for the link");
    let page = server.get("/");
    assert_eq!(page.status, 500, "{}", page.body);
    assert!(
        page.body.contains("static/images/logo.svg") && page.body.contains("cannot be followed"),
        "{}",
        page.body
    );
    let build = site.run(&["build"]).status(1);
    assert!(
        build.stderr.contains("cannot be followed"),
        "{}",
        build.stderr
    );
}

#[test]
fn many_open_pages_all_load_and_all_reload() {
    // An editor keeps a tab open per stretch. A browser opens at most six
    // connections to one host: when every page held its own connection to
    // the reload events, the seventh tab never loaded.
    browser::require(&[Tool::Node, Tool::Chromium]);
    let site = EditorSite::fixture("editor");
    let server = Serve::start(&site, &[]);
    let page = format!("{}stretches/pelvic-tilt/", server.url);
    let file = site.path(STRETCH);
    let _one = browser::one_at_a_time();
    let output = browser::node(
        "serve_tabs.mjs",
        &[
            &page,
            "9",
            file.to_str().expect("a UTF-8 path"),
            "A small rocking movement.",
            "A small, slow rocking movement.",
        ],
    );
    let result: serde_json::Value = serde_json::from_str(output.trim())
        .unwrap_or_else(|e| panic!("serve_tabs.mjs printed no JSON: {e}\n{output}"));
    let all = |key: &str| {
        result[key]
            .as_array()
            .is_some_and(|tabs| tabs.len() == 9 && tabs.iter().all(|t| t == true))
    };
    assert!(all("loaded"), "tabs that did not load: {result}");
    assert!(all("reloaded"), "tabs that did not reload: {result}");
}

#[test]
fn a_folder_moved_out_of_the_site_disappears_from_it() {
    // A file manager's "move to trash" renames a folder out of the site: the
    // watcher sees only the folder go, not the files in it.
    let site = EditorSite::fixture("editor");
    let server = Serve::start(&site, &[]);
    let mut events = server.events();
    let first = events.next_build();
    site.write(
        "content/guides/sleep.md",
        "+++\ntitle = \"Sleeping\"\n+++\n\nOn your side.\n",
    );
    let second = events.until(|| server.get("/sleep/").status == 200);
    assert_ne!(first, second);
    assert_eq!(server.get("/images/bed.svg").status, 200);

    let parent = site.root.parent().expect("a parent folder");
    let trash = tempfile::tempdir_in(parent).expect("a folder beside the site");
    std::fs::rename(site.path("content/guides"), trash.path().join("guides"))
        .expect("the folder moves");
    events.until(|| server.get("/sleep/").status == 404);
    assert!(
        !server.get("/").body.contains("Sleeping"),
        "the home page still links the moved page"
    );
    std::fs::rename(site.path("static/images"), trash.path().join("images"))
        .expect("the folder moves");
    events.until(|| server.get("/images/bed.svg").status == 404);
}

#[test]
fn a_linked_folder_added_while_serving_is_watched_like_the_others() {
    // A symbolic link inside the site, made after `gen serve` started: its
    // files are built, and an edit to one of them rebuilds.
    let site = EditorSite::fixture("editor");
    site.write(
        "shared/shared.md",
        "+++\ntitle = \"Shared page\"\n+++\n\nFirst words.\n",
    );
    let server = Serve::start(&site, &[]);
    let mut events = server.events();
    events.next_build();
    std::os::unix::fs::symlink("../shared", site.path("content/extra")).expect("the link is made");
    events.until(|| server.get("/shared/").body.contains("First words."));
    site.replace("shared/shared.md", "First words.", "Second words.");
    events.until(|| server.get("/shared/").body.contains("Second words."));
}

#[test]
fn the_reload_events_answer_head_with_headers_and_refuse_other_methods() {
    let site = EditorSite::fixture("editor");
    let server = Serve::start(&site, &[]);
    // HEAD gets the stream's headers and no stream: the reply ends.
    let head = server.request("HEAD", "/__gen/events");
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-type"), Some("text/event-stream"));
    assert_eq!(head.body, "");
    for method in ["POST", "PUT", "DELETE"] {
        let refused = server.request(method, "/__gen/events");
        assert_eq!(refused.status, 405, "{method}");
        assert_eq!(refused.header("allow"), Some("GET, HEAD"), "{method}");
        assert!(
            !refused.body.contains("data:"),
            "{method}: {}",
            refused.body
        );
    }
    // Pages answer HEAD as before.
    assert_eq!(server.request("HEAD", "/").status, 200);
}

#[test]
fn a_request_in_absolute_form_is_served_and_still_cannot_leave_the_site() {
    // HTTP/1.1 servers must accept a request target written as a whole URL
    // (`GET http://host/path`); it was refused as a bad request.
    let site = EditorSite::fixture("editor");
    let server = Serve::start(&site, &[]);
    let address = server.url.trim_end_matches('/').to_string();
    let page = server.request("GET", &format!("{address}/stretches/pelvic-tilt/"));
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("A small rocking movement."));
    assert_eq!(server.request("GET", &address).status, 200);
    let escape = server.request("GET", &format!("{address}/%2e%2e/gen.toml"));
    assert_eq!(escape.status, 403, "{}", escape.body);
    assert_eq!(
        server
            .request("GET", "http://elsewhere.example/gen.toml")
            .status,
        404
    );
}

#[test]
fn an_editors_lock_link_does_not_break_the_preview() {
    // Emacs marks a file with unsaved changes by a link that points nowhere,
    // `.#name`, beside it. Hidden files are ignored, but the link was read as
    // a broken one: while a second file was unsaved, saving the first showed
    // an error instead of the page.
    let site = EditorSite::fixture("editor");
    let server = Serve::start(&site, &[]);
    let mut events = server.events();
    let first = events.next_build();
    for lock in [
        "content/stretches/.#01-knee-to-chest.md",
        "static/images/.#bed.svg",
    ] {
        std::os::unix::fs::symlink("ana@laptop.4242:1764000000", site.path(lock))
            .expect("a lock link");
    }
    site.replace(
        STRETCH,
        "title = \"Pelvic tilt\"",
        "title = \"Pelvic rock\"",
    );
    assert_ne!(events.next_build(), first, "no rebuild for the save");
    let page = server.get("/stretches/pelvic-tilt/");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Pelvic rock"), "{}", page.body);
    site.run(&["build"]).status(0);
}

/// A template error every page meets (a bad name in the shared footer) is shown once in
/// the preview, with the other pages named in a note, as `gen build` prints it.
#[test]
fn an_error_every_page_meets_is_shown_once_as_the_build_prints_it() {
    let site = EditorSite::fixture("editor");
    let footer = std::fs::read_to_string(
        crate::browser::repository().join("themes/default/templates/partials/footer.html"),
    )
    .expect("the default footer");
    site.write(
        "templates/partials/footer.html",
        &format!("{footer}{{{{ oops.x }}}}\n"),
    );
    let build = site.run(&["build"]).status(1);
    assert_eq!(
        build.stderr.matches("error: ").count(),
        1,
        "{}",
        build.stderr
    );
    assert!(
        build.stderr.contains("the same error in "),
        "{}",
        build.stderr
    );

    let server = Serve::start(&site, &[]);
    let page = server.get("/");
    assert_eq!(page.status, 500, "{}", page.body);
    assert_eq!(
        page.body.matches("oops.x").count(),
        build.stderr.matches("oops.x").count(),
        "{}",
        page.body
    );
    assert!(page.body.contains("the same error in "), "{}", page.body);
}
