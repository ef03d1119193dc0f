//! Never a panic, whatever the input: non-UTF-8 and binary files, huge files,
//! symbolic-link loops and links out of the site, odd front matter. Every
//! run here is checked by `gen_in` for "panicked" and for a signal.

use super::support::{TestSite, stretch};

#[test]
fn a_file_that_is_not_utf8_is_an_error_at_the_bad_byte() {
    let site = TestSite::new("minimal");
    let mut bytes = stretch(&[]).into_bytes();
    let at = bytes.len() - 5;
    bytes.insert(at, 0xFF);
    site.write_bytes("content/stretches/01-knee-hug.md", &bytes);
    let run = site.build(&[]).failure();
    let d = run.diagnostic("file is not valid UTF-8 text");
    assert!(
        d.contains(" --> content/stretches/01-knee-hug.md:10:"),
        "{d}"
    );
    assert!(d.contains("help: save the file as UTF-8"), "{d}");

    // A file saved in Latin-1: the whole line is shown, the caret under
    // the first byte that is not UTF-8.
    let bytes = stretch(&[]).replace("Lie", "Caf\u{e9} au lait. Lie");
    let bytes: Vec<u8> = bytes
        .split('\u{e9}')
        .collect::<Vec<_>>()
        .join("\u{1}")
        .bytes()
        .map(|b| if b == 1 { 0xE9 } else { b })
        .collect();
    site.write_bytes("content/stretches/01-knee-hug.md", &bytes);
    let run = site.build(&[]).failure();
    let d = run.diagnostic("file is not valid UTF-8 text");
    assert!(d.contains("Caf\u{fffd} au lait. Lie"), "{d}");
}

#[test]
fn binary_files_named_md_are_errors_not_crashes() {
    let site = TestSite::new("minimal");
    let all_bytes: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    site.write_bytes("content/stretches/03-binary.md", &all_bytes);
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend(std::iter::repeat_n(0u8, 100));
    site.write_bytes("content/picture.md", &png);
    site.write_bytes("content/nul.md", b"+++\ntitle = \"a\0b\"\n+++\n\0\0\0");
    site.write_bytes("templates/index.html", &all_bytes);
    site.write_bytes("gen.toml", b"title = \"\xC3\x28\"\n");
    let run = site.build(&[]).failure();
    run.stderr_has(&[
        "content/stretches/03-binary.md",
        "content/picture.md",
        "gen.toml",
        "templates/index.html",
    ]);
    assert!(!site.exists("public"));
}

