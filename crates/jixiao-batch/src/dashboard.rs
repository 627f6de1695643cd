//! The dashboard: grade distribution, score histogram (stated vs computed), findings by code,
//! organisations ranked, gap per organisation, the 抽查 shortlist and the files that could not be read.
//! Inline SVG and one `<style>` block ([`CSS`]) only: no script, no style attribute and no external URL
//! (intranets are offline); the web app embeds [`body`] in its own page, allowing that block by its
//! hash in its Content-Security-Policy, and `jixiao batch --html` writes [`document`].

use std::fmt::Write;

use jixiao_core::Severity;
use jixiao_report::html::esc;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::summary::Review;

const STATED: &str = "#9db4d0";
const COMPUTED: &str = "#b22222";
const FONT: &str = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei',sans-serif";

/// Scoped styles for the dashboard (class `jx-dash`), usable inside another page.
pub const CSS: &str = r#".jx-dash { font-size: 14px; line-height: 1.5; }
.jx-dash h2 { font-size: 18px; margin: 24px 0 8px; }
.jx-dash .kpis { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0 16px; }
.jx-dash .kpi { border: 1px solid #ccd; border-radius: 4px; padding: 8px 14px; min-width: 120px; }
.jx-dash .kpi b { display: block; font-size: 22px; }
.jx-dash .charts { display: flex; flex-wrap: wrap; gap: 16px; }
.jx-dash figure { margin: 0; border: 1px solid #e2e2e8; padding: 8px; }
.jx-dash figcaption { font-weight: bold; margin-bottom: 4px; }
.jx-dash table { border-collapse: collapse; width: 100%; margin: 4px 0 16px; }
.jx-dash th, .jx-dash td { border: 1px solid #ccd; padding: 3px 6px; text-align: left; vertical-align: top; }
.jx-dash th { background: #eef1f6; }
.jx-dash td.n { text-align: right; white-space: nowrap; }
.jx-dash .legend span { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 12px; vertical-align: middle; }
.jx-dash .legend .stated { background: #9db4d0; }
.jx-dash .legend .computed { background: #b22222; }
.jx-dash .empty { color: #666; }
"#;

fn fnum(x: Decimal) -> f64 {
    x.to_f64().unwrap_or(0.0)
}

fn two(x: Decimal) -> String {
    format!("{:.2}", x.round_dp(2))
}

fn opt(x: Option<Decimal>) -> String {
    x.map(two).unwrap_or_else(|| "—".into())
}

fn pct(x: Decimal) -> String {
    format!("{}%", (x * Decimal::ONE_HUNDRED).round_dp(1).normalize())
}

/// Swatches by class (colours in [`CSS`], equal to [`STATED`] and [`COMPUTED`]): the web serves the
/// dashboard under a Content-Security-Policy that applies no style attribute.
fn legend() -> &'static str {
    r#"<div class="legend"><span class="stated"></span>自评<span class="computed"></span>按规则计算</div>"#
}

/// Vertical grouped bars: two series (stated, computed) per category.
fn grouped(categories: &[String], values: &[(u32, u32)], label: &str) -> String {
    let (w, h, left, bottom, top) = (520.0, 240.0, 40.0, 28.0, 16.0);
    let max = values
        .iter()
        .map(|(a, b)| (*a).max(*b))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let band = (w - left - 10.0) / categories.len().max(1) as f64;
    let bar = (band - 8.0) / 2.0;
    let plot = h - bottom - top;
    let mut s = format!(
        r#"<svg width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT}" font-size="12" role="img" aria-label="{}">"#,
        esc(label)
    );
    let _ = write!(
        s,
        r##"<line x1="{left}" y1="{y}" x2="{x2}" y2="{y}" stroke="#444"/>"##,
        y = h - bottom,
        x2 = w - 10.0
    );
    for (i, (cat, (a, b))) in categories.iter().zip(values).enumerate() {
        let x = left + band * i as f64 + 4.0;
        for (j, (v, color)) in [(*a, STATED), (*b, COMPUTED)].into_iter().enumerate() {
            let bh = plot * v as f64 / max;
            let bx = x + bar * j as f64;
            let by = h - bottom - bh;
            let _ = write!(
                s,
                r#"<rect x="{bx:.1}" y="{by:.1}" width="{bar:.1}" height="{bh:.1}" fill="{color}"><title>{}：{v}</title></rect>"#,
                esc(cat)
            );
            if v > 0 {
                let _ = write!(
                    s,
                    r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="10">{v}</text>"#,
                    bx + bar / 2.0,
                    by - 2.0
                );
            }
        }
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            x + bar,
            h - bottom + 16.0,
            esc(cat)
        );
    }
    s.push_str("</svg>");
    s
}

/// Horizontal bars with a label and a value text; negative values extend left of the axis.
/// `labelw` is the width of the label column in px; labels longer than `chars` are cut.
fn horizontal(
    items: &[(String, f64, String, &str)],
    label: &str,
    labelw: f64,
    chars: usize,
) -> String {
    if items.is_empty() {
        return r#"<p class="empty">无数据</p>"#.into();
    }
    let (w, row, top) = (640.0, 22.0, 6.0);
    let area = w - labelw - 130.0;
    let max_pos = items.iter().map(|i| i.1).fold(0.0_f64, f64::max);
    let max_neg = items.iter().map(|i| -i.1).fold(0.0_f64, f64::max);
    let span = (max_pos + max_neg).max(1e-9);
    let zero = labelw + area * max_neg / span;
    let h = top * 2.0 + row * items.len() as f64;
    let mut s = format!(
        r#"<svg width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT}" font-size="12" role="img" aria-label="{}">"#,
        esc(label)
    );
    for (i, (name, v, text, color)) in items.iter().enumerate() {
        let y = top + row * i as f64;
        let len = area * v.abs() / span;
        let x = if *v < 0.0 { zero - len } else { zero };
        let short: String = name.chars().take(chars).collect();
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            labelw - 6.0,
            y + 15.0,
            esc(&short)
        );
        let _ = write!(
            s,
            r#"<rect x="{x:.1}" y="{:.1}" width="{len:.1}" height="16" fill="{color}"><title>{}：{}</title></rect>"#,
            y + 3.0,
            esc(name),
            esc(text)
        );
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}">{}</text>"#,
            zero.max(x + len) + 4.0,
            y + 15.0,
            esc(text)
        );
    }
    let _ = write!(
        s,
        r##"<line x1="{zero:.1}" y1="0" x2="{zero:.1}" y2="{h}" stroke="#444"/>"##
    );
    s.push_str("</svg>");
    s
}

fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Error => "#b22222",
        Severity::Warning => "#d98e04",
        Severity::Info => "#6b8fb3",
    }
}

