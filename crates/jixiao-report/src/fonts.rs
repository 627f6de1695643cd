//! Fonts for the PDF: the official font first (GB/T 9704: 方正小标宋简体 title, 仿宋_GB2312 body, 黑体 and
//! 楷体_GB2312 headings), when a licensed copy is in `fonts_dir`; then the bundled free fallbacks (GB2312
//! subsets of Noto Serif/Sans CJK SC, SIL OFL 1.1, see `assets/fonts/`).
//!
//! Typst silently leaves out a character that no font has, so [`missing`] finds those characters first
//! and the renderer warns about them.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use typst::foundations::Bytes;
use typst::text::Font;

use crate::ReportError;

/// Font family lists, official font first, the bundled fallback last.
pub const TITLE: &[&str] = &[
    "FZXiaoBiaoSong-B05S",
    "方正小标宋简体",
    "FZXiaoBiaoSong-B05",
    "方正小标宋_GBK",
    "Noto Serif CJK SC",
];
pub const BODY: &[&str] = &[
    "FangSong_GB2312",
    "仿宋_GB2312",
    "FangSong",
    "仿宋",
    "Noto Serif CJK SC",
];
pub const HEI: &[&str] = &["SimHei", "黑体", "Noto Sans CJK SC"];
pub const KAI: &[&str] = &[
    "KaiTi_GB2312",
    "楷体_GB2312",
    "KaiTi",
    "楷体",
    "Noto Serif CJK SC",
];
/// Page numbers: 宋体 (GB/T 9704 7.5).
pub const SONG: &[&str] = &["SimSun", "宋体", "Noto Serif CJK SC"];

/// The same lists as a CSS `font-family` value (HTML, SVG).
pub fn css(list: &[&str], generic: &str) -> String {
    let mut v: Vec<String> = list.iter().map(|f| format!("'{f}'")).collect();
    v.push(generic.into());
    v.join(", ")
}

static BUNDLED_DATA: [&[u8]; 3] = [
    include_bytes!("../../../assets/fonts/NotoSerifSC-Regular-GB2312.otf"),
    include_bytes!("../../../assets/fonts/NotoSerifSC-Bold-GB2312.otf"),
    include_bytes!("../../../assets/fonts/NotoSansSC-Regular-GB2312.otf"),
];

/// The bundled fonts, parsed once per process.
static BUNDLED: LazyLock<Vec<Font>> = LazyLock::new(|| {
    BUNDLED_DATA
        .iter()
        .flat_map(|data| Font::iter(Bytes::new(*data)))
        .collect()
});

pub fn bundled() -> &'static [Font] {
    &BUNDLED
}

/// Fonts of a directory (searched recursively), for licensed official fonts.
pub fn from_dir(dir: &Path) -> Result<Vec<Font>, ReportError> {
    let mut files = Vec::new();
    collect(dir, 0, &mut files).map_err(|source| ReportError::FontsDir {
        dir: dir.to_path_buf(),
        source,
    })?;
    files.sort();
    let mut fonts = Vec::new();
    for file in files {
        let data = std::fs::read(&file).map_err(|source| ReportError::FontsDir {
            dir: file.clone(),
            source,
        })?;
        fonts.extend(Font::iter(Bytes::new(data)));
    }
    if fonts.is_empty() {
        return Err(ReportError::NoFonts(dir.to_path_buf()));
    }
    Ok(fonts)
}

fn collect(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            if depth < 4 {
                collect(&path, depth + 1, out)?;
            }
        } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            matches!(
                e.to_ascii_lowercase().as_str(),
                "ttf" | "otf" | "ttc" | "otc"
            )
        }) {
            out.push(path);
        }
    }
    Ok(())
}

/// Characters of `text` that no font covers, in order of first appearance (whitespace and control
/// characters are not drawn and never missing).
pub fn missing(text: &str, fonts: &[Font]) -> Vec<char> {
    let mut out: Vec<char> = Vec::new();
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() || out.contains(&c) {
            continue;
        }
        if !fonts.iter().any(|f| f.info().coverage.contains(c as u32)) {
            out.push(c);
        }
    }
    out
}

/// The warning for missing characters (简体中文, for the user).
pub fn missing_warning(chars: &[char]) -> String {
    let list: Vec<String> = chars
        .iter()
        .map(|c| format!("{c}（U+{:04X}）", *c as u32))
        .collect();
    format!(
        "以下字符在已加载的字体中都没有字形，PDF 中将缺字：{}。请用 --fonts-dir（或环境变量 JIXIAO_FONTS_DIR）指定包含这些字的字体目录，例如安装 fonts-noto-cjk 后的 /usr/share/fonts/opentype/noto。",
        list.join("、")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_fonts_cover_gb2312_but_not_rare_names() {
        let fonts = bundled();
        assert_eq!(fonts.len(), 3);
        assert!(
            missing("产业人才发展专项资金 150.00 ≥95％ “”《》—☐□", fonts)
                .iter()
                .all(|c| *c == '☐')
        );
        assert_eq!(missing("王镕与李堃", fonts), vec!['镕', '堃']);
        assert!(missing_warning(&['堃']).contains("堃（U+5803）"));
    }

    #[test]
    fn bundled_families_are_named_as_the_lists_say() {
        let families: Vec<&str> = bundled().iter().map(|f| f.info().family.as_str()).collect();
        assert!(families.contains(&"Noto Serif CJK SC"), "{families:?}");
        assert!(families.contains(&"Noto Sans CJK SC"), "{families:?}");
    }

    #[test]
    fn empty_fonts_dir_is_an_error() {
        let dir = std::env::temp_dir().join(format!("jixiao-empty-fonts-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert!(matches!(from_dir(&dir), Err(ReportError::NoFonts(_))));
        assert!(matches!(
            from_dir(&dir.join("nope")),
            Err(ReportError::FontsDir { .. })
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
