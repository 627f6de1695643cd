//! Synthetic projects for tests and benchmarks (`jixiao gen`): realistic and deterministic from a seed
//! (the same seed and index always give the same project, whatever the number of threads), with the
//! errors real reports have planted on purpose and recorded in a manifest, together with the total the
//! rules give. The generator computes that total itself, from the numbers it chose, so a test can hold
//! the importer and the scoring engine to it.

mod district;
pub use district::{COUNTIES, District, Placed};

use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use jixiao_core::{
    Code, FundSource, Funds, Goals, Header, Indicator, Narrative, Policy, Project, Statement,
    evaluate,
};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::run::MANIFEST_SUFFIX;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GenFormat {
    /// One 自评表 workbook per project, in one directory per 主管部门.
    Xlsx,
    /// One project file per project, in one directory per 主管部门.
    Toml,
    /// One JSON project per line, in one file.
    Jsonl,
}

impl FromStr for GenFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "xlsx" => Ok(GenFormat::Xlsx),
            "toml" => Ok(GenFormat::Toml),
            "jsonl" => Ok(GenFormat::Jsonl),
            other => Err(format!("不支持的格式“{other}”，应为 xlsx、toml 或 jsonl")),
        }
    }
}

/// An error planted on purpose: the finding code the batch must report, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Planted {
    pub code: Code,
    pub path: String,
}

/// What the generator knows about one project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Expected {
    /// File relative to the output directory (xlsx, toml), or empty for JSON Lines.
    pub file: String,
    /// 1-based line in the JSON Lines file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub name: String,
    pub implementer: String,
    pub year: i32,
    /// The total the rules give (mof-2020), computed by the generator from its own numbers.
    pub computed_total: Decimal,
    /// The sum of the self-scores the generated form states.
    pub stated_total: Decimal,
    pub planted: Vec<Planted>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub seed: u64,
    pub format: GenFormat,
    pub projects: Vec<Expected>,
}

impl Manifest {
    /// Where `gen -o OUT` writes the manifest: `OUT.manifest.json`, beside the output.
    pub fn path_for(out: &Path) -> PathBuf {
        let mut s = out.as_os_str().to_owned();
        s.push(MANIFEST_SUFFIX);
        PathBuf::from(s)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum GenError {
    #[error("{path}：写入失败：{source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("生成第 {index} 个项目的自评表失败：{message}")]
    Render { index: usize, message: String },
}

/// splitmix64: small, fast, and the same on every platform and version (a dependency's generator
/// could change its stream in an update and silently change every seeded data set).
struct Rng(u64);

impl Rng {
    fn new(seed: u64, index: u64) -> Rng {
        let mut r = Rng(seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in lo..=hi.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo + 1) as u64)) as i64
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[(self.next() % xs.len() as u64) as usize]
    }
}

const DEPARTMENTS: &[(&str, &[&str])] = &[
    (
        "区委组织部",
        &["区委组织部（本级）", "区人才服务中心", "区党员教育中心"],
    ),
    (
        "区水务局",
        &[
            "区水务局（本级）",
            "区河道管理所",
            "区供排水服务中心",
            "区水利工程管理站",
        ],
    ),
    (
        "区住房和城乡建设局",
        &[
            "区住房和城乡建设局（本级）",
            "区市政设施维护中心",
            "区建设工程质量安全监督站",
        ],
    ),
    (
        "区文化广电旅游体育局",
        &["区体育中心", "区图书馆", "区文化馆", "区博物馆"],
    ),
    (
        "区教育局",
        &[
            "区教育局（本级）",
            "区第一中学",
            "区实验小学",
            "区教师发展中心",
            "区中等职业学校",
        ],
    ),
    (
        "区卫生健康局",
        &[
            "区卫生健康局（本级）",
            "区疾病预防控制中心",
            "区妇幼保健院",
            "区人民医院",
        ],
    ),
    (
        "区农业农村局",
        &[
            "区农业农村局（本级）",
            "区农业技术推广中心",
            "区动物疫病预防控制中心",
        ],
    ),
    (
        "区民政局",
        &["区民政局（本级）", "区社会福利院", "区救助管理站"],
    ),
    (
        "区市场监督管理局",
        &["区市场监督管理局（本级）", "区质量技术监督检测所"],
    ),
    (
        "区生态环境分局",
        &["区生态环境分局（本级）", "区环境监测站"],
    ),
];