/// Rows of the organisation charts and the shortlist table shown on screen (the workbook has all).
const TOP: usize = 30;

/// The dashboard as an HTML fragment (a `<div class="jx-dash">` with its own `<style>`).
pub fn body(review: &Review) -> String {
    let mut s = format!("<style>{CSS}</style><div class=\"jx-dash\">");
    let n = review.rows.len();
    let stated: Vec<_> = review.rows.iter().filter_map(|r| r.gap()).collect();
    let lenient = stated.iter().filter(|g| **g > Decimal::ZERO).count();
    let mean = |xs: &mut dyn Iterator<Item = Decimal>, count: usize| {
        (count > 0).then(|| xs.sum::<Decimal>() / Decimal::from(count))
    };
    let mean_computed = mean(&mut review.rows.iter().map(|r| r.computed_total), n);
    let mean_stated = mean(
        &mut review.rows.iter().filter_map(|r| r.stated_total),
        stated.len(),
    );
    let errors = review.rows.iter().filter(|r| r.errors > 0).count();
    s.push_str("<div class=\"kpis\">");
    for (label, value) in [
        ("项目", n.to_string()),
        ("平均自评总分", opt(mean_stated)),
        ("平均计算总分", opt(mean_computed)),
        ("自评高于计算", format!("{lenient} 个")),
        ("有错误级发现", format!("{errors} 个")),
        ("无法读取", format!("{} 个", review.failures.len())),
    ] {
        let _ = write!(
            s,
            "<div class=\"kpi\">{}<b>{}</b></div>",
            esc(label),
            esc(&value)
        );
    }
    s.push_str("</div><div class=\"charts\">");

    let grades = review.grades();
    let cats: Vec<String> = grades.iter().map(|g| g.0.as_str().to_string()).collect();
    let vals: Vec<(u32, u32)> = grades.iter().map(|g| (g.1, g.2)).collect();
    let _ = write!(
        s,
        "<figure><figcaption>评价等级分布</figcaption>{}{}</figure>",
        legend(),
        grouped(&cats, &vals, "评价等级分布：自评与计算")
    );
    let hist = review.histogram();
    let cats: Vec<String> = (0..10)
        .map(|i| {
            if i == 9 {
                "90–100".to_string()
            } else {
                format!("{}–{}", i * 10, i * 10 + 9)
            }
        })
        .collect();
    let _ = write!(
        s,
        "<figure><figcaption>总分分布</figcaption>{}{}</figure>",
        legend(),
        grouped(&cats, &hist, "总分分布：自评与计算")
    );

    let codes: Vec<(String, f64, String, &str)> = review
        .codes
        .iter()
        .map(|c| {
            (
                format!("{}（{}）", c.name, c.severity.label()),
                c.projects as f64,
                format!("{} 个项目", c.projects),
                severity_color(c.severity),
            )
        })
        .collect();
    let _ = write!(
        s,
        "<figure><figcaption>各类审核发现涉及的项目数</figcaption>{}</figure>",
        horizontal(&codes, "各类审核发现涉及的项目数", 250.0, 40)
    );

    let mut ranked: Vec<_> = review.orgs.iter().collect();
    ranked.sort_by(|a, b| {
        b.mean_computed
            .cmp(&a.mean_computed)
            .then_with(|| a.organisation.cmp(&b.organisation))
    });
    let orgs: Vec<(String, f64, String, &str)> = ranked
        .iter()
        .take(TOP)
        .map(|o| {
            (
                o.organisation.clone(),
                fnum(o.mean_computed),
                format!("{}（{} 个项目）", two(o.mean_computed), o.projects),
                COMPUTED,
            )
        })
        .collect();
    let _ = write!(
        s,
        "<figure><figcaption>单位平均计算总分排名（前 {TOP} 名）</figcaption>{}</figure>",
        horizontal(&orgs, "单位平均计算总分排名", 180.0, 14)
    );
    let gaps: Vec<(String, f64, String, &str)> = review
        .orgs
        .iter()
        .filter_map(|o| {
            o.mean_gap.map(|g| {
                (
                    o.organisation.clone(),
                    fnum(g),
                    two(g),
                    if g > Decimal::ZERO { COMPUTED } else { STATED },
                )
            })
        })
        .take(TOP)
        .collect();
    let _ = write!(
        s,
        "<figure><figcaption>各单位自评与计算的平均差额（自评 − 计算，前 {TOP} 名）</figcaption>{}</figure>",
        horizontal(&gaps, "各单位平均差额", 180.0, 14)
    );
    s.push_str("</div>");

    let _ = write!(
        s,
        "<h2>抽查清单（按风险排序，前 {} 个）</h2>",
        review.shortlist.len().min(TOP)
    );
    if review.shortlist.is_empty() {
        s.push_str("<p class=\"empty\">没有需要优先抽查的项目。</p>");
    } else {
        s.push_str("<table><tr><th>排序</th><th>风险分</th><th>单位</th><th>项目</th><th>年度</th><th>自评</th><th>计算</th><th>抽查理由</th></tr>");
        for (i, &idx) in review.shortlist.iter().take(TOP).enumerate() {
            let r = &review.rows[idx];
            let _ = write!(
                s,
                "<tr><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td>{}<br><small>{}</small></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                i + 1,
                two(r.risk),
                esc(&r.organisation),
                esc(&r.name),
                esc(&r.source),
                r.year,
                opt(r.stated_total),
                two(r.computed_total),
                r.reasons
                    .iter()
                    .map(|x| esc(x))
                    .collect::<Vec<_>>()
                    .join("<br>")
            );
        }
        s.push_str("</table>");
    }

    s.push_str("<h2>单位汇总</h2><table><tr><th>主管部门</th><th>单位</th><th>项目数</th><th>平均自评</th><th>平均计算</th><th>平均差额</th><th>全部满分占比</th><th>最常见的发现</th></tr>");
    for o in &review.orgs {
        let top: Vec<String> = o
            .top_codes
            .iter()
            .map(|(c, k)| format!("{}（{k}）", esc(c.name())))
            .collect();
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            esc(&o.department),
            esc(&o.organisation),
            o.projects,
            opt(o.mean_stated),
            two(o.mean_computed),
            opt(o.mean_gap),
            pct(o.full_marks_share),
            top.join("、")
        );
    }
    s.push_str("</table>");

    if !review.failures.is_empty() {
        let _ = write!(
            s,
            "<h2>无法读取的文件（{} 个，已跳过）</h2><table><tr><th>来源</th><th>错误</th></tr>",
            review.failures.len()
        );
        for f in &review.failures {
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{}</td></tr>",
                esc(&f.source),
                esc(&f.error)
            );
        }
        s.push_str("</table>");
    }
    s.push_str("</div>");
    s
}

/// A whole, self-contained HTML document.
pub fn document(review: &Review, title: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>{t}</title>\n<style>body {{ font-family: {FONT}; margin: 16px 24px; color: #111; }} h1 {{ font-size: 22px; }}</style>\n</head>\n<body>\n<h1>{t}</h1>\n{}\n</body>\n</html>\n",
        body(review),
        t = esc(title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_legend_swatches_match_the_bars() {
        assert!(CSS.contains(&format!(".legend .stated {{ background: {STATED}; }}")));
        assert!(CSS.contains(&format!(".legend .computed {{ background: {COMPUTED}; }}")));
        assert!(!legend().contains("style="));
    }
}
