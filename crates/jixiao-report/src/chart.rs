//! The group chart: each level-1 group's score against its weight, as a small self-contained SVG
//! (horizontal bars: the outlined bar is the weight, the filled bar the score). Used inline by the HTML
//! report and as an image by the PDF.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::content::Bar;
use crate::text::score;

const WIDTH: f64 = 600.0;
const LABEL: f64 = 120.0;
const AREA: f64 = 330.0;
const ROW: f64 = 34.0;
const TOP: f64 = 12.0;

use crate::html::esc;

/// The chart as SVG text. `font` is the CSS font-family list for the labels.
pub fn svg(bars: &[Bar], font: &str) -> String {
    let max = bars
        .iter()
        .map(|b| b.weight)
        .max()
        .unwrap_or(Decimal::ONE)
        .max(Decimal::ONE);
    let px = |x: Decimal| (x / max).to_f64().unwrap_or(0.0).clamp(0.0, 1.0) * AREA;
    let height = TOP * 2.0 + ROW * bars.len() as f64 + 22.0;
    let mut s = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="{}" font-size="14" role="img" aria-label="各一级指标得分与分值">"##,
        esc(font)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let w = px(b.weight);
        let sc = px(b.score.max(Decimal::ZERO));
        let mid = y + ROW / 2.0;
        s.push_str(&format!(
            r##"<text x="{}" y="{}" text-anchor="end" dominant-baseline="central" fill="#000">{}</text>"##,
            LABEL - 8.0,
            mid,
            esc(&b.name)
        ));
        s.push_str(&format!(
            r##"<rect x="{LABEL}" y="{}" width="{w:.1}" height="20" fill="#ffffff" stroke="#444444" stroke-width="1"/>"##,
            mid - 10.0
        ));
        s.push_str(&format!(
            r##"<rect x="{LABEL}" y="{}" width="{sc:.1}" height="20" fill="#b22222"/>"##,
            mid - 10.0
        ));
        let mut label = format!("{}／{}分", score(b.score), score(b.weight));
        if let Some(c) = b.computed {
            label.push_str(&format!("（计算{}）", score(c)));
            let cx = LABEL + px(c.max(Decimal::ZERO));
            s.push_str(&format!(
                r##"<line x1="{cx:.1}" y1="{}" x2="{cx:.1}" y2="{}" stroke="#000000" stroke-width="2" stroke-dasharray="3 2"/>"##,
                mid - 14.0,
                mid + 14.0
            ));
        }
        s.push_str(&format!(
            r##"<text x="{:.1}" y="{}" dominant-baseline="central" fill="#000">{}</text>"##,
            LABEL + w.max(sc) + 8.0,
            mid,
            esc(&label)
        ));
    }
    let ly = TOP + ROW * bars.len() as f64 + 10.0;
    s.push_str(&format!(
        r##"<rect x="{LABEL}" y="{}" width="14" height="10" fill="#b22222"/><text x="{}" y="{}" dominant-baseline="central" font-size="12">得分</text><rect x="{}" y="{}" width="14" height="10" fill="#ffffff" stroke="#444444"/><text x="{}" y="{}" dominant-baseline="central" font-size="12">分值</text>"##,
        ly - 5.0,
        LABEL + 18.0,
        ly,
        LABEL + 60.0,
        ly - 5.0,
        LABEL + 78.0,
        ly
    ));
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(name: &str, weight: i64, score: i64, computed: Option<i64>) -> Bar {
        Bar {
            name: name.into(),
            weight: weight.into(),
            score: score.into(),
            computed: computed.map(Decimal::from),
        }
    }

    #[test]
    fn bars_scale_to_the_largest_weight() {
        let s = svg(
            &[
                bar("预算执行率", 10, 10, None),
                bar("产出指标", 50, 25, Some(20)),
            ],
            "serif",
        );
        assert!(s.starts_with("<svg") && s.ends_with("</svg>"));
        // 产出指标: weight bar full width, score bar half of it.
        assert!(
            s.contains(r##"width="330.0" height="20" fill="#ffffff""##),
            "{s}"
        );
        assert!(
            s.contains(r##"width="165.0" height="20" fill="#b22222""##),
            "{s}"
        );
        assert!(s.contains("25／50分（计算20）"));
        assert!(s.contains("预算执行率"));
    }

    #[test]
    fn labels_are_escaped() {
        let s = svg(&[bar("a<b&c", 10, 5, None)], "x\"y");
        assert!(s.contains("a&lt;b&amp;c"));
        assert!(s.contains("x&quot;y"));
    }
}
