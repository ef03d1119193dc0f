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

#[test]
fn a_render_error_inside_a_macro_points_at_the_expression_in_the_macro() {
    let site = TestSite::new("minimal");
    site.write(
        "templates/cards.html",
        "{% macro card(p) %}\n<b>{{ p.subtitle }}</b>\n{% endmacro card %}\n",
    );
    site.write(
        "templates/page.html",
        "{% import \"cards.html\" as cards %}{% extends \"base.html\" %}\n{% block content %}{{ cards::card(p=page) }}{% endblock content %}\n",
    );
    let run = site.build(&[]).failure();
    let d =
        run.diagnostic("template `page.html` failed while rendering content/when-to-get-help.md");
    assert!(d.contains("p.subtitle"), "names the expression: {d}");
    assert!(
        d.contains(" --> templates/cards.html:2:7\n"),
        "points at the expression in the macro's file: {d}"
    );
}

#[test]
fn an_include_of_a_missing_template_points_at_the_include() {
    let site = TestSite::new("minimal");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}{% include \"partials/intro.html\" %}{% endblock content %}\n",
    );
    site.write(
        "templates/partials/intro.html",
        "<p>Intro</p>\n{% include \"partials/missing.html\" %}\n",
    );
    let run = site.build(&[]).failure();
    // Found when the templates load, before any page is rendered.
    let d = run.diagnostic(
        "template 'partials/intro.html' includes 'partials/missing.html', which is not a template",
    );
    assert!(
        d.contains(" --> templates/partials/intro.html:2:13\n"),
        "points at the include, in the file that holds it: {d}"
    );
    assert!(
        !d.contains("did you mean 'partials/intro.html'"),
        "not the template that includes it: {d}"
    );
    assert!(
        d.contains("goes in templates/partials/missing.html"),
        "says where a new one goes: {d}"
    );
    assert_eq!(run.errors(), 1, "{run}");
}