const PROJECT_NAMES: &[&str] = &[
    "产业人才发展专项资金",
    "河涌保洁及水面垃圾清理",
    "老旧小区改造",
    "全民健身赛事活动",
    "公共图书馆免费开放",
    "基本公共卫生服务",
    "高标准农田建设",
    "城乡低保及特困人员救助",
    "食品安全抽检",
    "大气污染防治",
    "校舍维修改造",
    "市政道路养护",
    "动物防疫物资采购",
    "党员教育培训",
    "防汛抢险物资储备",
];

/// (二级指标, 三级指标, unit) for count indicators under 产出指标.
const COUNTS: &[(&str, &str, &str)] = &[
    ("数量指标", "举办培训", "场"),
    ("数量指标", "服务人次", "人次"),
    ("数量指标", "完成改造小区", "个"),
    ("数量指标", "宣传报道", "篇"),
    ("数量指标", "抽检批次", "批次"),
    ("数量指标", "惠及农户", "户"),
    ("数量指标", "养护道路里程", "公里"),
    ("数量指标", "采购防疫物资", "件"),
];
const QUALITY: &[&str] = &[
    "验收合格率",
    "抽检合格率",
    "设备完好率",
    "任务完成率",
    "资料归档率",
];
const BENEFITS: &[(&str, &str)] = &[
    ("社会效益指标", "群众知晓率"),
    ("社会效益指标", "政策覆盖率"),
    ("经济效益指标", "项目资金使用效率"),
    ("生态效益指标", "水质达标率"),
    ("可持续影响指标", "长效管护机制覆盖率"),
];
const QUALITATIVE: &[(&str, &str, &str)] = &[
    ("社会效益指标", "公共服务水平", "有效提升公共服务水平"),
    ("可持续影响指标", "长效机制建设", "建立健全长效管理机制"),
    ("社会效益指标", "群众获得感", "群众获得感明显增强"),
];
const NUMERALS: &[&str] = &["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
const DEVIATIONS: &[&str] = &[
    "受年中资金调度影响，部分任务延后，下年度提前谋划、加快进度。",
    "服务对象需求下降，已调整实施方案。",
    "项目实施期间遇极端天气，工期顺延。",
];

fn money(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

fn round2(x: Decimal) -> Decimal {
    x.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn n(x: Decimal) -> String {
    x.normalize().to_string()
}

/// How an indicator turns out, and its score under mof-2020 as the generator computes it.
struct Row {
    indicator: Indicator,
    score: Decimal,
    /// Target number and unit of a count indicator.
    count: Option<(Decimal, &'static str)>,
}

/// Splits `total` integer points into `k` parts of at least `min`.
fn split(rng: &mut Rng, total: i64, k: usize, min: i64) -> Vec<i64> {
    let mut parts = vec![min; k];
    let mut left = total - min * k as i64;
    while left > 0 {
        let i = (rng.next() % k as u64) as usize;
        let step = left.min(rng.range(1, 4));
        parts[i] += step;
        left -= step;
    }
    parts
}

/// Project `index` of the data set `seed`, and what the generator expects of it.
pub fn project(seed: u64, index: usize) -> (Project, Expected) {
    build(seed, index, None)
}

/// [`project`], in the year given instead of one drawn (the same draws otherwise).
fn build(seed: u64, index: usize, year: Option<i32>) -> (Project, Expected) {
    let mut rng = Rng::new(seed, index as u64);
    let (department, units) = *rng.pick(DEPARTMENTS);
    let implementer = *rng.pick(units);
    let drawn = rng.range(2021, 2024) as i32;
    let year = year.unwrap_or(drawn);
    let name = rng.pick(PROJECT_NAMES).to_string();
    let mut planted = Vec::new();
    let plant =
        |planted: &mut Vec<Planted>, code: Code, path: String| planted.push(Planted { code, path });

    // Funds: executed 90–100% of the annual budget; the initial budget within ±20% unless a cut is planted.
    let annual_cents = rng.range(500, 2_000_000);
    let annual = money(annual_cents);
    let mut executed = money(annual_cents * rng.range(905, 1000) / 1000);
    let mut initial = rng
        .chance(80)
        .then(|| money(annual_cents * rng.range(800, 1200) / 1000));
    if rng.chance(8) {
        // A mid-year cut of 40–90%, reported with a 100% execution rate.
        let cut = rng.range(40, 90);
        initial = Some(money(annual_cents * 100 / (100 - cut)));
        executed = annual;
        plant(&mut planted, Code::BudgetAdjusted, "funds.annual".into());
    }
    let exec_score = round2(Decimal::TEN * (executed / annual).min(Decimal::ONE));
    let sources = if rng.chance(50) {
        vec![FundSource {
            name: "当年财政拨款".into(),
            initial: None,
            annual,
            executed,
        }]
    } else {
        Vec::new()
    };

    // The indicator tree: 产出 50 in 2–4 rows, 效益 30 in 1–3, 满意度 10 in one.
    let mut rows: Vec<Row> = Vec::new();
    let k = rng.range(2, 4) as usize;
    let output_weights = split(&mut rng, 50, k, 8);
    for (k, w) in output_weights.into_iter().enumerate() {
        let kind = if k == 0 { 0 } else { rng.range(0, 3) };
        rows.push(match kind {
            0 => count_row(&mut rng, w, year),
            1 => {
                let name = *rng.pick(QUALITY);
                percent_row(&mut rng, "产出指标", "质量指标", name, w)
            }
            2 => deadline_row(&mut rng, w, year),
            _ => cost_row(&mut rng, w),
        });
    }
    let k = rng.range(1, 3) as usize;
    let benefit_weights = split(&mut rng, 30, k, 8);
    for w in benefit_weights {
        rows.push(if rng.chance(30) {
            let (l2, name, target) = *rng.pick(QUALITATIVE);
            let w = Decimal::from(w);
            let ind = indicator(
                "效益指标",
                l2,
                name,
                target.into(),
                "达成预期指标".into(),
                w,
                Some(w),
            );
            Row {
                indicator: ind,
                score: w,
                count: None,
            }
        } else {
            let (l2, name) = *rng.pick(BENEFITS);
            percent_row(&mut rng, "效益指标", l2, name, w)
        });
    }
    rows.push(percent_row(
        &mut rng,
        "满意度指标",
        "服务对象满意度指标",
        "服务对象满意度",
        10,
    ));

    // Planted indicator errors, each on its own row.
    let counts: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].indicator.level2 == "数量指标")
        .collect();
    let percents: Vec<usize> = (0..rows.len())
        .filter(|&i| {
            rows[i].indicator.target.contains('%') || rows[i].indicator.target.contains('％')
        })
        .collect();
    if rng.chance(15) {
        // Lenient: a missed count target (explained) that the unit scored at full marks.
        let i = counts[0];
        let r = &mut rows[i];
        let (t, unit) = r.count.expect("a count row");
        let actual = (t * Decimal::from(rng.range(50, 80)) / Decimal::ONE_HUNDRED).floor();
        let w = r.indicator.weight;
        r.indicator.actual = format!("{}{unit}", n(actual));
        r.indicator.deviation = Some(rng.pick(DEVIATIONS).to_string());
        r.indicator.self_score = Some(w);
        r.score = round2(w * actual / t);
        plant(
            &mut planted,
            Code::SelfScoreAboveComputed,
            format!("indicators[{i}].self_score"),
        );
    } else if rng.chance(12) {
        // Overshoot: a count target exceeded 1.5–6 times, no 偏差原因.
        let i = counts[0];
        let r = &mut rows[i];
        let (t, unit) = r.count.expect("a count row");
        let actual = (t * Decimal::from(rng.range(150, 600)) / Decimal::ONE_HUNDRED).ceil();
        r.indicator.actual = format!("{}{unit}", n(actual));
        r.indicator.deviation = None;
        r.indicator.self_score = Some(r.indicator.weight);
        r.score = r.indicator.weight;
        plant(
            &mut planted,
            Code::TargetOvershoot,
            format!("indicators[{i}].target"),
        );
        plant(
            &mut planted,
            Code::DeviationUnexplained,
            format!("indicators[{i}].deviation"),
        );
    }
    if rng.chance(8) {
        // Unit mismatch: a rate answered with a count; the rules keep the self-score.
        let i = percents[0];
        let r = &mut rows[i];
        r.indicator.actual = format!("{}件", rng.range(3, 40));
        r.indicator.deviation = None;
        r.indicator.self_score = Some(r.indicator.weight);
        r.score = r.indicator.weight;
        plant(
            &mut planted,
            Code::UnitMismatch,
            format!("indicators[{i}].actual"),
        );
    }
    if rng.chance(7) {
        // Weights that do not add up to 100: one row's weight off by a few points,
        // on a row at full marks, which stays at full marks with its new weight.
        let full: Vec<usize> = (0..rows.len())
            .filter(|&i| {
                rows[i].score == rows[i].indicator.weight
                    && rows[i].indicator.self_score == Some(rows[i].score)
            })
            .collect();
        if !full.is_empty() {
            let i = full[(rng.next() % full.len() as u64) as usize];
            let new = rows[i].indicator.weight + Decimal::from(*rng.pick(&[-3i64, -2, 2, 3, 5]));
            let r = &mut rows[i];
            r.indicator.weight = new;
            r.indicator.self_score = Some(new);
            r.score = new;
            plant(&mut planted, Code::WeightsSum, "indicators".into());
        }
    }

    let indicators: Vec<Indicator> = rows.iter().map(|r| r.indicator.clone()).collect();
    let computed_total = exec_score + rows.iter().map(|r| r.score).sum::<Decimal>();
    let stated_total = exec_score
        + indicators
            .iter()
            .map(|i| i.self_score.unwrap_or_default())
            .sum::<Decimal>();
    let project = Project {
        project: Header {
            name: name.clone(),
            year,
            level: Some("二级".into()),
            department: department.into(),
            implementer: implementer.into(),
            code: None,
            kind: Default::default(),
        },
        funds: Funds {
            initial,
            annual,
            executed,
            execution_weight: Decimal::TEN,
            self_score: Some(exec_score),
            review_score: None,
            sources,
        },
        goals: Goals {
            expected: format!("按期完成{name}年度各项任务，提升公共服务水平。"),
            actual: "已按计划完成年度主要任务。".into(),
        },
        indicators,
        statement: Statement {
            total: Some(stated_total),
            ..Default::default()
        },
        report: Narrative::default(),
    };
    let expected = Expected {
        file: String::new(),
        line: None,
        name,
        implementer: implementer.into(),
        year,
        computed_total,
        stated_total,
        planted,
    };
    (project, expected)
}

fn indicator(
    level1: &str,
    level2: &str,
    name: &str,
    target: String,
    actual: String,
    weight: Decimal,
    self_score: Option<Decimal>,
) -> Indicator {
    Indicator {
        level1: level1.into(),
        level2: level2.into(),
        name: name.into(),
        target,
        actual,
        weight,
        self_score,
        review_score: None,
        deviation: None,
        direction: None,
    }
}

/// Met 85% of the time (up to 125% of the target), otherwise missed by 3–40% and explained; the
/// self-score is what the rules give (the planted errors change that).
fn count_row(rng: &mut Rng, w: i64, year: i32) -> Row {
    let (l2, name, unit) = *rng.pick(COUNTS);
    let t = rng.range(1, 10) * if rng.chance(50) { 1 } else { 10 };
    let target = match rng.range(0, 3) {
        0 => format!("{t}{unit}"),
        1 => format!("≥{t}{unit}"),
        2 => format!("不少于{t}{unit}"),
        _ if t <= 10 => format!("{}{unit}", NUMERALS[(t - 1) as usize]),
        _ => format!("≥{t}{unit}"),
    };
    let w = Decimal::from(w);
    let td = Decimal::from(t);
    let (actual, score, deviation) = if rng.chance(85) {
        let a = (td * Decimal::from(rng.range(100, 125)) / Decimal::ONE_HUNDRED)
            .floor()
            .max(td);
        (a, w, None)
    } else {
        let a = (td * Decimal::from(rng.range(60, 97)) / Decimal::ONE_HUNDRED).floor();
        (
            a,
            round2(w * a / td),
            Some(rng.pick(DEVIATIONS).to_string()),
        )
    };
    let actual_text = if rng.chance(30) {
        format!("{year}年度共完成{name}{}{unit}", n(actual))
    } else {
        format!("{}{unit}", n(actual))
    };
    let mut ind = indicator("产出指标", l2, name, target, actual_text, w, Some(score));
    ind.deviation = deviation;
    Row {
        indicator: ind,
        score,
        count: Some((td, unit)),
    }
}

fn percent_row(rng: &mut Rng, level1: &str, level2: &str, name: &str, w: i64) -> Row {
    let t = rng.range(80, 98);
    let target = match rng.range(0, 2) {
        0 => format!("≥{t}%"),
        1 => format!("不低于{t}%"),
        _ => format!("≧{t}％"),
    };
    let w = Decimal::from(w);
    let td = Decimal::from(t);
    let (actual, score, deviation) = if rng.chance(88) {
        let a = Decimal::new(rng.range(t * 10, 1000.min(t * 10 + 150)), 1);
        (a, w, None)
    } else {
        let a = Decimal::new(rng.range(t * 6, t * 10 - 5), 1);
        (
            a,
            round2(w * a / td),
            Some(rng.pick(DEVIATIONS).to_string()),
        )
    };
    let mut ind = indicator(
        level1,
        level2,
        name,
        target,
        format!("{}%", n(actual)),
        w,
        Some(score),
    );
    ind.deviation = deviation;
    Row {
        indicator: ind,
        score,
        count: None,
    }
}

fn deadline_row(rng: &mut Rng, w: i64, year: i32) -> Row {
    let target = if rng.chance(50) {
        format!("{year}年12月前")
    } else {
        format!("{year}年12月31日前")
    };
    let actual = format!("{year}年{}月完成", rng.range(6, 11));
    let w = Decimal::from(w);
    Row {
        indicator: indicator(
            "产出指标",
            "时效指标",
            "按期完成率",
            target,
            actual,
            w,
            Some(w),
        ),
        score: w,
        count: None,
    }
}

/// A cost ceiling (反向): within budget 85% of the time, otherwise over by 2–25% and explained.
fn cost_row(rng: &mut Rng, w: i64) -> Row {
    let t_cents = rng.range(1_000, 500_000);
    let t = money(t_cents);
    let w = Decimal::from(w);
    let (a, score, deviation) = if rng.chance(85) {
        (money(t_cents * rng.range(85, 100) / 100), w, None)
    } else {
        let a = money(t_cents * rng.range(102, 125) / 100);
        (a, round2(w * t / a), Some(rng.pick(DEVIATIONS).to_string()))
    };
    let mut ind = indicator(
        "产出指标",
        "成本指标",
        "项目总成本",
        format!("≤{}万元", n(t)),
        format!("{}万元", n(a)),
        w,
        Some(score),
    );
    ind.deviation = deviation;
    Row {
        indicator: ind,
        score,
        count: None,
    }
}

pub struct GenOptions {
    pub projects: usize,
    pub seed: u64,
    pub format: GenFormat,
    pub out: PathBuf,
    pub jobs: usize,
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> GenError + '_ {
    move |source| GenError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes the data set and its manifest (`OUT.manifest.json`); returns the manifest. `progress` is
/// called with the number of projects written so far (from the writing threads).
pub fn generate(
    opts: &GenOptions,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Manifest, GenError> {
    let done = std::sync::atomic::AtomicUsize::new(0);
    let tick = || progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1);
    let mut expected: Vec<Expected> = Vec::with_capacity(opts.projects);
    match opts.format {
        GenFormat::Jsonl => {
            if let Some(parent) = opts.out.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(io_err(parent))?;
            }
            let file = std::fs::File::create(&opts.out).map_err(io_err(&opts.out))?;
            let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
            for i in 0..opts.projects {
                let (p, mut e) = project(opts.seed, i);
                let line = serde_json::to_string(&p).map_err(|e| GenError::Render {
                    index: i,
                    message: e.to_string(),
                })?;
                w.write_all(line.as_bytes())
                    .and_then(|()| w.write_all(b"\n"))
                    .map_err(io_err(&opts.out))?;
                e.line = Some(i + 1);
                expected.push(e);
                tick();
            }
            w.flush().map_err(io_err(&opts.out))?;
        }
        GenFormat::Xlsx | GenFormat::Toml => {
            let jobs = opts.jobs.max(1);
            let results: Vec<Result<Vec<(usize, Expected)>, GenError>> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..jobs)
                    .map(|k| {
                        let tick = &tick;
                        s.spawn(move || {
                            let mut out = Vec::new();
                            let mut i = k;
                            while i < opts.projects {
                                out.push((i, write_one(opts, i)?));
                                tick();
                                i += jobs;
                            }
                            Ok(out)
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| {
                        h.join().unwrap_or_else(|_| {
                            Err(GenError::Render {
                                index: 0,
                                message: "生成线程异常退出".into(),
                            })
                        })
                    })
                    .collect()
            });
            let mut all = Vec::with_capacity(opts.projects);
            for r in results {
                all.extend(r?);
            }
            all.sort_by_key(|(i, _)| *i);
            expected.extend(all.into_iter().map(|(_, e)| e));
        }
    }
    let manifest = Manifest {
        seed: opts.seed,
        format: opts.format,
        projects: expected,
    };
    let path = Manifest::path_for(&opts.out);
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| GenError::Render {
        index: 0,
        message: e.to_string(),
    })?;
    std::fs::write(&path, text).map_err(io_err(&path))?;
    Ok(manifest)
}

fn write_one(opts: &GenOptions, i: usize) -> Result<Expected, GenError> {
    let (p, mut e) = project(opts.seed, i);
    let dept = DEPARTMENTS
        .iter()
        .position(|(d, _)| *d == p.project.department)
        .unwrap_or(0);
    let ext = if opts.format == GenFormat::Xlsx {
        "xlsx"
    } else {
        "toml"
    };
    let rel = format!("{dept:02}/{i:06}.{ext}");
    let path = opts.out.join(&rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io_err(parent))?;
    }
    let bytes = match opts.format {
        GenFormat::Toml => jixiao_io::to_toml(&p).into_bytes(),
        _ => {
            let policy = Policy::standard();
            let eval = evaluate(&p, policy);
            jixiao_report::render(
                &p,
                &eval,
                policy,
                jixiao_report::Format::Xlsx,
                &jixiao_report::Options::default(),
            )
            .map_err(|err| GenError::Render {
                index: i,
                message: err.to_string(),
            })?
            .bytes
        }
    };
    std::fs::write(&path, bytes).map_err(io_err(&path))?;
    e.file = rel;
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_project_and_the_rules_agree_with_the_generator() {
        let policy = Policy::default_policy();
        let mut planted = std::collections::BTreeSet::new();
        for i in 0..400 {
            let (a, ea) = project(7, i);
            let (b, _) = project(7, i);
            assert_eq!(a, b, "project {i} is deterministic");
            let e = evaluate(&a, &policy);
            assert_eq!(
                e.total, ea.computed_total,
                "project {i}: {:#?}",
                a.indicators
            );
            assert_eq!(e.self_total, Some(ea.stated_total), "project {i}");
            for p in &ea.planted {
                assert!(
                    e.findings
                        .iter()
                        .any(|f| f.code == p.code && f.path == p.path),
                    "project {i}: planted {p:?} not found in {:#?}",
                    e.findings
                );
                planted.insert(p.code);
            }
            // The clean parts are clean: no planted kind of error where none was planted.
            for f in &e.findings {
                if [
                    Code::SelfScoreAboveComputed,
                    Code::TargetOvershoot,
                    Code::UnitMismatch,
                    Code::BudgetAdjusted,
                    Code::WeightsSum,
                ]
                .contains(&f.code)
                {
                    assert!(
                        ea.planted.iter().any(|p| p.code == f.code),
                        "project {i}: unplanted {f:?}\n{:#?}",
                        a.indicators
                    );
                }
            }
        }
        assert_eq!(
            planted.len(),
            6,
            "every kind of planted error occurs in 400 projects: {planted:?}"
        );
        assert_ne!(
            project(7, 0).0,
            project(8, 0).0,
            "another seed, another data set"
        );
    }
}
