//! The acceptance of the public site (绩效信息公开, `/gongkai`) in a real browser, as an anonymous
//! visitor of the full demo sees it, on a desktop (1366×768) and on a phone (360×740):
//!
//! * every kind of public page — the list, a search, a year and department, the corrected evaluation,
//!   its earlier version, the statistics, the open-data page — passes axe-core's WCAG 2.0/2.1 A and AA
//!   rules plus heading order, page regions, one `h1` and table header scope (form labels, contrast,
//!   headings and table headers are checked to have run and passed where the page has them);
//! * none of them carries a script, and the search works by submitting its form;
//! * on the phone no page scrolls sideways (wide tables scroll inside their own box);
//! * the corrected evaluation prints to A4 with its 更正公告 and without the site's navigation.
//!
//! Screenshots go to target/screenshots/ (docs/screenshots/public-*.png are copies), with the printed
//! PDF (public-evaluation-print.pdf) for a look by eye. axe-core is a test fixture
//! (tests/fixtures/axe-core, see SOURCE.md there), put into the page through WebDriver; the product
//! never serves it. Where axe cannot decide a contrast (cells spanning rows hide their background from
//! it), the test measures it itself.

use std::collections::BTreeSet;
use std::time::Duration;

use fantoccini::wd::{PrintConfiguration, PrintSize, TimeoutConfiguration};
use fantoccini::{Client, Locator};
use serde_json::Value;

use crate::common;
use common::Server;
use common::ui::{browser, browser_installed, screenshots, wait_for_text};

/// axe-core, verbatim from its npm package.
const AXE: &str = include_str!("../fixtures/axe-core/axe.min.js");

/// What axe runs: WCAG 2.0 and 2.1, levels A and AA, and some best practices the site promises
/// (headings in order, all content in landmarks, one `h1`, valid table header scope).
const AXE_RUN: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  rules: {
    'heading-order': { enabled: true },
    'region': { enabled: true },
    'page-has-heading-one': { enabled: true },
    'landmark-one-main': { enabled: true },
    'scope-attr-valid': { enabled: true },
    'empty-table-header': { enabled: true },
    'empty-heading': { enabled: true }
  },
  resultTypes: ['violations', 'incomplete']
}).then(r => {
  const brief = list => list.map(x => ({
    id: x.id,
    help: x.help,
    nodes: x.nodes.slice(0, 3).map(n => ({ html: n.html.slice(0, 300), target: n.target, summary: n.failureSummary || '' })),
    count: x.nodes.length
  }));
  // Where axe cannot tell a text's background (cells spanning rows hide it from its probe), the
  // contrast is measured here: the text colour against the first opaque background up the tree.
  const rgb = s => s.match(/[\d.]+/g).map(Number);
  const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const measured = [];
  for (const x of r.incomplete.filter(x => x.id === 'color-contrast')) {
    for (const n of x.nodes) {
      const el = document.querySelector(n.target[0]);
      let bg = el;
      while (bg && (getComputedStyle(bg).backgroundColor === 'rgba(0, 0, 0, 0)' || getComputedStyle(bg).backgroundImage !== 'none')) bg = bg.parentElement;
      const a = lum(rgb(getComputedStyle(el).color)), b = lum(rgb(bg ? getComputedStyle(bg).backgroundColor : 'rgb(255,255,255)'));
      measured.push({ html: n.html.slice(0, 120), ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) });
    }
  }
  done({ violations: brief(r.violations), incomplete: brief(r.incomplete), measured,
         passes: r.passes.map(x => x.id), inapplicable: r.inapplicable.map(x => x.id) });
}, e => done({ error: String(e) }));
"#;

/// The desktop's and the phone's viewport (CSS pixels).
const DESKTOP: (u32, u32) = (1366, 768);
const PHONE: (u32, u32) = (360, 740);

async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![]).await.unwrap()
}