#[test]
fn templates_that_do_not_fit_together_are_placed_in_the_file() {
    let site = TestSite::new("minimal");
    site.write("gen.toml", "theme = \"calm\"\n");
    site.write(
        "themes/calm/templates/page.html",
        "{% extends \"layout.html\" %}\n{% block content %}{% endblock content %}\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("templates do not fit together");
    assert!(d.contains("'layout.html'"), "{d}");
    assert!(
        d.contains(" --> themes/calm/templates/page.html:1:13\n"),
        "points at the missing parent: {d}"
    );

    site.write(
        "themes/calm/templates/page.html",
        "{% import \"cards.html\" as cards %}{% extends \"base.html\" %}\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("templates do not fit together");
    assert!(
        d.contains(" --> themes/calm/templates/page.html:1:12\n"),
        "points at the missing macro file: {d}"
    );

    site.write(
        "templates/404.html",
        "{# a loop #}\n{% extends \"404.html\" %}\n",
    );
    site.remove("themes/calm/templates/page.html");
    let run = site.build(&[]).failure();
    let d = run.diagnostic("templates do not fit together: template '404.html' extends itself");
    assert!(d.contains(" --> templates/404.html:2:13\n"), "{d}");
    assert!(
        d.contains("help: a site's templates/404.html replaces the theme's 404.html whole, so it cannot extend it"),
        "{d}"
    );
    assert!(!site.exists("public"));
}

#[test]
fn every_missing_parent_and_macro_file_is_reported_in_one_run() {
    // Tera stops at the first template whose parent or macro file is not
    // there; a theme author would mend and build three times.
    let site = TestSite::new("minimal");
    site.write(
        "templates/routine.html",
        "{% extends \"baes.html\" %}\n{% block content %}{% endblock content %}\n",
    );
    site.write(
        "templates/routines.html",
        "{% import \"macro.html\" as m %}{% extends \"base.html\" %}\n",
    );
    site.write(
        "templates/stretches.html",
        "{# the library #}\n{% extends \"bse.html\" %}\n",
    );
    // Beside a template that does not parse, too.
    site.write("templates/taxonomy_list.html", "{{ terms | }}\n");
    let run = site.build(&[]).failure();
    assert_eq!(run.errors(), 4, "{run}");
    let d = run.diagnostic("template 'routine.html' extends 'baes.html', which is not a template");
    assert!(d.contains(" --> templates/routine.html:1:13\n"), "{d}");
    assert!(d.contains("did you mean 'base.html'?"), "{d}");
    let d = run.diagnostic(
        "template 'routines.html' imports macros from 'macro.html', which is not a template",
    );
    assert!(d.contains(" --> templates/routines.html:1:12\n"), "{d}");
    assert!(d.contains("did you mean 'macros.html'?"), "{d}");
    let d = run.diagnostic("template 'stretches.html' extends 'bse.html'");
    assert!(d.contains(" --> templates/stretches.html:2:13\n"), "{d}");
    run.diagnostic("template does not parse");
    assert!(!site.exists("public"));
}

#[test]
fn a_missing_include_is_reported_when_the_templates_load() {
    // With the content's errors, in one run, not once a page is rendered.
    let site = TestSite::new("minimal");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block main %}\n\
         {% include \"nosuch.html\" %}\n\
         {% include [\"nope.html\", \"also-nope.html\"] %}\n\
         {% include \"gone.html\" ignore missing %}\n\
         {% include [\"nope.html\", \"partials/header.html\"] %}\n\
         {% endblock %}\n",
    );
    site.write(
        "content/stretches/01-knee-hug.md",
        &super::support::stretch(&[("hold", Some("\"bad\""))]),
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("template 'page.html' includes 'nosuch.html', which is not a template");
    assert!(d.contains(" --> templates/page.html:3:13\n"), "{d}");
    // The first of a list none of which is there; its other use is noted,
    // not the end of another name.
    let d = run.diagnostic("template 'page.html' includes 'nope.html', which is not a template");
    assert!(d.contains(" --> templates/page.html:4:14\n"), "{d}");
    assert!(
        d.contains("note: `nope.html` is also written at 6:14 in this template\n"),
        "{d}"
    );
    run.diagnostic("`hold` is \"bad\"");
    assert_eq!(run.errors(), 3, "{run}");
}

#[test]
fn a_block_the_parent_does_not_have_is_warned_about_at_every_build() {
    // Tera renders the blocks of the template at the top only: a block of
    // another name in a template that extends it is never shown.
    let site = TestSite::new("minimal");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block contnet %}<p>{{ page.title }}</p>{% endblock contnet %}\n{% block main %}x{% endblock main %}\n",
    );
    let warning = "warning: block `contnet` of template 'page.html' is never shown: 'base.html', which it extends, has no block `contnet`";
    // The rebuild takes the pages from the first, and still warns.
    for _ in 0..2 {
        let run = site.build(&[]).success();
        let d = run.diagnostic(warning);
        assert!(d.contains(" --> templates/page.html:2:10\n"), "{d}");
        assert!(d.contains("help: did you mean `content`?"), "{d}");
        let d = run.diagnostic("block `main` of template 'page.html' is never shown");
        assert!(
            d.contains("help: a template that extends another fills its blocks: `content`, `description`, `head`, `title`"),
            "{d}"
        );
        assert_eq!(run.warnings(), 2, "{run}");
    }
    site.run(&["check"]).success().stderr_has(&[warning]);
    // An `{% endblock %}` that names another block than it closes.
    site.write(
        "templates/stretch.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ page.title }}{% endblock main %}\n",
    );
    let run = site.build(&[]).success();
    let d =
        run.diagnostic("warning: `{% endblock main %}` closes the block `content`, opened at 2:1");
    assert!(d.contains(" --> templates/stretch.html:2:48\n"), "{d}");
    assert!(
        d.contains("help: write `{% endblock content %}`, or `{% endblock %}`"),
        "{d}"
    );
    site.remove("templates/stretch.html");
    // Mended, it is quiet.
    site.replace("templates/page.html", "contnet", "content");
    site.replace(
        "templates/page.html",
        "endblock contnet",
        "endblock content",
    );
    site.replace(
        "templates/page.html",
        "{% block main %}x{% endblock main %}\n",
        "",
    );
    let run = site.build(&[]).success();
    assert_eq!(run.warnings(), 0, "{run}");
}