#[test]
fn a_file_over_4_mib_is_an_error() {
    let site = TestSite::new("minimal");
    let mut text = stretch(&[]);
    while text.len() <= 4 * 1024 * 1024 + 1 {
        text.push_str("Breathe out slowly and let your back relax into the bed.\n");
    }
    site.write("content/stretches/01-knee-hug.md", &text);
    let run = site.build(&[]).failure();
    let d = run.diagnostic(&format!(
        "content/stretches/01-knee-hug.md is {} bytes; content files are at most 4 MiB (4194304 bytes)",
        text.len()
    ));
    assert!(d.contains("help: split the file"), "{d}");

    // Exactly 4 MiB is accepted.
    text.truncate(4 * 1024 * 1024);
    site.write("content/stretches/01-knee-hug.md", &text);
    site.build(&[]).success();
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_in_content_is_an_error() {
    use std::os::unix::fs::symlink;
    let site = TestSite::new("minimal");
    symlink(site.path("content"), site.path("content/stretches/loop")).unwrap();
    symlink("self.md", site.path("content/self.md")).unwrap();
    let run = site.build(&[]).failure();
    run.stderr_has(&[
        "content/stretches/loop",
        "symbolic link loop",
        "content/self.md",
    ]);
    // Each names its link as the file and says what to do.
    let d = run.diagnostic("symbolic link loop: content/stretches/loop leads back");
    assert!(d.contains(" --> content/stretches/loop\n"), "{d}");
    assert!(d.contains("help: remove the link"), "{d}");
    let d = run.diagnostic("symbolic link content/self.md (to self.md) cannot be followed");
    assert!(d.contains("help: remove the link"), "{d}");
    assert!(!site.exists("public"));

    // A link to the site root is found looping one turn later, and named
    // by the link all the same.
    let site = TestSite::new("minimal");
    std::fs::create_dir(site.path("static")).unwrap();
    symlink("..", site.path("static/root")).unwrap();
    let run = site.build(&[]).failure();
    let d = run.diagnostic("symbolic link loop: static/root leads back to a folder that holds it");
    assert!(d.contains(" --> static/root\n"), "{d}");
    assert_eq!(run.errors(), 1, "{run}");
}

#[cfg(unix)]
#[test]
fn a_symlink_to_a_built_output_is_an_error_and_the_output_does_not_grow() {
    // `static/pub` → `../public` stays inside the site, but each build would
    // copy the previous output into the new one, deeper every time.
    use std::os::unix::fs::symlink;
    let site = TestSite::new("minimal");
    site.build(&[]).success();
    let before = site.files("public");
    std::fs::create_dir_all(site.path("static")).unwrap();
    symlink("../public", site.path("static/pub")).unwrap();
    let run = site.build(&[]).failure();
    let d = run.diagnostic(
        "static/pub leads to public, a folder gen built: each build would copy the one before it into itself",
    );
    assert!(d.contains(" --> static/pub\n"), "{d}");
    assert!(d.contains("help: remove the symbolic link"), "{d}");
    assert_eq!(run.errors(), 1, "{run}");
    assert_eq!(site.files("public"), before);
    site.run(&["check"])
        .failure()
        .diagnostic("static/pub leads to public");

    // Reached through a linked folder that holds it, in content/ too.
    site.remove("static/pub");
    std::fs::create_dir(site.path("shelf")).unwrap();
    symlink("../public", site.path("shelf/built")).unwrap();
    symlink("../shelf", site.path("content/shelf")).unwrap();
    let run = site.build(&[]).failure();
    run.diagnostic("content/shelf/built leads to public, a folder gen built");
    assert_eq!(site.files("public"), before);
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_site_is_an_error_naming_it() {
    use std::os::unix::fs::symlink;
    let site = TestSite::new("minimal");
    let outside = site.parent().join("secret.md");
    std::fs::write(&outside, stretch(&[])).unwrap();
    symlink(&outside, site.path("content/stretches/03-secret.md")).unwrap();
    std::fs::create_dir(site.parent().join("elsewhere")).unwrap();
    std::fs::write(site.parent().join("elsewhere/passwd"), "secret").unwrap();
    std::fs::create_dir_all(site.path("static")).unwrap();
    symlink(site.parent().join("elsewhere"), site.path("static/etc")).unwrap();
    let run = site.build(&[]).failure();
    let d = run.diagnostic("symbolic link content/stretches/03-secret.md points outside the site");
    assert!(d.contains("secret.md"), "{d}");
    assert!(
        d.contains("help: copy the file into the site instead of linking to it"),
        "{d}"
    );
    run.diagnostic("symbolic link static/etc points outside the site");
    assert!(!site.exists("public"));

    // Nor a stretch's image, beside it or under static/: the link is the error, not
    // an image that is not found.
    let site = TestSite::new("minimal");
    std::fs::write(site.parent().join("o.svg"), "<svg/>").unwrap();
    symlink(
        site.parent().join("o.svg"),
        site.path("content/stretches/o.svg"),
    )
    .unwrap();
    std::fs::create_dir_all(site.path("static")).unwrap();
    symlink(site.parent().join("o.svg"), site.path("static/p.svg")).unwrap();
    site.replace(
        "content/stretches/01-knee-hug.md",
        "\n+++",
        "\nimage = \"o.svg\"\n+++",
    );
    site.replace(
        "content/stretches/02-pelvic-tilt.md",
        "\n+++",
        "\nimage = \"p.svg\"\n+++",
    );
    let run = site.build(&[]).failure();
    run.diagnostic("symbolic link content/stretches/o.svg points outside the site");
    run.diagnostic("symbolic link static/p.svg points outside the site");
    run.stderr_lacks(&["is not found"]);
    assert_eq!(run.errors(), 2, "{run}");
    assert!(!site.exists("public"));

    // Nor gen.toml.
    let site = TestSite::new("minimal");
    let config = site.parent().join("config.toml");
    std::fs::write(&config, "title = \"Elsewhere\"\n").unwrap();
    symlink(&config, site.path("gen.toml")).unwrap();
    let run = site.build(&[]).failure();
    run.diagnostic("symbolic link gen.toml points outside the site");
    assert!(!site.exists("public"));

    // Nor a theme's theme.toml.
    let site = TestSite::new("minimal");
    site.write("gen.toml", "theme = \"calm\"\n");
    site.write("themes/calm/static/calm.css", "body {}\n");
    let manifest = site.parent().join("theme.toml");
    std::fs::write(&manifest, "name = \"calm\"\n").unwrap();
    symlink(&manifest, site.path("themes/calm/theme.toml")).unwrap();
    let run = site.build(&[]).failure();
    run.diagnostic("symbolic link themes/calm/theme.toml points outside the site");
    assert!(!site.exists("public"));

    // A symlink that stays inside the site is fine.
    let site = TestSite::new("minimal");
    std::fs::create_dir(site.path("shared")).unwrap();
    std::fs::write(
        site.path("shared/extra.md"),
        stretch(&[("title", Some("\"Shared\""))]),
    )
    .unwrap();
    symlink(
        site.path("shared/extra.md"),
        site.path("content/stretches/03-shared.md"),
    )
    .unwrap();
    site.build(&[]).success();
    assert!(site.exists("public/stretches/shared/index.html"));
}

#[test]
fn odd_inputs_are_errors_or_pages_never_crashes() {
    let site = TestSite::new("minimal");
    let odd: &[(&str, &str)] = &[
        ("a01.md", "+++"),
        ("a02.md", "---"),
        ("a03.md", "+++\r\n"),
        ("a04.md", "\u{feff}"),
        ("a05.md", "---\n- a\n- b\n---\n"),
        ("a06.md", "---\na: &x 1\nb: *x\n---\n"),
        ("a07.md", "---\n--- \n"),
        (
            "a08.md",
            "+++\ntitle = \"A\"\nweight = 99999999999999999999999\n+++\n",
        ),
        ("a09.md", "---\ntitle: [\n---\n"),
        ("a10.md", "+++\ntitle = \"A\"\n[extra]\n[extra]\n+++\n"),
        ("a11.md", "---\ntitle: A\n...\n---\n"),
        ("a12.md", "---\n? [a, b]\n: c\n---\n"),
        ("a13.md", "+++\r+++\rtitle = \"A\"\r"),
        ("a14.md", "---\ntitle: A\ntitle: B\n---\n"),
        ("a15.md", "---\r\n---\r\n"),
        ("a16.md", "+++\ntitle = \"A\"\nextra = 3\n+++\n"),
        ("a17.md", "---\ntitle: !!binary aGVsbG8=\n---\n"),
        ("a18.md", "---\n\"\\xZZ\": 1\n---\n"),
        (
            "a19.md",
            "+++\ntitle = \"é\u{301}\u{200d}🏳️‍🌈\"\nrole = \"red-flag\"\n+++\n",
        ),
        (
            "a20.md",
            "---\ntitle: A\nhandout_points: [1, 2]\nrole: preparation\n---\n",
        ),
    ];
    for (name, text) in odd {
        site.write(&format!("content/odd/{name}"), text);
    }
    let run = site.build(&[]).failure();
    for (name, _) in odd {
        // a11 (a YAML document end `...`) and a17 (a `!!binary` tag) are
        // valid pages; so are a04 (only a byte-order mark), a07 and a15 (empty
        // front matter): a page needs no keys, its title comes from its name.
        let mentioned = run.stderr.contains(&format!("content/odd/{name}"));
        let valid = ["a04.md", "a07.md", "a11.md", "a15.md", "a17.md"].contains(name);
        assert_eq!(mentioned, !valid, "{name}:\n{run}");
    }
    run.stderr_has(&[
        "error: `weight` is 99999999999999999999999, which is out of range",
        "error: YAML aliases (`*name`) are not supported in front matter",
        "error: key `title` is given twice",
        "error: front matter must be a table of keys, found a list",
    ]);
    assert!(!site.exists("public"));
}

#[test]
fn odd_bodies_render() {
    let site = TestSite::new("minimal");
    let mut body = String::from("+++\ntitle = \"Odd\"\n+++\n");
    body.push_str("```\nunclosed code\n");
    body.push_str(&"> ".repeat(200));
    body.push_str("deep quote\n\n");
    body.push_str(&"- ".repeat(200));
    body.push_str(
        "deep list\n\n# !!!\n\n# !!!\n\n[empty]()\n\n![](<>)\n\n```unknown-language\nx\n```\n",
    );
    site.write("content/odd.md", &body);
    site.write("content/_index.md", "+++\n+++\n# Home\n\n[x](@/)\n");
    let run = site.build(&[]).failure();
    let d = run.diagnostic("link `@/` does not resolve");
    assert!(d.contains(" --> content/_index.md:5:1\n"), "{d}");
    assert_eq!(run.errors(), 1, "{run}");

    site.write("content/_index.md", "+++\n+++\n# Home\n");
    site.build(&[]).success();
    let html = site.read("public/odd/index.html");
    assert!(html.contains("unclosed code"), "{html}");
}

#[test]
fn thousands_of_equal_headings_and_footnote_references_get_ids_of_their_own() {
    // Each search for a free id started again from `-1`: 4,000 of them took
    // over 20 s.
    let site = TestSite::new("minimal");
    let mut body = String::from("+++\ntitle = \"Many\"\n+++\n");
    for _ in 0..3000 {
        body.push_str("## Steps\n\nx[^a] y[^gone]\n\n");
    }
    body.push_str("[^a]: The note.\n");
    site.write("content/many.md", &body);
    site.build(&[]).success();
    let html = site.read("public/many/index.html");
    assert!(
        html.contains("<h2 id=\"steps\">"),
        "the first keeps its name"
    );
    assert!(
        html.contains("<h2 id=\"steps-2999\">"),
        "the last is numbered"
    );
    assert!(
        html.contains("id=\"fnref-a-2999\""),
        "each reference has its id"
    );
    let ids: Vec<&str> = html
        .split(" id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    let unique: std::collections::HashSet<&&str> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "no id is used twice");
}

#[cfg(unix)]
#[test]
fn file_names_that_are_not_utf8_do_not_crash() {
    use std::os::unix::ffi::OsStrExt;
    let site = TestSite::new("minimal");
    let name = std::ffi::OsStr::from_bytes(b"\xff\xfe.md");
    std::fs::write(site.path("content").join(name), "+++\ntitle = \"X\"\n+++\n").unwrap();
    let run = site.build(&[]).failure();
    run.stderr_has(&["content/\u{fffd}\u{fffd}.md gives an empty slug"]);
    assert_eq!(run.errors(), 1, "{run}");
}

#[cfg(unix)]
#[test]
fn special_files_in_content_are_skipped_not_read() {
    let site = TestSite::new("minimal");
    // A named pipe would block a reader forever.
    let fifo = site.path("content/pipe.md");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return; // no mkfifo on this system
    }
    site.build(&[]).success();
    assert!(!site.exists("public/pipe/index.html"));
}

#[cfg(unix)]
#[test]
fn a_linked_folder_out_of_the_site_is_not_read() {
    use std::os::unix::fs::symlink;
    let site = TestSite::new("minimal");
    let outside = site.parent().join("elsewhere");
    std::fs::create_dir_all(outside.join("deeper")).unwrap();
    std::fs::write(outside.join("notes.md"), "+++\nbogus = 1\n+++\n").unwrap();
    symlink("/etc/hostname", outside.join("deeper/link.md")).unwrap();
    symlink(&outside, site.path("content/elsewhere")).unwrap();
    let run = site.build(&[]).failure();
    run.diagnostic("symbolic link content/elsewhere points outside the site");
    run.stderr_lacks(&["notes.md", "bogus", "link.md"]);
    assert_eq!(run.errors(), 1, "{run}");
    assert!(!site.exists("public"));
}

#[test]
fn deeply_nested_yaml_front_matter_is_an_error_not_a_crash() {
    // 1,500 nested tables under `extra` overflowed the stack (SPEC §7: never
    // a panic); TOML's parser has a depth limit of its own.
    let site = TestSite::new("minimal");
    let mut text = String::from("---\ntitle: Deep\nextra:\n");
    for depth in 1..1500 {
        text.push_str(&" ".repeat(depth));
        text.push_str("k:\n");
    }
    text.push_str("---\n");
    site.write("content/deep.md", &text);
    let run = site.build(&[]).failure();
    let d = run.diagnostic("front matter nests lists and tables more than 100 levels deep");
    assert!(d.contains(" --> content/deep.md:"), "{d}");
    assert_eq!(run.errors(), 1, "{run}");
    assert!(!site.exists("public"));
}

#[test]
fn a_closed_stdout_is_not_a_crash() {
    // `gen build | head -0`: the summary line cannot be written, but the work
    // is done (SPEC §7: never a panic).
    let site = TestSite::new("minimal");
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_gen"))
        .arg("build")
        .current_dir(&site.root)
        .env_clear()
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(writer)
        .output()
        .expect("gen runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(site.exists("public/index.html"));
}

#[cfg(unix)]
#[test]
fn a_theme_linked_from_outside_the_site_is_an_error() {
    // SPEC §7: symlinks that resolve outside the site root are an error
    // naming them; the theme's templates and static files were read.
    use std::os::unix::fs::symlink;
    let site = TestSite::new("minimal");
    let outside = site.parent().join("shared-themes");
    std::fs::create_dir_all(outside.join("plain/templates")).unwrap();
    std::fs::write(
        outside.join("plain/templates/page.html"),
        "{% extends \"base.html\" %}{% block content %}OUTSIDE{% endblock %}",
    )
    .unwrap();
    site.write("gen.toml", "theme = \"plain\"\n");
    symlink(&outside, site.path("themes")).unwrap();
    let run = site.build(&[]).failure();
    let d = run.diagnostic("theme folder themes/plain points outside the site");
    assert!(d.contains(" --> gen.toml:1:9"), "{d}");
    assert!(!site.exists("public"));

    // So is a `theme` that climbs out of themes/: a theme is a name, not a
    // path.
    std::fs::remove_file(site.path("themes")).unwrap();
    std::fs::create_dir(site.path("themes")).unwrap();
    site.write("gen.toml", "theme = \"../../shared-themes/plain\"\n");
    let run = site.build(&[]).failure();
    let d = run.diagnostic("theme `../../shared-themes/plain` is a path");
    assert!(d.contains(" --> gen.toml:1:9"), "{d}");
    assert!(!site.exists("public"));
}

#[test]
fn control_characters_in_a_file_never_reach_the_terminal() {
    let site = TestSite::new("minimal");
    // A cue that would clear the screen and retitle the terminal if echoed as it is.
    let cue = "\"\u{1b}[2J\u{1b}]0;pwned\u{7}\"";
    site.write(
        "content/stretches/01-knee-hug.md",
        &stretch(&[("cue", Some(cue))]),
    );
    let run = site.build(&["--color", "always"]).failure();
    let d = run.diagnostic("invalid TOML");
    assert!(d.contains("\u{241b}[2J\u{241b}]0;pwned\u{2407}"), "{d}");
    assert!(
        !run.stderr.contains("\u{1b}[2J") && !run.stderr.contains('\u{7}'),
        "raw control bytes on stderr: {:?}",
        run.stderr
    );
}

#[test]
fn yaml_tabs_a_tab_after_a_key_builds_and_a_tab_indent_is_pointed_at() {
    let site = TestSite::new("minimal");
    let yaml = "---\ntitle:\tKnee hug\nposition: supine\nhold: 20-30 s\nsides: each\n\
                targets: [Lower back]\ncautions: [Stop if you feel sharp pain.]\n\
                cue: Lie on your back and hug one knee.\n---\n\nHug one knee.\n";
    site.write("content/stretches/01-knee-hug.md", yaml);
    site.build(&["--quiet"]).success();
    assert!(
        site.read("public/stretches/knee-hug/index.html")
            .contains("Knee hug")
    );

    let indented = yaml.replace("\nhold:", "\n\thold:");
    site.write("content/stretches/01-knee-hug.md", &indented);
    let run = site.build(&[]).failure();
    let d = run.diagnostic("found a tab");
    assert!(
        d.contains(" --> content/stretches/01-knee-hug.md:4:1"),
        "{d}"
    );
    assert!(d.contains("help: YAML indents with spaces only"), "{d}");
}

#[test]
fn a_hold_out_of_range_says_which_numbers_are_taken() {
    let site = TestSite::new("minimal");
    for hold in ["1000 s", "100-1000 s", "0 s", "30 to 20 s"] {
        site.write(
            "content/stretches/01-knee-hug.md",
            &stretch(&[("hold", Some(&format!("\"{hold}\"")))]),
        );
        let run = site.build(&[]).failure();
        let d = run.diagnostic("which is not a hold time");
        assert!(
            d.contains(
                "the seconds are whole numbers from 1 to 999, a range's first below its second"
            ),
            "{hold}: {d}"
        );
    }
}

#[test]
fn a_control_character_written_as_an_escape_is_an_error_at_its_value() {
    let site = TestSite::new("minimal");
    site.write(
        "content/stretches/01-knee-hug.md",
        &stretch(&[
            ("title", Some("\"Knee\\u001bhug\"")),
            ("cautions", Some("[\"Stop.\", \"Nul\\u0000here.\"]")),
        ]),
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("`title` holds the control character U+001B");
    assert!(
        d.contains(" --> content/stretches/01-knee-hug.md:2:9"),
        "{d}"
    );
    run.diagnostic("`cautions` holds the control character U+0000");
    assert!(!site.exists("public"));
}

#[test]
fn a_file_with_cr_only_line_ends_is_named_so() {
    let site = TestSite::new("minimal");
    let text = stretch(&[]).replace('\n', "\r");
    site.write("content/stretches/01-knee-hug.md", &text);
    let run = site.build(&[]).failure();
    let d = run.diagnostic("the file's lines end in a lone carriage return (CR)");
    assert!(d.contains("help: save it with LF or CRLF line ends"), "{d}");
    assert_eq!(run.errors(), 1, "{run}");
}

#[test]
fn a_control_character_in_a_body_is_an_error_at_its_place() {
    let site = TestSite::new("minimal");
    let text = stretch(&[]).replace("Do the stretch.", "Do the\u{7} stretch.");
    site.write("content/stretches/01-knee-hug.md", &text);
    let run = site.build(&[]).failure();
    let d = run.diagnostic("the body holds the control character U+0007");
    assert!(d.contains(" --> content/stretches/01-knee-hug.md:"), "{d}");
    assert!(!site.exists("public"));
    assert_eq!(run.errors(), 1, "{run}");

    // Each is reported, on every line; past five, the fifth says how many
    // more follow.
    let text = stretch(&[]).replace(
        "Do the stretch.",
        "One\u{1} two\u{2}\nthree\u{3} four\u{4} five\u{5} six\u{6} seven\u{0e}",
    );
    site.write("content/stretches/01-knee-hug.md", &text);
    let run = site.build(&[]).failure();
    for code in ["0001", "0002", "0003", "0004", "0005"] {
        run.diagnostic(&format!("the body holds the control character U+{code}"));
    }
    let d = run.diagnostic("U+0005");
    assert!(
        d.contains("help: remove it, and the 2 more after it"),
        "{d}"
    );
    run.stderr_lacks(&["U+0006", "U+000E"]);
    assert_eq!(run.errors(), 5, "{run}");
    // Tabs and form feeds are text HTML allows.
    site.write(
        "content/stretches/01-knee-hug.md",
        &stretch(&[]).replace("Do the stretch.", "Do\tthe\u{c} stretch."),
    );
    site.build(&["--quiet"]).success();
}

#[test]
fn an_error_on_a_very_long_line_quotes_only_a_window_around_it() {
    // Before the fix, a diagnostic quoted the whole line and drew a caret
    // under the whole value: a 3-million-character cue printed two lines of
    // 3 million characters (and the same in `gen serve`'s error page).
    let site = TestSite::new("minimal");
    let long = "x".repeat(3_000_000);
    site.write(
        "content/stretches/01-knee-hug.md",
        &stretch(&[("cue", Some(&format!("\"{long}\"")))]),
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("`cue` is 3000000 characters long; the limit is 100");
    assert!(
        d.contains(" --> content/stretches/01-knee-hug.md:7:7\n"),
        "{d}"
    );
    assert!(
        d.lines().all(|line| line.chars().count() < 200),
        "a line of the diagnostic is longer than the window:\n{}",
        d.lines()
            .map(|l| &l[..l.len().min(200)])
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(d.contains("7 | cue = \"xxx"), "{d}");
    assert!(d.contains("x…\n"), "{d}");
    assert!(
        run.stderr.len() < 2_000,
        "stderr is {} bytes",
        run.stderr.len()
    );
}