/// Rule ids of one of axe's result lists.
fn ids(result: &Value, list: &str) -> BTreeSet<String> {
    result[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().or(r["id"].as_str()).unwrap().to_string())
        .collect()
}

/// Runs axe on the open page; panics with each violation (rule, help, the first failing elements).
async fn check_accessibility(c: &Client, page: &str) {
    if js(c, "return typeof axe;").await != "object" {
        js(c, &format!("{AXE}\n;return null;")).await;
    }
    let result = c.execute_async(AXE_RUN, vec![]).await.unwrap();
    assert!(result["error"].is_null(), "axe on {page}: {result}");
    let violations = result["violations"].as_array().unwrap();
    if !violations.is_empty() {
        let mut text = String::new();
        for v in violations {
            text.push_str(&format!(
                "\n- {} ({} elements): {}",
                v["id"].as_str().unwrap(),
                v["count"],
                v["help"].as_str().unwrap()
            ));
            for n in v["nodes"].as_array().unwrap() {
                text.push_str(&format!(
                    "\n    {}  {}\n    {}",
                    n["target"],
                    n["html"].as_str().unwrap(),
                    n["summary"].as_str().unwrap().replace('\n', " ")
                ));
            }
        }
        panic!("axe finds accessibility violations on {page}:{text}");
    }
    for i in result["incomplete"].as_array().unwrap() {
        if i["id"] != "color-contrast" {
            eprintln!(
                "axe on {page}: to review by eye: {} ({} elements): {}",
                i["id"], i["count"], i["nodes"]
            );
        }
    }
    for m in result["measured"].as_array().unwrap() {
        let ratio = m["ratio"].as_f64().unwrap();
        assert!(
            ratio >= 4.5,
            "contrast {ratio:.2}:1 below 4.5:1 on {page}: {}",
            m["html"]
        );
    }

    // The checks the site promises ran, and passed where the page has what they look at.
    let passes = ids(&result, "passes");
    let ran: BTreeSet<String> = passes
        .iter()
        .cloned()
        .chain(ids(&result, "incomplete"))
        .chain(ids(&result, "inapplicable"))
        .collect();
    let mut must_pass = vec![
        "color-contrast",
        "page-has-heading-one",
        "heading-order",
        "region",
        "landmark-one-main",
        "bypass",
        "html-has-lang",
        "document-title",
    ];
    // Text fields need a label, selects a name (axe's "label" rule looks at inputs only).
    if js(
        c,
        "return document.querySelector('input:not([type=hidden])') !== null;",
    )
    .await
        == true
    {
        must_pass.push("label");
    }
    if js(c, "return document.querySelector('select') !== null;").await == true {
        must_pass.push("select-name");
    }
    if js(c, "return document.querySelector('table th') !== null;").await == true {
        must_pass.push("th-has-data-cells");
    }
    if js(c, "return document.querySelector('th[scope]') !== null;").await == true {
        must_pass.push("scope-attr-valid");
    }
    for rule in must_pass {
        assert!(
            passes.contains(rule),
            "axe rule {rule} did not pass on {page}: passes {passes:?}"
        );
    }
    for rule in ["label", "td-headers-attr", "th-has-data-cells"] {
        assert!(ran.contains(rule), "axe rule {rule} did not run on {page}");
    }
}

/// Opens `url`, waits for its `h1`, and checks what every public page must be.
async fn visit(c: &Client, url: &str, h1: &str, phone: bool) {
    c.goto(url).await.unwrap();
    wait_for_text(c, "h1", h1).await;
    let page = format!("{url} ({} px)", if phone { PHONE.0 } else { DESKTOP.0 });
    // No script: everything is links and forms.
    assert_eq!(
        js(c, "return document.querySelectorAll('script').length;").await,
        0,
        "a script on {page}"
    );
    assert!(!c.source().await.unwrap().contains("<script"), "{page}");
    if phone {
        // Against the phone's width, not the window's: a mobile browser widens its layout viewport
        // (window.innerWidth) to what overflows, and zooms out.
        let widths = js(
            c,
            "return [document.documentElement.scrollWidth, window.innerWidth];",
        )
        .await;
        assert!(
            widths[0].as_i64() <= Some(PHONE.0.into())
                && widths[1].as_i64() == Some(PHONE.0.into()),
            "{page} scrolls sideways: content {} px wide, window {} px, on a {} px phone",
            widths[0],
            widths[1],
            PHONE.0
        );
    }
    check_accessibility(c, &page).await;
}