#[test]
fn a_call_that_lacks_an_argument_is_the_one_shown() {
    // Tera says only which macro and argument: the first call may be one
    // that gives it, and the template's first `s` is no call at all.
    let site = TestSite::new("minimal");
    site.write(
        "templates/mine.html",
        "{% macro dose(s) %}{{ s.title }}{% endmacro dose %}\n",
    );
    site.write(
        "templates/stretch.html",
        "{% extends \"base.html\" %}\n{% import \"mine.html\" as m %}\n{% block content %}\n\
         {{ m::dose(s=stretch) }}\n\
         {% for s in stretch.targets %}{{ s.name }}{% endfor %}\n\
         {{ m::dose(stretch=stretch) }}\n\
         {% endblock content %}\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("template `stretch.html` failed while rendering");
    assert!(d.contains(" --> templates/stretch.html:6:7\n"), "{d}");
    assert!(!d.contains("Tera does not say which one failed"), "{d}");
    assert!(
        d.contains(
            "help: the macro `dose` takes `s` and gives it no default: pass it by name, `dose(s=…)`"
        ),
        "{d}"
    );

    // So is a `hyphenate` without its `lang`, after one with it.
    site.write(
        "templates/stretch.html",
        "{% extends \"base.html\" %}\n{% block content %}\n\
         {{ page.title | hyphenate(lang=site.language) }}\n\
         {{ page.title | hyphenate }}\n\
         {% endblock content %}\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("template `stretch.html` failed while rendering");
    assert!(d.contains(" --> templates/stretch.html:4:17\n"), "{d}");
    assert!(d.contains("Filter `hyphenate` needs `lang`"), "{d}");
}

#[test]
fn a_key_that_some_pages_lack_gets_the_help_to_guard_it() {
    // `previous` is null on a routine's first stretch.
    let site = TestSite::new("minimal");
    site.write(
        "templates/stretch.html",
        "{% extends \"base.html\" %}\n{% block content %}<a href=\"{{ previous.path }}\">back</a>{% endblock content %}\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("template `stretch.html` failed while rendering");
    assert!(
        d.contains("help: `previous` is not in the context of every page this template renders, or is null on some"),
        "{d}"
    );
    assert!(
        d.contains("write `{% if previous %}…{% endif %}` around it"),
        "{d}"
    );
    // Guarded, it builds.
    site.write(
        "templates/stretch.html",
        "{% extends \"base.html\" %}\n{% block content %}{% if previous %}<a href=\"{{ previous.path }}\">back</a>{% endif %}{% endblock content %}\n",
    );
    site.build(&[]).success();
}

#[test]
fn a_render_error_names_the_other_places_that_write_the_failing_name() {
    // Tera does not say where in a template it failed: the first place
    // that writes the name may be one that works.
    let site = TestSite::new("minimal");
    site.write(
        "templates/stretch.html",
        "{% for x in nav %}{{ x.href }}{% endfor %}\n\n{% for x in stretch.targets %}{{ x.href }}{% endfor %}\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("template `stretch.html` failed while rendering");
    assert!(d.contains(" --> templates/stretch.html:1:22\n"), "{d}");
    assert!(
        d.contains(
            "`x.href` is also written at 3:34 in this template; Tera does not say which one failed"
        ),
        "{d}"
    );
}

#[test]
fn a_theme_file_where_the_built_in_theme_has_a_folder_is_the_one_blamed() {
    // The built-in theme's folders cannot be renamed by the theme's author.
    let site = TestSite::new("minimal");
    site.write("gen.toml", "theme = \"calm\"\n");
    site.write("themes/calm/static/fonts", "not a folder\n");
    let run = site.build(&[]).failure();
    let d = run.diagnostic(
        "static file themes/calm/static/fonts collides with fonts/, the folder of fonts/",
    );
    assert!(d.contains(" --> themes/calm/static/fonts\n"), "{d}");
    assert!(d.contains("rename or move the static file"), "{d}");
    assert_eq!(run.errors(), 1, "{run}");
}

#[test]
fn a_partial_macros_file_is_named_as_the_cause_of_a_missing_macro() {
    // The site's macros.html replaces the built-in one whole: the built-in
    // templates' calls to its other macros fail in a file the author did
    // not write.
    let site = TestSite::new("minimal");
    site.write(
        "templates/macros.html",
        "{% macro icon_alert() %}!{% endmacro icon_alert %}\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("template `routines.html` failed while rendering routines/index.html");
    assert!(
        d.contains("help: `macros` is templates/macros.html, which has no macro `routine_card`"),
        "{d}"
    );
}

#[test]
fn a_template_loop_is_placed_at_the_step_that_starts_it() {
    let site = TestSite::new("minimal");
    site.write(
        "templates/partials/header.html",
        "<header>{{ site.title }}</header>\n{% include \"partials/header.html\" %}\n",
    );
    site.write(
        "templates/cards.html",
        "{% macro card(s) %}\n<b>{{ self::card(s=s) }}</b>\n{% endmacro card %}\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("`partials/header.html` renders `partials/header.html`");
    assert!(
        d.contains(" --> templates/partials/header.html:2:13\n"),
        "{d}"
    );
    let d = run.diagnostic("macro `card` of `cards.html`");
    assert!(d.contains(" --> templates/cards.html:2:13\n"), "{d}");
    assert_eq!(run.errors(), 2, "{run}");
}

#[test]
fn a_template_that_is_not_utf8_hides_no_other_template_error() {
    let site = TestSite::new("minimal");
    site.write_bytes("templates/partials/footer.html", b"<footer>\xFF</footer>\n");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{{ page.title }\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("file is not valid UTF-8 text");
    assert!(d.contains(" --> templates/partials/footer.html:1:9"), "{d}");
    assert!(
        !d.contains("content/"),
        "a template is not a content file: {d}"
    );
    let d = run.diagnostic("template does not parse");
    assert!(d.contains(" --> templates/page.html:2:15"), "{d}");
    assert_eq!(run.errors(), 2, "{run}");
}

#[test]
fn a_template_loop_that_would_never_end_is_an_error_not_a_crash() {
    let site = TestSite::new("minimal");
    // About 10 GB of output: stopped at the most a page may take.
    site.write(
        "templates/page.html",
        "{% for i in range(end=100000) %}{% for j in range(end=100000) %}<p>{{ i }}</p>{% endfor %}{% endfor %}\n",
    );
    // A list of 10^11 numbers, and one that never ends: refused.
    site.write(
        "templates/404.html",
        "{% for i in range(end=100000000000) %}{{ i }}{% endfor %}\n",
    );
    site.write(
        "templates/routines.html",
        "{% for i in range(end=10, step_by=0) %}{{ i }}{% endfor %}\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("template `page.html` failed while rendering");
    assert!(d.contains("the page grew past 256 MiB"), "{d}");
    assert!(d.contains("help: check the template's loops"), "{d}");
    let d = run.diagnostic("template `404.html` failed while rendering");
    assert!(d.contains("it gives at most 1000000"), "{d}");
    assert!(d.contains(" --> templates/404.html:1:13\n"), "{d}");
    let d = run.diagnostic("template `routines.html` failed while rendering");
    assert!(d.contains("`step_by=0`"), "{d}");
    assert_eq!(run.errors(), 3, "{run}");
    assert!(!site.exists("public"));

    // Ranges of a sensible size work as before.
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}{% for i in range(start=5, end=10, step_by=2) %}[{{ i }}]{% endfor %}{% endblock content %}\n",
    );
    site.remove("templates/404.html");
    site.remove("templates/routines.html");
    site.build(&[]).success();
    assert!(
        site.read("public/when-to-get-help/index.html")
            .contains("[5][7][9]")
    );
}

#[test]
fn a_render_error_in_the_page_frame_points_at_the_frame() {
    let site = TestSite::new("minimal");
    site.write(
        "templates/base.html",
        "<!DOCTYPE html>\n<html lang=\"{{ site.language }}\">\n<title>{{ site.title }}</title>\n<main id=\"main\">{% block content %}{% endblock content %}</main>\n<footer>{{ site.tagline }}</footer>\n</html>\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("failed while rendering");
    assert!(d.contains("site.tagline"), "names the expression: {d}");
    assert!(
        d.contains(" --> templates/base.html:5:12\n"),
        "points at the expression in base.html, not in the page's template: {d}"
    );
    // One cause, met by every page that extends the frame.
    assert!(d.contains("= note: the same error in "), "{d}");
    assert_eq!(run.errors(), 1, "{run}");
}

#[test]
fn a_block_or_macro_defined_twice_is_placed_at_the_second_and_notes_the_first() {
    let site = TestSite::new("minimal");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}a{% endblock content %}\n{%- block content %}b{% endblock content %}\n",
    );
    site.write(
        "templates/cards.html",
        "{% macro card() %}a{% endmacro card %}\n\n  {% macro card() %}b{% endmacro card %}\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("template does not parse: Block `content` is duplicated");
    assert!(d.contains(" --> templates/page.html:3:11\n"), "{d}");
    assert!(d.contains("note: first defined at 2:10\n"), "{d}");
    let d = run.diagnostic("template does not parse: Macro `card` is duplicated");
    assert!(d.contains(" --> templates/cards.html:3:12\n"), "{d}");
    assert!(d.contains("note: first defined at 1:10\n"), "{d}");
    assert_eq!(run.errors(), 2, "{run}");
}

#[test]
fn a_template_over_the_size_limit_is_not_called_a_content_file() {
    let site = TestSite::new("minimal");
    site.write("templates/404.html", &"<p>x</p>\n".repeat(600_000));
    let run = site.build(&[]).failure();
    let d = run.diagnostic("templates/404.html is 5400000 bytes");
    assert!(d.contains("templates are at most 4 MiB"), "{d}");
    assert!(
        !d.contains("content"),
        "a template is not a content file: {d}"
    );
}

#[test]
fn a_filter_gen_leaves_out_or_misspelt_is_named_as_such() {
    let site = TestSite::new("minimal");
    site.write(
        "templates/routine.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ routine.updated | date(format=\"%e %B %Y\") }}{% endblock content %}\n",
    );
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ page.title | uper }}{% if page is definedd %}{% endif %}{% endblock content %}\n",
    );
    site.write(
        "templates/stretch.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ now() }}{{ zzzzzz() }}{% endblock content %}\n",
    );
    // Every one in one run, when the templates load.
    let run = site.build(&[]).failure();
    let d = run
        .diagnostic("template `routine.html` uses the filter `date`, which gen leaves out of Tera");
    assert!(d.contains(" --> templates/routine.html:2:41\n"), "{d}");
    assert!(
        d.contains("help: `date` is one of Tera's built-ins that gen leaves out ("),
        "{d}"
    );
    let d = run.diagnostic("template `page.html` uses the filter `uper`");
    assert!(d.contains(" --> templates/page.html:2:36\n"), "{d}");
    assert!(d.contains("help: did you mean the filter `upper`?"), "{d}");
    let d = run.diagnostic("template `page.html` uses the test `definedd`");
    assert!(d.contains("help: did you mean the test `defined`?"), "{d}");
    let d = run.diagnostic("template `stretch.html` uses the function `now`");
    assert!(
        d.contains("help: `now` is one of Tera's built-ins that gen leaves out"),
        "{d}"
    );
    let d = run.diagnostic("template `stretch.html` uses the function `zzzzzz`");
    assert!(
        d.contains("help: the functions there are: `get_env`, `range`, `throw`"),
        "{d}"
    );
    run.stderr_lacks(&["against the template context", "failed while rendering"]);
}

#[test]
fn hyphenate_needs_a_language_and_leaves_tags_alone() {
    let site = TestSite::new("minimal");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ page.title | hyphenate }}{% endblock content %}\n",
    );
    let run = site.build(&[]).failure();
    run.stderr_has(&[
        "Filter `hyphenate` needs `lang`",
        "hyphenate(lang=site.language)",
    ]);
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ page.title | hyphenate(lang=\"english\") }}{% endblock content %}\n",
    );
    let run = site.build(&[]).failure();
    run.stderr_has(&["`lang` \"english\", which is not a language tag"]);

    // On a page's HTML, only the text between tags is hyphenated.
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ page.content | hyphenate(lang=\"en\") | safe }}{% endblock content %}\n",
    );
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\n\nRead [comprehensively](https://example.org/comprehensive-guidance/).\n",
    );
    site.build(&[]).success();
    let html = site.read("public/about/index.html");
    assert!(
        html.contains("href=\"https://example.org/comprehensive-guidance/\""),
        "{html}"
    );
    assert!(
        html.contains("com\u{AD}pre\u{AD}hen\u{AD}sively</a>"),
        "{html}"
    );
}

