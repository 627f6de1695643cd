//! A generated district, or a province of districts, for the demo and the scale benchmark: the
//! generator's departments and units repeated county by county ("区水务局" becomes "番禺区水务局"), and
//! each unit's projects over consecutive years under the same names, so that lists, dashboards, rankings
//! and each project's history look like a bureau's. The projects are the generator's, planted errors
//! included; only where and when they belong is chosen here.

use std::ops::RangeInclusive;

use jixiao_core::Project;

use super::{DEPARTMENTS, PROJECT_NAMES, build};

/// Guangdong counties and districts, in the order a province-sized data set adds them.
pub const COUNTIES: &[&str] = &[
    "番禺", "海珠", "天河", "白云", "黄埔", "花都", "南沙", "从化", "增城", "越秀", "荔湾", "禅城",
    "南海", "顺德", "三水", "高明", "香洲", "斗门", "金湾", "蓬江",
];

/// The units of a district (or province), each with its 主管部门, county by county.
#[derive(Debug, Clone)]
pub struct District {
    /// (主管部门, 单位) per unit.
    pub units: Vec<(String, String)>,
    /// The project names to give.
    names: Vec<&'static str>,
}

/// One generated project and where it belongs.
#[derive(Debug, Clone)]
pub struct Placed {
    /// Index into [`District::units`].
    pub unit: usize,
    pub project: Project,
    /// How many errors the generator planted in it.
    pub planted: usize,
}

/// "区水务局" in county "番禺" → "番禺区水务局".
fn in_county(county: &str, name: &str) -> String {
    format!("{county}{name}")
}

impl District {
    /// The first `units` units: the whole first county, then the next, and so on (at most
    /// [`District::MAX_UNITS`]).
    pub fn new(units: usize) -> District {
        let per_county: Vec<(&str, &str)> = DEPARTMENTS
            .iter()
            .flat_map(|(d, us)| us.iter().map(move |u| (*d, *u)))
            .collect();
        let units = COUNTIES
            .iter()
            .flat_map(|c| {
                per_county
                    .iter()
                    .map(move |(d, u)| (in_county(c, d), in_county(c, u)))
            })
            .take(units)
            .collect();
        District {
            units,
            names: PROJECT_NAMES.to_vec(),
        }
    }

    /// The same district whose projects take none of these names (kept for other projects).
    pub fn without_names(mut self, taken: &[String]) -> District {
        let left: Vec<&'static str> = PROJECT_NAMES
            .iter()
            .copied()
            .filter(|n| !taken.iter().any(|t| t == n))
            .collect();
        if !left.is_empty() {
            self.names = left;
        }
        self
    }

    /// Units the county list can name.
    pub const MAX_UNITS: usize = 20 * 33;

    /// Project `index` of `seed`: unit `index % units`, then the years in turn, then the next of that
    /// unit's projects in each year. A unit's k-th project has the same name every year.
    pub fn place(&self, seed: u64, index: usize, years: &RangeInclusive<i32>) -> Placed {
        let units = self.units.len().max(1);
        let year_count = (years.end() - years.start() + 1).max(1) as usize;
        let unit = index % units;
        let rest = index / units;
        let year = years.start() + (rest % year_count) as i32;
        let k = rest / year_count;
        let (mut project, expected) = build(seed, index, Some(year));
        // Distinct within a unit's year: past the list, a batch number (a province's big units).
        let base = self.names[(unit * 7 + k) % self.names.len()];
        let name = match k / self.names.len() {
            0 => base.to_string(),
            n => format!("{base}（第{}批）", n + 1),
        };
        let (department, implementer) = &self.units[unit % self.units.len().max(1)];
        project.project.name = name.clone();
        project.project.department = department.clone();
        project.project.implementer = implementer.clone();
        project.goals.expected = format!("按期完成{name}年度各项任务，提升公共服务水平。");
        Placed {
            unit,
            project,
            planted: expected.planted.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counties_name_every_unit_and_a_units_projects_keep_their_names_over_the_years() {
        assert_eq!(
            District::MAX_UNITS,
            COUNTIES.len() * DEPARTMENTS.iter().map(|(_, u)| u.len()).sum::<usize>()
        );
        let d = District::new(40);
        assert_eq!(d.units.len(), 40);
        assert_eq!(d.units[0].0, "番禺区委组织部");
        assert!(d.units[39].1.starts_with("海珠区"), "{:?}", d.units[39]);
        let years = 2021..=2023;
        let a = d.place(7, 5, &years);
        let b = d.place(7, 5 + 40, &years);
        let c = d.place(7, 5 + 80, &years);
        assert_eq!((a.unit, b.unit, c.unit), (5, 5, 5));
        assert_eq!(
            (
                a.project.project.year,
                b.project.project.year,
                c.project.project.year
            ),
            (2021, 2022, 2023)
        );
        assert_eq!(a.project.project.name, b.project.project.name);
        assert_eq!(a.project.project.implementer, d.units[5].1);
        // The next project of the same unit in the same year has another name.
        let next = d.place(7, 5 + 120, &years);
        assert_eq!(next.project.project.year, 2021);
        assert_ne!(next.project.project.name, a.project.project.name);
        // Names kept for other projects are not given.
        let d = District::new(40).without_names(&["老旧小区改造".to_string()]);
        assert!((0..400).all(|i| d.place(7, i, &years).project.project.name != "老旧小区改造"));
    }
}