/// The href of the element at `css`.
async fn href(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("no {css}"))
        .attr("href")
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{css} has no href"))
}

async fn shot(c: &Client, name: &str) {
    std::fs::write(screenshots().join(name), c.screenshot().await.unwrap()).unwrap();
}

/// The real values the pages offer: a word of a listed name, a year, a department, the corrected
/// evaluation and its earlier version.
struct Places {
    word: String,
    year: String,
    dept: String,
    corrected: String,
    earlier: String,
    name: String,
}

async fn find_places(c: &Client, server: &Server) -> Places {
    c.goto(&server.url("/gongkai")).await.unwrap();
    wait_for_text(c, "main", "共").await;
    let value = |css: &'static str| async move {
        c.find(Locator::Css(css))
            .await
            .unwrap()
            .attr("value")
            .await
            .unwrap()
            .unwrap()
    };
    let year = value("#year option:nth-child(2)").await;
    let dept = value("#dept option:nth-child(2)").await;
    let first = c
        .find(Locator::Css("table.list tbody td a"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let word: String = first.chars().take(2).collect();
    let link = c
        .find(Locator::XPath(
            "//table[@class='list']//tr[.//span[@class='tag' and normalize-space()='已更正']]//a",
        ))
        .await
        .expect("the list marks the corrected evaluation 已更正");
    let name = link.text().await.unwrap();
    let corrected = link.attr("href").await.unwrap().unwrap();
    c.goto(&server.url(&corrected)).await.unwrap();
    wait_for_text(c, "section.correction", "更正公告").await;
    let earlier = href(c, "section.correction a").await;
    Places {
        word,
        year,
        dept,
        corrected,
        earlier,
        name,
    }
}

/// The search form, submitted as a visitor would: typed into, sent with its button.
async fn search_by_form(c: &Client, server: &Server, word: &str) {
    c.goto(&server.url("/gongkai")).await.unwrap();
    let q = c.find(Locator::Css("#q")).await.unwrap();
    q.send_keys(word).await.unwrap();
    c.find(Locator::Css("form.search button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let results = wait_for_text(c, "#results", &format!("（搜索“{word}”）")).await;
    let url = c.current_url().await.unwrap();
    assert!(
        url.query_pairs().any(|(k, v)| k == "q" && v == word),
        "the form sent q: {url}"
    );
    let count: i64 = results
        .trim_start_matches("共 ")
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("a count in “{results}”"));
    assert!(count > 0, "{results}");
    let first = c
        .find(Locator::Css("table.list tbody td a"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(first.contains(word), "{first} found for {word}");
}

/// Prints the open page to A4 through WebDriver; the PDF's page size and text.
async fn print_a4(c: &Client) -> (String, String) {
    let config = PrintConfiguration::builder()
        .size(PrintSize::A4)
        .build()
        .unwrap();
    let pdf = c.print(config).await.unwrap();
    assert!(pdf.starts_with(b"%PDF"), "not a PDF");
    std::fs::write(screenshots().join("public-evaluation-print.pdf"), &pdf).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("page.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let run = |cmd: &str, args: &[&str]| {
        let out = std::process::Command::new(cmd)
            .args(args)
            .arg(&file)
            .args(if cmd == "pdftotext" {
                &["-"][..]
            } else {
                &[][..]
            })
            .output()
            .unwrap_or_else(|e| panic!("{cmd}: {e} (poppler-utils)"));
        assert!(out.status.success(), "{cmd}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    (run("pdfinfo", &[]), run("pdftotext", &["-enc", "UTF-8"]))
}

#[tokio::test]
async fn the_public_site_is_accessible_works_without_script_fits_a_phone_and_prints() {
    if !browser_installed() {
        return;
    }
    let server = common::start_demo().await;
    for (width, height) in [DESKTOP, PHONE] {
        let phone = (width, height) == PHONE;
        let (_driver, c) = browser(width, height).await;
        c.update_timeouts(TimeoutConfiguration::new(
            Some(Duration::from_secs(120)),
            Some(Duration::from_secs(60)),
            Some(Duration::from_secs(0)),
        ))
        .await
        .unwrap();
        let p = find_places(&c, &server).await;
        // (On a page with its viewport meta: a phone lays out a blank page 980 px wide.)
        assert_eq!(
            js(&c, "return window.innerWidth;").await,
            i64::from(width),
            "the viewport"
        );

        visit(&c, &server.url("/gongkai"), "绩效自评结果", phone).await;
        shot(
            &c,
            if phone {
                "public-phone-list.png"
            } else {
                "public-list.png"
            },
        )
        .await;
        if phone {
            // The list itself, further down.
            js(
                &c,
                "document.getElementById('results').scrollIntoView(); return null;",
            )
            .await;
            shot(&c, "public-phone-list-results.png").await;
        }
        let q: String = url::form_urlencoded::byte_serialize(p.word.as_bytes()).collect();
        visit(
            &c,
            &server.url(&format!("/gongkai?q={q}")),
            "绩效自评结果",
            phone,
        )
        .await;
        // A department chosen: its units appear as a fourth filter.
        visit(
            &c,
            &server.url(&format!("/gongkai?year={}&dept={}", p.year, p.dept)),
            "绩效自评结果",
            phone,
        )
        .await;
        assert!(c.find(Locator::Css("select#unit")).await.is_ok());

        visit(&c, &server.url(&p.corrected), &p.name, phone).await;
        wait_for_text(&c, "section.correction", "更正说明").await;
        shot(
            &c,
            if phone {
                "public-phone-evaluation.png"
            } else {
                "public-evaluation.png"
            },
        )
        .await;
        if phone {
            js(
                &c,
                "document.querySelector('article.report .sheet').scrollIntoView(); return null;",
            )
            .await;
            shot(&c, "public-phone-evaluation-sheet.png").await;
        }
        visit(&c, &server.url(&p.earlier), &p.name, phone).await;
        wait_for_text(&c, ".notice", "此为更正前的版本").await;

        visit(&c, &server.url("/gongkai/tongji"), "统计", phone).await;
        if !phone {
            shot(&c, "public-stats.png").await;
        }
        visit(&c, &server.url("/gongkai/shuju"), "开放数据", phone).await;

        search_by_form(&c, &server, &p.word).await;

        if !phone {
            c.goto(&server.url(&p.corrected)).await.unwrap();
            wait_for_text(&c, "h1", &p.name).await;
            let (info, text) = print_a4(&c).await;
            let size = info
                .lines()
                .find_map(|l| l.strip_prefix("Page size:"))
                .unwrap_or_else(|| panic!("no page size in {info}"));
            let pts: Vec<f64> = size
                .split_whitespace()
                .filter_map(|w| w.parse().ok())
                .collect();
            assert!(
                pts.len() >= 2 && (pts[0] - 595.0).abs() <= 1.0 && (pts[1] - 842.0).abs() <= 1.0,
                "an A4 page (595 × 842 pt): {size}"
            );
            let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            let name: String = p.name.chars().filter(|c| !c.is_whitespace()).collect();
            assert!(
                flat.contains(&name),
                "the printed page names {name}: {text}"
            );
            assert!(flat.contains("更正公告"), "{text}");
            assert!(
                !flat.contains("开放数据"),
                "the navigation and footer are not printed: {text}"
            );
        }
        c.close().await.unwrap();
    }
}