#[test]
fn a_template_that_does_not_parse_does_not_hide_the_unknown_names_of_the_others() {
    let site = TestSite::new("minimal");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ page.title {% endblock content %}\n",
    );
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ now() }}\n<p>{{ now() }}</p>{% endblock content %}\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("template does not parse");
    assert!(d.contains(" --> templates/page.html:2:34\n"), "{d}");
    let d =
        run.diagnostic("template `404.html` uses the function `now`, which gen leaves out of Tera");
    assert!(d.contains(" --> templates/404.html:2:23\n"), "{d}");
    // One error for the name, which names its other uses.
    assert!(
        d.contains("note: `now` is also written at 3:7 in this template"),
        "{d}"
    );
    assert_eq!(run.errors(), 2, "{run}");
}

/// A filter Tera does not have is found when the templates load, so it is
/// reported with the content's errors, and in a template no page uses.
#[test]
fn an_unknown_filter_is_reported_with_the_contents_errors() {
    let site = TestSite::new("minimal");
    site.write(
        "templates/unused.html",
        "<p>{{ site.title | capitalise }}</p>\n",
    );
    site.replace(
        "content/stretches/01-knee-hug.md",
        "position = \"supine\"",
        "position = \"upside-down\"",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("template `unused.html` uses the filter `capitalise`");
    assert!(d.contains(" --> templates/unused.html:1:20\n"), "{d}");
    assert!(
        d.contains("help: did you mean the filter `capitalize`?"),
        "{d}"
    );
    run.diagnostic("upside-down");
    let check = site.run(&["check"]).failure();
    check.diagnostic("template `unused.html` uses the filter `capitalise`");
}

#[test]
fn an_empty_theme_folder_is_a_warning() {
    let site = TestSite::new("minimal");
    site.write("gen.toml", "title = \"Site\"\ntheme = \"calm\"\n");
    std::fs::create_dir_all(site.path("themes/calm")).unwrap();
    // A submodule's `.git` file does not make the folder a theme.
    site.write("themes/calm/.git", "gitdir: ../../.git/modules/calm\n");
    let run = site.build(&[]).success();
    let d = run.diagnostic("theme `calm`: themes/calm/ is empty");
    assert!(d.contains(" --> gen.toml:2:9\n"), "{d}");
    assert!(d.contains("git submodule update --init"), "{d}");
    assert_eq!(run.warnings(), 1, "{run}");
    assert!(site.exists("public/index.html"));

    // Nor do empty folders, as a theme is begun.
    std::fs::create_dir_all(site.path("themes/calm/templates/partials")).unwrap();
    std::fs::create_dir_all(site.path("themes/calm/static")).unwrap();
    site.build(&[])
        .success()
        .diagnostic("theme `calm`: themes/calm/ is empty");

    site.write("themes/calm/templates/404.html", "<p>gone</p>\n");
    let run = site.build(&[]).success();
    run.stderr_lacks(&["is empty"]);
    assert_eq!(site.read("public/404.html"), "<p>gone</p>\n");
}

/// The keys a template's context has besides the common ones, as the
/// README's table "Templates and their context" lists them: the names in
/// backticks outside parentheses.
fn documented_context(readme: &str, template: &str) -> Vec<String> {
    let (_, table) = readme
        .split_once("### Templates and their context")
        .expect("the README's table of template contexts");
    let row = table
        .lines()
        .find(|line| line.starts_with(&format!("| `{template}` |")))
        .unwrap_or_else(|| panic!("the README has no row for {template}"));
    let context = row.split(" | ").nth(2).expect("a third column");
    let (mut depth, mut names, mut name, mut quoted) = (0, Vec::new(), String::new(), false);
    for c in context.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            '`' if depth == 0 => {
                if quoted {
                    names.push(std::mem::take(&mut name));
                }
                quoted = !quoted;
            }
            _ if quoted && depth == 0 => name.push(c),
            _ => {}
        }
    }
    names.sort();
    names
}

