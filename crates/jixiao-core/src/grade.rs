//! 评价等级 优 / 良 / 中 / 差.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub enum Grade {
    #[serde(rename = "差")]
    Poor,
    #[serde(rename = "中")]
    Fair,
    #[serde(rename = "良")]
    Good,
    #[serde(rename = "优")]
    Excellent,
}

impl Grade {
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::Excellent => "优",
            Grade::Good => "良",
            Grade::Fair => "中",
            Grade::Poor => "差",
        }
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Grade {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "优" | "优秀" => Ok(Grade::Excellent),
            "良" | "良好" => Ok(Grade::Good),
            "中" | "中等" | "合格" => Ok(Grade::Fair),
            "差" | "较差" | "不合格" => Ok(Grade::Poor),
            other => Err(format!(
                "无法识别的评价等级“{other}”，应为 优 / 良 / 中 / 差"
            )),
        }
    }
}