#[test]
fn every_template_gets_the_context_the_readme_documents() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("the README");
    let site = TestSite::new("minimal");
    // A stretch no routine holds, and a page without a description.
    site.write(
        "content/stretches/03-lone.md",
        &super::support::stretch(&[("title", Some("\"Lone\""))]),
    );
    site.write("content/notes.md", "Plain text.\n");
    let pages = [
        ("index.html", "public/index.html"),
        ("stretch.html", "public/stretches/lone/index.html"),
        ("stretches.html", "public/stretches/index.html"),
        ("routine.html", "public/routines/morning/index.html"),
        ("routines.html", "public/routines/index.html"),
        ("page.html", "public/notes/index.html"),
        ("taxonomy_list.html", "public/positions/index.html"),
        ("taxonomy_term.html", "public/positions/supine/index.html"),
        ("handout.html", "public/routines/morning/handout/index.html"),
        ("404.html", "public/404.html"),
    ];
    for (template, _) in pages {
        site.write(
            &format!("templates/{template}"),
            "{{ __tera_context | safe }}",
        );
    }
    site.build(&[]).success();
    let common = ["canonical", "nav", "page_path", "root", "site"];
    for (template, output) in pages {
        let context: serde_json::Value =
            serde_json::from_str(&site.read(output)).expect("the context as JSON");
        let mut keys: Vec<String> = context
            .as_object()
            .expect("an object")
            .keys()
            .filter(|k| !common.contains(&k.as_str()))
            .cloned()
            .collect();
        keys.sort();
        assert_eq!(
            keys,
            documented_context(&readme, template),
            "the context of {template}"
        );
        if template == "stretch.html" {
            // What the README says of a stretch in no routine.
            for key in ["previous", "next", "sequence"] {
                assert!(context[key].is_null(), "{key}: {context}");
            }
            assert_eq!(context["routines"], serde_json::json!([]));
        }
    }
}

#[test]
fn an_extends_after_other_text_says_it_must_come_first() {
    let site = TestSite::new("minimal");
    site.write(
        "templates/page.html",
        "<!-- my page -->\n{% extends \"base.html\" %}\n{% block content %}{% endblock content %}\n",
    );
    site.write(
        "templates/stretch.html",
        "{# a comment, then an import: both may come first #}\n{% import \"macros.html\" as m %}\n{% extends \"base.html\" %}\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("template does not parse");
    assert!(d.contains(" --> templates/page.html:2:1\n"), "{d}");
    assert!(
        d.contains("note: `{% extends %}` must be the template's first tag"),
        "{d}"
    );
    assert_eq!(run.errors(), 1, "{run}");
}

#[test]
fn templates_that_extend_one_another_in_a_loop_name_the_loop() {
    let site = TestSite::new("minimal");
    site.write("templates/a.html", "{% extends \"b.html\" %}\n");
    site.write("templates/b.html", "{# b #}\n{% extends \"a.html\" %}\n");
    let run = site.build(&[]).failure();
    let d = run.diagnostic(
        "templates do not fit together: they extend one another in a loop: 'a.html' extends 'b.html' extends 'a.html'",
    );
    assert!(d.contains(" --> templates/a.html:1:13\n"), "{d}");
    assert!(
        d.contains("help: each template's parents must lead up to one that extends none"),
        "{d}"
    );
}

#[test]
fn a_loop_of_extends_that_tera_would_follow_forever_is_an_error() {
    // `base.html` extending itself, with other templates extending it:
    // Tera followed their parents until the stack overflowed (SIGABRT)
    // whenever it began with one of the others. Its order is a hash map's,
    // so the check runs a few times.
    let site = TestSite::new("minimal");
    site.write(
        "templates/base.html",
        "{% extends \"base.html\" %}\n{% block content %}{% endblock content %}\n",
    );
    for _ in 0..4 {
        let run = site.build(&[]).failure();
        let d =
            run.diagnostic("templates do not fit together: template 'base.html' extends itself");
        assert!(d.contains(" --> templates/base.html:1:13\n"), "{d}");
        assert_eq!(run.errors(), 1, "{run}");
    }
}

#[test]
fn a_number_too_big_for_tera_is_placed_in_the_template() {
    let site = TestSite::new("minimal");
    site.write(
        "templates/partials/footer.html",
        "<footer>\n<p>{{ 100000000000000000000000 }}</p>\n</footer>\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("Integer out of bounds");
    assert!(
        d.contains(" --> templates/partials/footer.html:2:7\n"),
        "{d}"
    );
    assert!(d.contains("  |       ^^^^^^^^^^^^^^^^^^^^^^^^\n"), "{d}");
}

#[test]
fn a_template_nested_too_deep_or_too_long_is_an_error_not_a_stack_overflow() {
    // Tera recurses at each level; a few hundred aborted the process.
    let site = TestSite::new("minimal");
    let parens = format!("{}1{}", "(".repeat(2000), ")".repeat(2000));
    site.write(
        "templates/page.html",
        &format!("{{% extends \"base.html\" %}}\n{{% block content %}}\n{{{{ {parens} }}}}\n{{% endblock content %}}\n"),
    );
    let ifs = format!(
        "{}x{}",
        "{% if true %}".repeat(1000),
        "{% endif %}".repeat(1000)
    );
    site.write(
        "templates/stretch.html",
        &format!(
            "{{% extends \"base.html\" %}}\n{{% block content %}}{ifs}{{% endblock content %}}\n"
        ),
    );
    // Brackets in strings, comments and raw sections are not counted.
    let quoted = "(".repeat(500);
    site.write(
        "templates/routine.html",
        &format!("{{% extends \"base.html\" %}}\n{{% block content %}}{{{{ \"{quoted}\" }}}}{{# {quoted} #}}{{% raw %}}{{{{ {quoted} }}}}{{% endraw %}}{{% endblock content %}}\n"),
    );
    // Tera nests an operator chain one level per operator.
    let chain = " + 1".repeat(3000);
    site.write(
        "templates/routines.html",
        &format!("{{% extends \"base.html\" %}}\n{{% block content %}}{{{{ 1{chain} }}}}{{% endblock content %}}\n"),
    );
    let run = site.build(&[]).failure();
    assert_eq!(run.errors(), 3, "{run}");
    let d = run.diagnostic("an expression with more than 200 operators");
    assert!(d.contains(" --> templates/routines.html:2:"), "{d}");
    let d = run.diagnostic("brackets nested more than 100 deep");
    assert!(d.contains(" --> templates/page.html:3:104\n"), "{d}");
    assert!(d.contains("help: split the template"), "{d}");
    let d = run.diagnostic("tags nested more than 100 deep");
    assert!(d.contains(" --> templates/stretch.html:2:"), "{d}");
}

#[test]
fn a_tag_left_open_at_the_end_after_a_wide_character_is_an_error_not_a_crash() {
    let site = TestSite::new("minimal");
    site.write("templates/page.html", "{% €");
    let run = site.run(&["check"]).failure();
    let d = run.diagnostic("template does not parse");
    assert!(d.contains(" --> templates/page.html:1:1\n"), "{d}");
    assert!(!run.to_string().contains("panicked"), "{run}");
}

#[test]
fn a_function_that_fails_in_an_included_file_is_placed_in_that_file() {
    // Tera names the page's template only, for a failing function call.
    let site = TestSite::new("minimal");
    site.write(
        "templates/page.html",
        "<p>x</p>\n{% include \"partials/x.html\" %}\n",
    );
    site.write(
        "templates/partials/x.html",
        "<p>y</p>\n{% for i in range(end=99999999) %}{% endfor %}\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("failed while rendering");
    assert!(d.contains(" --> templates/partials/x.html:2:13\n"), "{d}");
    assert!(d.contains("it gives at most 1000000"), "{d}");
}
